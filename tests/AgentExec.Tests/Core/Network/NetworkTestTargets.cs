using AgentExec.Core.Network;

namespace AgentExec.Tests.Core.Network;

/// <summary>Builds targets for the network tests, failing loudly on a host the test author mistyped.</summary>
internal static class NetworkTestTargets
{
    public static NetworkTarget Target(string host, int port)
    {
        Assert.True(NetworkTarget.TryCreate(host, port, out var target, out var error), $"{host}: {error}");
        return target;
    }

    public static HostPattern Pattern(string entry)
    {
        Assert.True(HostPattern.TryParse(entry, out var pattern, out var problem), $"{entry}: {problem}");
        return pattern;
    }

    public static NetworkLists Lists(string[] allowed, string[]? denied = null) =>
        new(allowed.Select(Pattern).ToArray(), (denied ?? []).Select(Pattern).ToArray(), null);
}
