using AgentExec.Core.Configuration;

namespace AgentExec.Tests.TestSupport;

/// <summary>Holds <see cref="RealPath.TryResolve"/>'s shortcuts to the answer of its own component-by-component walk.</summary>
internal static class RealPathOracle
{
    /// <summary>
    /// realpath(3) for a path that exists, one openat2 for a missing one with no link on the way: neither may answer
    /// differently from following each component.
    /// </summary>
    public static void AssertShortcutsMatchTheWalk(string path)
    {
        var walked = (RealPath.TryResolveByWalking(path, out var walkedReal, out var walkedExists), walkedReal, walkedExists);
        Assert.Equal(walked, (RealPath.TryResolve(path, out var real, out var exists), real, exists));
    }
}
