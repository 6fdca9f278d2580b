using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentExec.Core.Approval;
using AgentExec.Core.Crypto;
using AgentExec.Core.Execution;
using AgentExec.Core.Pipeline;
using AgentExec.Mcp.Approval;
using AgentExec.Mcp.Tools;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentExec.Mcp.Mrtr;

/// <summary>
/// Calls under MCP 2026-07-28 (multi round-trip requests): starts a call's pipeline, answers <c>input_required</c>
/// when it asks, and gives each retry's answer to the question it belongs to — or refuses the retry.
/// </summary>
/// <remarks>
/// <para>
/// The SDK can do this by itself (a handler that sends <c>elicitation/create</c> is suspended and its
/// <c>requestState</c> is a key into a map), but its key checks nothing else: a retry carrying call A's state with call
/// B's arguments got A's result, a suspended handler stayed in the map until a retry came (memory grew with every
/// unanswered question), and an <c>inputResponses</c> that was not a map failed with <c>-32603</c> while the question
/// waited for its full timeout. The <c>requestState</c> is attacker-controlled input, so AgentExec keeps its own,
/// stricter books (SPEC.md "Protocol generations"):
/// </para>
/// <list type="bullet">
/// <item>each question's state is 128 random bits, open only while the question is (at most 64 are: the pending
/// question limit), and removed the moment the question ends, so a late retry is told it expired and nothing
/// accumulates;</item>
/// <item>a retry is given the answer only if its validated arguments equal those of the call that was asked about
/// (<see cref="CallBinding"/>), and only once; any other retry is refused and audited as a call of its own;</item>
/// <item>the raw <c>inputResponses</c> is judged here (<see cref="InputResponseReader"/>), so a bad shape is
/// <c>malformed_response</c> at once.</item>
/// </list>
/// </remarks>
internal sealed class SuspendedCalls(ExecPipeline pipeline, ClientConnection connection, TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, PendingInput> _open = new(StringComparer.Ordinal);

    /// <summary>Questions out with the client right now.</summary>
    public int OpenQuestions => _open.Count;

    /// <summary>Runs a first call: its result, or <c>input_required</c> (thrown, as the SDK expects) when it asks.</summary>
    /// <param name="request">The validated call.</param>
    /// <param name="server">The request's server, which knows this client's capabilities.</param>
    /// <param name="cancellationToken">The request's cancellation, which cancels the call while this request is open.</param>
    public Task<CallToolResult> StartAsync(ExecRequest request, McpServer server, CancellationToken cancellationToken)
    {
        var call = new SuspendedCall(CallBinding.Of(request), connection.Disconnected);
        var channel = new InputRequiredApprovalChannel(server, call, this, connection, timeProvider);
        call.Start(cancellation => pipeline.ExecuteAsync(request, channel, observer: null, cancellation));

        // The pipeline outlives this request once it asks; a server that stops waits for it to record its end.
        connection.Track(call.Outcome.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default));
        return NextRoundAsync(call, cancellationToken);
    }

    /// <summary>Runs a retry: its answer goes to the question it names, if that question is open and asked about this very call.</summary>
    /// <param name="retry">The retry's raw MRTR fields.</param>
    /// <param name="request">The retry's own arguments, validated like any call's.</param>
    /// <param name="cancellationToken">The retry's cancellation, which cancels the call while this request is open.</param>
    public async Task<CallToolResult> ResumeAsync(RetryFields retry, ExecRequest request, CancellationToken cancellationToken)
    {
        if (!TryReadState(retry.RequestState, out var state) || !_open.TryGetValue(state, out var question))
        {
            return await RefuseAsync(request, UnmatchedAnswer.QuestionNotOpen).ConfigureAwait(false);
        }

        // The question stays open for its own call's retry: this one did not answer it.
        if (question.Call.Binding != CallBinding.Of(request))
        {
            return await RefuseAsync(request, UnmatchedAnswer.DifferentCall).ConfigureAwait(false);
        }

        // Only once: of two retries with the same state, one takes the question.
        if (!_open.TryRemove(KeyValuePair.Create(state, question)))
        {
            return await RefuseAsync(request, UnmatchedAnswer.QuestionNotOpen).ConfigureAwait(false);
        }

        var answer = InputResponseReader.Read(retry.InputResponses, question.Key);

        // The retry's cancellation reaches the call before the answer does: a retry the client cancelled before it was
        // handled cancels its call first, so the answer finds the call cancelled and cannot approve it. Linked only
        // after the answer (in NextRoundAsync), an approval could set the command going in between, and a fast command
        // would be done before the cancellation came to kill it.
        using (cancellationToken.Register(static state => ((SuspendedCall)state!).Cancel(), question.Call))
        {
            question.Call.ExpectAnotherQuestion();
            if (!question.TryAnswer(answer))
            {
                // Cancelling this retry ended the question (its call recorded call_cancelled), and a cancelled request
                // gets no response (MCP). Otherwise it timed out or was cancelled between the lookup and now.
                cancellationToken.ThrowIfCancellationRequested();
                return await RefuseAsync(request, UnmatchedAnswer.QuestionNotOpen).ConfigureAwait(false);
            }
        }

        return await NextRoundAsync(question.Call, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens a question of <paramref name="call"/> under a fresh state.</summary>
    internal PendingInput Open(SuspendedCall call, ApprovalQuestion question)
    {
        var elicitation = JsonSerializer.SerializeToElement(ElicitationRequestBuilder.Build(question), McpJsonContext.Default.JsonNode);
        while (true)
        {
            var pending = new PendingInput(RandomToken.NewHex(), call, question.ApprovalId, elicitation);
            if (_open.TryAdd(pending.State, pending))
            {
                return pending;
            }
        }
    }

    /// <summary>Ends a question: its state is forgotten at once, and an answer that comes later is refused.</summary>
    internal void Close(PendingInput question)
    {
        _open.TryRemove(KeyValuePair.Create(question.State, question));
        question.Close();
    }

    private static bool TryReadState(JsonNode? node, out string state)
    {
        state = string.Empty;
        return node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.TryGetValue(out state!);
    }

    // One round of a call: it finishes (its result), or asks (input_required, with the state its retry must carry).
    private static async Task<CallToolResult> NextRoundAsync(SuspendedCall call, CancellationToken cancellationToken)
    {
        using (cancellationToken.Register(static state => ((SuspendedCall)state!).Cancel(), call))
        {
            var question = call.NextQuestion;
            await Task.WhenAny(call.Outcome, question).ConfigureAwait(false);
            if (call.Outcome.IsCompleted || !question.IsCompletedSuccessfully)
            {
                var result = await call.Outcome.ConfigureAwait(false);

                // A cancelled request gets no response (MCP); the pipeline has killed the command and recorded it.
                cancellationToken.ThrowIfCancellationRequested();
                return ShellToolResultRenderer.Render(result);
            }

            var pending = question.Result;
            throw new InputRequiredException(new Dictionary<string, InputRequest>(StringComparer.Ordinal) { [pending.Key] = pending.Request }, pending.State);
        }
    }

    private async Task<CallToolResult> RefuseAsync(ExecRequest request, UnmatchedAnswer why) =>
        ShellToolResultRenderer.Render(await pipeline.RefuseUnmatchedAnswerAsync(request, why).ConfigureAwait(false));
}
