using System.Collections.Concurrent;
using AgentExec.Core.Network;

namespace AgentExec.Core.Approval;

/// <summary>
/// The destinations a human allowed for the session (SPEC.md "Network allow-list": a <c>session</c> answer remembers
/// <c>host:port</c> for this server process), apart from <see cref="SessionApprovals"/>: a network answer never
/// approves a command, and a command's answer never approves a connection.
/// </summary>
/// <remarks>
/// Keyed by the canonical <see cref="NetworkTarget"/>, so every spelling of one address is one entry and another port
/// of the same host is another. The lists and the address check run before this store is consulted, so a host added
/// to <c>denied_domains</c>, or one that now resolves into a refused range, is refused whatever was approved.
/// </remarks>
public sealed class NetworkApprovals
{
    private readonly ConcurrentDictionary<NetworkTarget, byte> _approved = new();

    /// <summary>True when <paramref name="target"/> was approved for the session.</summary>
    public bool Covers(NetworkTarget target) => _approved.ContainsKey(target);

    /// <summary>Remembers an <c>approved_for_session</c> answer for <paramref name="target"/>.</summary>
    public void Remember(NetworkTarget target) => _approved.TryAdd(target, 0);
}
