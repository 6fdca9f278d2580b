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

    /// <summary>
    /// True when a list names <paramref name="target"/> (an allow or a deny entry matches it as written), so that its
    /// verdict can be other than "ask". False means only a human (or a session answer) could let it through: when
    /// nobody can be asked, the caller refuses it without <see cref="CheckAsync"/>, whose DNS lookup of an
    /// agent-chosen name is a way out of its own and could change nothing. The default, true, always looks it up.
    /// </summary>
    bool IsListed(NetworkTarget target) => true;
}
