namespace AgentExec.Core.Network;

/// <summary>
/// Decides one destination for the egress proxy of one call: the lists, the address check, a session approval or a
/// question to the human, and the audit event. The proxy holds the connection while this runs.
/// </summary>
/// <remarks>Security contract: never throws; anything unexpected is a refusal with its reason.</remarks>
public interface IEgressGate
{
    /// <summary>Decides <paramref name="target"/>; cancelled when the call ends.</summary>
    Task<EgressPermit> DecideAsync(NetworkTarget target, EgressRequestKind kind, CancellationToken cancellationToken);

    /// <summary>
    /// Records that the proxy closed traffic to <paramref name="target"/> after the gate allowed it, because the traffic
    /// did not match the decision (its own protocol checks: the TLS server name differs from the CONNECT host, is
    /// missing, ECH, not TLS): a decision of its own, so the audit log and the result show it.
    /// </summary>
    /// <remarks>Never throws; the connection is closed whether or not the record could be written.</remarks>
    Task RecordRefusalAsync(NetworkTarget target, EgressRequestKind kind, string reason);
}
