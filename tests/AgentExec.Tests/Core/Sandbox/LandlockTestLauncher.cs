using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>
/// The agentexec binary the Landlock tests run as their launcher. Under <c>dotnet test</c> the current process is the
/// test host, not agentexec, so the tests name the apphost that the Cli project reference copies next to this assembly,
/// or the binary that <c>AGENTEXEC_TEST_LAUNCHER</c> names (a Native AOT publish, to test what ships).
/// </summary>
internal static class LandlockTestLauncher
{
    /// <summary>The launcher binary: the published one (<see cref="PublishedBinary"/>) when one is under test, else the apphost beside the test assembly.</summary>
    public static string Path { get; } = PublishedBinary.Path ?? System.IO.Path.Combine(AppContext.BaseDirectory, "agentexec");

    /// <summary>Why the Landlock tests cannot run here, or null when they can.</summary>
    public static string? UnavailableReason { get; } = FindUnavailableReason();

    /// <summary>The backend under test; <paramref name="abiLimit"/> makes the launcher confine as an older kernel would.</summary>
    public static LandlockSandbox Sandbox(int? abiLimit = null) => new([Path], abiLimit);

    private static string? FindUnavailableReason()
    {
        var probe = LandlockSupport.Probe();
        if (!probe.IsAvailable)
        {
            return probe.UnavailableReason;
        }

        return File.Exists(Path) ? null : $"the agentexec launcher is missing at {Path} (build the Cli project, or fix AGENTEXEC_TEST_LAUNCHER)";
    }
}
