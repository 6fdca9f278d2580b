namespace AgentExec.Core.Network;

/// <summary>
/// The lists and the address check of SPEC.md "Network allow-list", in order: deny list, allow list, then every DNS
/// answer or IP literal against the refused ranges; what passes and is on neither list is to be asked.
/// </summary>
/// <remarks>Security contract: never throws; a failed lookup or anything not understood is a refused verdict.</remarks>
public interface INetworkRuleCheck
{
    /// <summary>Checks <paramref name="target"/>, resolving it at most once.</summary>
    Task<NetworkVerdict> CheckAsync(NetworkTarget target, CancellationToken cancellationToken);
}
