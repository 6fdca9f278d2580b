using System.Collections.Concurrent;
using System.Net;
using AgentExec.Core.Network;

namespace AgentExec.Tests.EndToEnd;

/// <summary>
/// A rule check for tests only (never in product code): every destination is to be asked, with 127.0.0.2 as the
/// address its name "resolved" to, so an accepted question makes the real proxy connect to a local upstream instead of
/// the internet. Records each target it was asked about.
/// </summary>
internal sealed class LoopbackAnsweringRuleCheck : INetworkRuleCheck
{
    public static readonly IPAddress Answer = IPAddress.Parse("127.0.0.2");

    /// <summary>The targets checked, in order.</summary>
    public ConcurrentQueue<NetworkTarget> Checked { get; } = new();

    public Task<NetworkVerdict> CheckAsync(NetworkTarget target, CancellationToken cancellationToken)
    {
        Checked.Enqueue(target);
        return Task.FromResult(new NetworkVerdict(NetworkVerdictKind.Ask, "", "it is on neither network list", [Answer]));
    }
}
