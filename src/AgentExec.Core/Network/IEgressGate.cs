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
}
