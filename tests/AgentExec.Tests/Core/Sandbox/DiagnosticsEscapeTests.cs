using System.Text.Json;
using AgentExec.Tests.EndToEnd;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>
/// No way back into AgentExec's own processes: while a sandboxed command runs, every named AF_UNIX socket that the real
/// JIT-hosted <c>agentexec</c> and its children hold (found from the host side) is tried from inside the sandbox, and
/// none answers. The .NET diagnostic socket was such a way in: through it a command read the server's environment and
/// made it load a library.
/// </summary>
public sealed class DiagnosticsEscapeTests
{
    // Waits for its targets (written by the test once the command runs), tries each, writes what happened.
    private const string SocketProbeScript = """
        import json, os, socket, time
        open('probe-ready', 'w').close()
        deadline = time.time() + 60
        while not os.path.exists('targets.json') and time.time() < deadline:
            time.sleep(0.05)
        results = {}
        for name in json.load(open('targets.json')):
            address = '\0' + name[1:] if name.startswith('@') else name
            outcome = 'not tried'
            for kind in (socket.SOCK_STREAM, socket.SOCK_SEQPACKET, socket.SOCK_DGRAM):
                probe = socket.socket(socket.AF_UNIX, kind)
                probe.settimeout(3)
                try:
                    probe.connect(address)
                    outcome = 'connected'
                    break
                except OSError as error:
                    outcome = '%s (errno %s)' % (error.strerror, error.errno)
                    if error.errno != 91:  # EPROTOTYPE: the socket is of another type, try it
                        break
                finally:
                    probe.close()
            results[name] = outcome
        with open('results.tmp', 'w') as output:
            json.dump(results, output)
        os.rename('results.tmp', 'results.json')
        """;

    private const string Connected = "connected";

    [BubblewrapFact]
    public async Task NoSocketOfAgentExecIsReachableFromBubblewrap()
    {
        using var run = new AgentExecProbeRun();
        var probe = await ProbeAsync(run, AgentExecProbeRun.RunArguments("bubblewrap", network: false, "python3", "socket_probe.py"), run.Environment());

        AssertNoneConnected(probe);
        Assert.Empty(probe.EndpointsWhileRunning);

        // The restart that keeps them away: the JIT-hosted process runs with the switch although it was started without.
        Assert.Contains("DOTNET_EnableDiagnostics=0", probe.ServerEnvironment);
    }

    [LandlockFact]
    public async Task NoSocketOfAgentExecIsReachableFromLandlock()
    {
        using var run = new AgentExecProbeRun();
        var probe = await ProbeAsync(run, AgentExecProbeRun.RunArguments("landlock", network: false, "python3", "socket_probe.py"), run.Environment());

        AssertNoneConnected(probe);
        Assert.Empty(probe.EndpointsWhileRunning);
    }

    /// <summary>
    /// The hiding of the server's own <c>TMPDIR</c> on its own: with diagnostics deliberately forced on, the server's
    /// diagnostic socket exists (and is a target), yet a bubblewrap command cannot reach it.
    /// </summary>
    [BubblewrapFact]
    public async Task ServerTemporaryDirectoryIsHiddenFromBubblewrapEvenWithDiagnosticsForcedOn()
    {
        using var run = new AgentExecProbeRun();
        var environment = run.Environment();
        environment["DOTNET_EnableDiagnostics"] = "1";

        var probe = await ProbeAsync(run, AgentExecProbeRun.RunArguments("bubblewrap", network: false, "python3", "socket_probe.py"), environment);

        Assert.Contains(probe.Targets, IsDiagnosticSocket);
        AssertNoneConnected(probe);
    }

    /// <summary>
    /// Positive control: the same probe, unsandboxed (<c>danger-full-access</c>) against the same executable with
    /// diagnostics forced on, finds the diagnostic socket among the process's sockets and connects to it.
    /// </summary>
    [Fact]
    public async Task ProbeConnectsToTheDiagnosticSocketWhenForcedOnAndUnsandboxed()
    {
        using var run = new AgentExecProbeRun();
        var environment = run.Environment();
        environment["DOTNET_EnableDiagnostics"] = "1";

        var probe = await ProbeAsync(
            run,
            ["run", "--sandbox", "danger-full-access", "--approval-policy", "never", "--", "python3", "socket_probe.py"],
            environment);

        var diagnostic = Assert.Single(probe.Targets, IsDiagnosticSocket);
        Assert.Equal(Connected, probe.Results[diagnostic]);
        Assert.NotEmpty(probe.EndpointsWhileRunning);
    }

    /// <summary>
    /// An empty or unparsable switch reads as "on" to the runtime, so it is replaced rather than respected: the same
    /// unsandboxed probe as the positive control then finds no diagnostic socket.
    /// </summary>
    [Theory]
    [InlineData("")]
    [InlineData("yes")]
    public async Task AnEmptyOrUnparsableSwitchIsReplacedNotRespected(string value)
    {
        using var run = new AgentExecProbeRun();
        var environment = run.Environment();
        environment["DOTNET_EnableDiagnostics"] = value;

        var probe = await ProbeAsync(
            run,
            ["run", "--sandbox", "danger-full-access", "--approval-policy", "never", "--", "python3", "socket_probe.py"],
            environment);

        Assert.DoesNotContain(probe.Targets, IsDiagnosticSocket);
        Assert.Empty(probe.EndpointsWhileRunning);
        Assert.Contains("DOTNET_EnableDiagnostics=0", probe.ServerEnvironment);
        Assert.DoesNotContain($"DOTNET_EnableDiagnostics={value}", probe.ServerEnvironment);
    }

    private static async Task<SocketProbe> ProbeAsync(
        AgentExecProbeRun run, string[] arguments, IReadOnlyDictionary<string, string?> environment)
    {
        run.WriteWorkspaceFile("socket_probe.py", SocketProbeScript);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var running = run.Start(AgentExecProcess.ExecutablePath, arguments, environment, timeout.Token);

        Assert.True(
            await AgentExecProbeRun.WaitForFileAsync(Path.Combine(run.Workspace, "probe-ready"), running.Task),
            "the probe never started: " + (running.Task.IsCompleted ? (await running).StandardError : "still waiting"));

        // From the host side, while the command runs: every named socket of agentexec's process tree, and any socket
        // left in its temporary directory.
        var boundNames = File.ReadLines("/proc/net/unix").ToList();
        var targets = AgentExecProbeRun.NamedUnixSocketsOfTree(running.ProcessId)
            .Concat(Directory.EnumerateFiles(run.ServerTemporaryDirectory, "*", SearchOption.AllDirectories)
                .Where(path => boundNames.Any(line => line.EndsWith(" " + path, StringComparison.Ordinal))))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var endpoints = DiagnosticEndpoints(run);
        var serverEnvironment = (await File.ReadAllTextAsync($"/proc/{running.ProcessId}/environ")).Split('\0');
        var staged = Path.Combine(run.Workspace, "targets.tmp");
        await File.WriteAllTextAsync(staged, JsonSerializer.Serialize(targets));
        File.Move(staged, Path.Combine(run.Workspace, "targets.json"));

        var result = await running;
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.StandardError}");
        var results = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(Path.Combine(run.Workspace, "results.json")))!;
        Assert.Equal(targets.Order(StringComparer.Ordinal), results.Keys.Order(StringComparer.Ordinal));
        return new SocketProbe(targets, results, endpoints, serverEnvironment);
    }

    private static void AssertNoneConnected(SocketProbe probe)
    {
        foreach (var target in probe.Targets)
        {
            Assert.True(probe.Results[target] != Connected, $"a sandboxed command connected to {target}");
        }
    }

    private static bool IsDiagnosticSocket(string name) => Path.GetFileName(name).StartsWith("dotnet-diagnostic-", StringComparison.Ordinal);

    /// <summary>The runtime's diagnostic socket and debugger pipes in the server's temporary directory.</summary>
    private static string[] DiagnosticEndpoints(AgentExecProbeRun run) =>
        Directory.EnumerateFiles(run.ServerTemporaryDirectory)
            .Where(path => Path.GetFileName(path) is var name && (name.StartsWith("dotnet-diagnostic-", StringComparison.Ordinal) || name.StartsWith("clr-debug-pipe-", StringComparison.Ordinal)))
            .ToArray();

    /// <summary>What one probe run found: its targets, what connecting to each gave, and the server as it ran.</summary>
    private sealed record SocketProbe(
        IReadOnlyList<string> Targets,
        Dictionary<string, string> Results,
        IReadOnlyList<string> EndpointsWhileRunning,
        IReadOnlyList<string> ServerEnvironment);
}
