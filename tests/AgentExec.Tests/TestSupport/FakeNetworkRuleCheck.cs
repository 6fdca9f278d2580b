using System.Net;
using AgentExec.Core.Network;

namespace AgentExec.Tests.TestSupport;

/// <summary>
/// Stands in for the real lists and address check (another part of issue 14): every host it was told about gets its
/// verdict, every other host is to be asked, with 192.0.2.1 (TEST-NET-1) as its checked address.
/// </summary>
internal sealed class FakeNetworkRuleCheck : INetworkRuleCheck
{
    public static readonly IPAddress CheckedAddress = IPAddress.Parse("192.0.2.1");

    private readonly Dictionary<string, NetworkVerdict> _verdicts = new(StringComparer.Ordinal);

    /// <summary>When set, every check throws, as a broken check would.</summary>
    public bool Throws { get; set; }

    public static NetworkVerdict Ask { get; } = new(NetworkVerdictKind.Ask, "", "it is on neither network list", [CheckedAddress]);

    public FakeNetworkRuleCheck Refusing(string host, string source = NetworkDecisionSources.DeniedDomains, string reason = "it is on network.denied_domains")
    {
        _verdicts[host] = new NetworkVerdict(NetworkVerdictKind.Refused, source, reason, []);
        return this;
    }

    public FakeNetworkRuleCheck Allowing(string host)
    {
        _verdicts[host] = new NetworkVerdict(NetworkVerdictKind.Allowed, NetworkDecisionSources.AllowedDomains, "it is on network.allowed_domains", [CheckedAddress]);
        return this;
    }

    /// <summary>How many times <see cref="CheckAsync"/> ran (each would look a name up in DNS).</summary>
    public int Checks { get; private set; }

    /// <summary>A host it was told about is on a list; every other host could only be asked.</summary>
    public bool IsListed(NetworkTarget target) => _verdicts.ContainsKey(target.Host);

    public Task<NetworkVerdict> CheckAsync(NetworkTarget target, CancellationToken cancellationToken)
    {
        Checks++;
        if (Throws)
        {
            throw new InvalidOperationException("the check broke");
        }

        return Task.FromResult(_verdicts.TryGetValue(target.Host, out var verdict) ? verdict : Ask);
    }
}
