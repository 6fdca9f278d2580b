using AgentExec.Core.Pipeline;

namespace AgentExec.Mcp.Mrtr;

/// <summary>
/// A <c>tools/call</c> under MCP 2026-07-28 whose pipeline keeps running between the requests that carry it: the first
/// request answers <c>input_required</c> when the pipeline asks a question, and the client's retry delivers the answer
/// to that same pipeline. So the command is judged, assessed, audited and run once, however many rounds it takes.
/// </summary>
internal sealed class SuspendedCall
{
    private readonly CancellationTokenSource _cancellation;
    private TaskCompletionSource<PendingInput> _nextQuestion = NewSignal();

    /// <summary>Creates the call, ended at once if the client goes away.</summary>
    public SuspendedCall(CallBinding binding, CancellationToken disconnected)
    {
        Binding = binding;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(disconnected);
    }

    /// <summary>What a retry must repeat to be given this call's question.</summary>
    public CallBinding Binding { get; }

    /// <summary>The pipeline's result; set by <see cref="Start"/>.</summary>
    public Task<ShellResult> Outcome { get; private set; } = Task.FromResult<ShellResult>(null!);

    /// <summary>Completes when the pipeline puts its next question.</summary>
    public Task<PendingInput> NextQuestion => Volatile.Read(ref _nextQuestion).Task;

    /// <summary>Starts the pipeline with this call's cancellation.</summary>
    public void Start(Func<CancellationToken, Task<ShellResult>> pipeline) => Outcome = RunAsync(pipeline);

    /// <summary>Called by the pipeline's channel when it puts a question.</summary>
    public void Ask(PendingInput question) => Volatile.Read(ref _nextQuestion).TrySetResult(question);

    /// <summary>
    /// Called before an answer is delivered: the round that follows waits for the question after this one (a retry
    /// without the sandbox), not for the one just answered.
    /// </summary>
    public void ExpectAnotherQuestion() => Volatile.Write(ref _nextQuestion, NewSignal());

    /// <summary>Cancels the call: the request carrying it was cancelled. A command still running is killed.</summary>
    public void Cancel()
    {
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The pipeline has finished: there is nothing left to cancel.
        }
    }

    private async Task<ShellResult> RunAsync(Func<CancellationToken, Task<ShellResult>> pipeline)
    {
        try
        {
            return await pipeline(_cancellation.Token).ConfigureAwait(false);
        }
        finally
        {
            // Unlinks from the connection's token, which would otherwise keep one registration per call for the session.
            _cancellation.Dispose();
        }
    }

    private static TaskCompletionSource<PendingInput> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
