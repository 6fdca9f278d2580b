using System.Text.Json;
using AgentExec.Core.Approval;
using ModelContextProtocol.Protocol;

namespace AgentExec.Mcp.Mrtr;

/// <summary>
/// One approval question that is out with the client as an <c>input_required</c> result, waiting for the retry that
/// carries its answer. Open from the moment it is put until it ends (answered, timed out, cancelled, disconnected); an
/// answer after that is refused.
/// </summary>
internal sealed class PendingInput
{
    private readonly TaskCompletionSource<ApprovalOutcome> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Opens a question of <paramref name="call"/>.</summary>
    /// <param name="state">The <c>requestState</c> the client must echo: random, used once.</param>
    /// <param name="call">The call that asked.</param>
    /// <param name="approvalId">The question's approval id, which is also the key of its answer in <c>inputResponses</c>.</param>
    /// <param name="elicitation">The <c>elicitation/create</c> params, as a pre-2026 client would be sent them.</param>
    public PendingInput(string state, SuspendedCall call, string approvalId, JsonElement elicitation)
    {
        State = state;
        Call = call;
        Key = approvalId;
        Request = new InputRequest { Method = RequestMethods.ElicitationCreate, Params = elicitation };
    }

    /// <summary>The <c>requestState</c> a retry must carry.</summary>
    public string State { get; }

    /// <summary>The call whose pipeline waits for the answer.</summary>
    public SuspendedCall Call { get; }

    /// <summary>The key of the one answer the retry's <c>inputResponses</c> must hold: the approval id.</summary>
    public string Key { get; }

    /// <summary>The input request sent in the <c>input_required</c> result.</summary>
    public InputRequest Request { get; }

    /// <summary>Completes with the answer; cancelled once the question has ended without one.</summary>
    public Task<ApprovalOutcome> Answer => _answer.Task;

    /// <summary>Gives the question its answer; false when it has already ended (answered, or closed first).</summary>
    public bool TryAnswer(ApprovalOutcome answer) => _answer.TrySetResult(answer);

    /// <summary>Ends the question: an answer that comes later is not taken.</summary>
    public void Close() => _answer.TrySetCanceled();
}
