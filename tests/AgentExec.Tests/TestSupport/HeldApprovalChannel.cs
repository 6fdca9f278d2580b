using System.Collections.Concurrent;
using AgentExec.Core.Approval;

namespace AgentExec.Tests.TestSupport;

/// <summary>
/// A channel whose human answers when the test says so: each question waits until <see cref="AnswerNextAsync"/> (or until
/// its call is cancelled), and the channel counts how many questions were open at once.
/// </summary>
internal sealed class HeldApprovalChannel : IApprovalChannel
{
    private readonly ConcurrentQueue<ApprovalQuestion> _questions = new();
    private readonly System.Threading.Channels.Channel<TaskCompletionSource<ApprovalOutcome>> _open = System.Threading.Channels.Channel.CreateUnbounded<TaskCompletionSource<ApprovalOutcome>>();
    private int _openNow;
    private int _mostOpen;

    public bool CanAsk => true;

    public ApprovalReason CannotAskReason => ApprovalReason.ClientCannotElicit;

    public IReadOnlyList<ApprovalQuestion> Questions => _questions.ToArray();

    /// <summary>The most questions that were open at the same time.</summary>
    public int MostOpenAtOnce => Volatile.Read(ref _mostOpen);

    /// <summary>Runs inside each question, while it is open.</summary>
    public Action<ApprovalQuestion>? WhileOpen { get; set; }

    public string Render(ApprovalQuestion question) => ApprovalMessage.Render(question);

    public async Task<ApprovalOutcome> AskAsync(ApprovalQuestion question, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _questions.Enqueue(question);
        var open = Interlocked.Increment(ref _openNow);
        InterlockedMax(ref _mostOpen, open);
        try
        {
            WhileOpen?.Invoke(question);
            var answer = new TaskCompletionSource<ApprovalOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
            await _open.Writer.WriteAsync(answer, cancellationToken);
            return await answer.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return ApprovalOutcome.DeniedByChannel(ApprovalReason.CallCancelled);
        }
        finally
        {
            Interlocked.Decrement(ref _openNow);
        }
    }

    /// <summary>Waits for the next open question and gives it <paramref name="answer"/>.</summary>
    public async Task AnswerNextAsync(ApprovalOutcome answer)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var open = await _open.Reader.ReadAsync(bound.Token);
        open.TrySetResult(answer);
    }

    private static void InterlockedMax(ref int location, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref location)) < value && Interlocked.CompareExchange(ref location, value, seen) != seen)
        {
        }
    }
}
