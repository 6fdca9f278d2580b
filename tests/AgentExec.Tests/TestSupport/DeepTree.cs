using System.Diagnostics;

namespace AgentExec.Tests.TestSupport;

/// <summary>Removes a test tree that may hold paths past PATH_MAX.</summary>
internal static class DeepTree
{
    /// <summary>Removes <paramref name="path"/> and everything in it with <c>rm -rf</c>, which walks with <c>openat</c>: .NET's recursive delete cannot remove a tree whose paths are past PATH_MAX.</summary>
    public static void Remove(string path)
    {
        using var rm = Process.Start("rm", ["-rf", path]);
        rm.WaitForExit();
    }
}
