using System.Collections.Concurrent;
using AgentExec.Core.Execution;

namespace AgentExec.Core.Approval;

/// <summary>
/// The session cache: requests a human approved for the session, kept as long as the process lives.
/// Rules are evaluated before it is consulted, so a new <c>forbidden</c> rule beats a cached approval.
/// </summary>
public sealed class SessionApprovals
{
    private readonly ConcurrentDictionary<SessionApprovalKey, byte> _approved = new();

    /// <summary>True when the request was approved for the session.</summary>
    public bool Covers(SessionApprovalKey key) => _approved.ContainsKey(key);

    /// <summary>Remembers an <c>approved_for_session</c> answer. Retry-without-sandbox questions are never cached.</summary>
    public void Remember(SessionApprovalKey key)
    {
        if (key.Escalation == EscalationKind.RetryWithoutSandbox)
        {
            // SPEC.md: the sandboxed attempt may have changed what the retry will run, so a retry is approved once only.
            return;
        }

        _approved.TryAdd(key, 0);
    }
}
