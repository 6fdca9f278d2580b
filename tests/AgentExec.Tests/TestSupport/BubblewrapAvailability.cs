using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.TestSupport;

/// <summary>
/// Whether the real <c>bwrap</c> works on this machine, probed once per test run the way the server probes it, and the
/// loud reason to skip when it does not.
/// </summary>
/// <remarks>
/// Set <c>AGENTEXEC_TEST_REQUIRE_BUBBLEWRAP=1</c> (CI does, where it installed bubblewrap) to turn a missing or broken
/// bubblewrap into failing tests instead of skipped ones: a sandbox regression must not hide behind a skip.
/// </remarks>
internal static class BubblewrapAvailability
{
    public const string RequireVariable = "AGENTEXEC_TEST_REQUIRE_BUBBLEWRAP";

    private static readonly Lazy<SandboxProbeResult> Probe = new(ProbeOnce);

    /// <summary>The reason bubblewrap tests are skipped, or null when they run.</summary>
    public static string? SkipReason =>
        Probe.Value.Problem is { } problem && Environment.GetEnvironmentVariable(RequireVariable) != "1"
            ? $"SKIPPED, NOT PASSED: bubblewrap is not usable here ({problem}). Install it (`apt-get install bubblewrap`) where unprivileged user namespaces are allowed, or set {RequireVariable}=1 to make this a failure."
            : null;

    /// <summary>The <c>bwrap</c> the server would use, found the way it finds it; fails the test where there is none.</summary>
    public static string Executable => Assert.IsType<BubblewrapSandbox>(Probe.Value.Sandbox).Executable;

    private static SandboxProbeResult ProbeOnce()
    {
        using var directory = new SandboxTestDirectory();
        var settings = new AgentExecSettings
        {
            Workspace = directory.Workspace,
            AuditLogPath = Path.Combine(directory.Root, "audit.jsonl"),
            Sandbox = SandboxMode.WorkspaceWrite,
            SandboxBackend = SandboxBackendPreference.Bubblewrap,
        };
        return new BubblewrapProbe(ChildEnvironment.ReadHost()).Probe(settings);
    }
}
