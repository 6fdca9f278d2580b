using AgentExec.Core.Configuration;

namespace AgentExec.Tests.TestSupport;

/// <summary>Holds <see cref="RealPath.TryResolve"/>'s shortcuts to the answer of its own component-by-component walk.</summary>
internal static class RealPathOracle
{
    /// <summary>
    /// One openat2 for a canonical path with no link on the way (there or missing), realpath(3) for another that
    /// exists: neither may answer differently from following each component.
    /// </summary>
    public static void AssertShortcutsMatchTheWalk(string path)
    {
        var walked = (RealPath.TryResolveByWalking(path, out var walkedReal, out var walkedExists), walkedReal, walkedExists);
        Assert.Equal(walked, (RealPath.TryResolve(path, out var real, out var exists), real, exists));
    }
}
