using AgentExec.Tests.EndToEnd;
using AgentExec.Tests.Mcp.Support;
using ModelContextProtocol.Client;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>
/// No inherited descriptors: the real <c>agentexec run</c> is started by a parent that leaks, without close-on-exec, a
/// host file open for appending (fd 7) and a host directory (fd 8). A sandboxed command that writes through fd 7 or
/// creates files through <c>/proc/self/fd/8</c> must reach neither.
/// </summary>
/// <remarks>
/// The parent sets <c>DOTNET_EnableDiagnostics=0</c> so that the JIT-hosted agentexec is not restarted (a restart
/// drops the descriptors too, see <c>RuntimeDiagnostics</c>): what is tested is the marking at start-up and before
/// each spawn, which every build relies on.
/// </remarks>
public sealed class InheritedDescriptorTests
{
    private const string Probe = """
        if echo escaped >&7; then echo "fd7: written"; else echo "fd7: refused"; fi
        if touch /proc/self/fd/8/MARK; then echo "fd8: created"; else echo "fd8: refused"; fi
        if touch /proc/self/fd/8/../MARK-PARENT; then echo "fd8 parent: created"; else echo "fd8 parent: refused"; fi
        """;

    // Opens the leaks the way a careless parent would, then becomes the program it was given.
    private const string LeakingParent = "exec 7>>\"$LEAK_FILE\" 8<\"$LEAK_DIRECTORY\"; exec \"$@\"";

    [BubblewrapFact]
    public Task LeakedDescriptorsDoNotReachABubblewrapCommand() => AssertNothingReachedAsync("bubblewrap");

    [LandlockFact]
    public Task LeakedDescriptorsDoNotReachALandlockCommand() => AssertNothingReachedAsync("landlock");

    [BubblewrapFact]
    public Task LeakedDescriptorsDoNotReachABubblewrapCommandThroughServe() => AssertNothingReachedThroughServeAsync("bubblewrap");

    [LandlockFact]
    public Task LeakedDescriptorsDoNotReachALandlockCommandThroughServe() => AssertNothingReachedThroughServeAsync("landlock");

    /// <summary>Positive control: the same probe, run by the same leaking parent with bash directly, writes and creates on the host.</summary>
    [Fact]
    public async Task TheProbeReachesTheHostWhenTheParentRunsItDirectly()
    {
        using var run = new AgentExecProbeRun();
        var leak = Leak(run);

        var result = await RunThroughLeakingParentAsync(run, leak, ["bash", "probe.sh"]);

        Assert.Contains("fd7: written", result.StandardOutput);
        Assert.Contains("fd8: created", result.StandardOutput);
        Assert.Equal("escaped\n", await File.ReadAllTextAsync(leak.File));
        Assert.True(File.Exists(Path.Combine(leak.Directory, "MARK")));
        Assert.True(File.Exists(Path.Combine(run.HostFolder, "MARK-PARENT")));
    }

    private static async Task AssertNothingReachedAsync(string backend)
    {
        using var run = new AgentExecProbeRun();
        var leak = Leak(run);

        var result = await RunThroughLeakingParentAsync(run, leak, [AgentExecProcess.ExecutablePath, .. AgentExecProbeRun.RunArguments(backend, network: false, "bash", "probe.sh")]);

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.StandardError}");
        Assert.Contains("fd7: refused", result.StandardOutput);
        Assert.Contains("fd8: refused", result.StandardOutput);
        Assert.Contains("fd8 parent: refused", result.StandardOutput);
        Assert.Equal(string.Empty, await File.ReadAllTextAsync(leak.File));
        Assert.False(File.Exists(Path.Combine(leak.Directory, "MARK")));
        Assert.False(File.Exists(Path.Combine(run.HostFolder, "MARK-PARENT")));
    }

    /// <summary>The same probe as an MCP <c>shell</c> call to the real <c>agentexec serve</c>, started by the leaking parent.</summary>
    private static async Task AssertNothingReachedThroughServeAsync(string backend)
    {
        using var run = new AgentExecProbeRun();
        var leak = Leak(run);
        var environment = LeakingEnvironment(run, leak);
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "agentexec",
            Command = "bash",
            Arguments = ["-c", LeakingParent, "leaking-parent", AgentExecProcess.ExecutablePath, "serve", "--sandbox-backend", backend, "--approval-policy", "never", "--workspace", run.Workspace],
            WorkingDirectory = run.Workspace,
            EnvironmentVariables = environment,
        });
        await using var client = await McpClient.CreateAsync(transport, new McpClientOptions { ProtocolVersion = "2025-11-25" });

        var result = await client.CallToolAsync("shell", new Dictionary<string, object?> { ["command"] = "bash probe.sh" });

        Assert.Equal("completed", ShellScenario.Field(result.StructuredContent, "status"));
        var stdout = ShellScenario.Field(result.StructuredContent, "stdout") ?? string.Empty;
        Assert.Contains("fd7: refused", stdout);
        Assert.Contains("fd8: refused", stdout);
        Assert.Contains("fd8 parent: refused", stdout);
        Assert.Equal(string.Empty, await File.ReadAllTextAsync(leak.File));
        Assert.False(File.Exists(Path.Combine(leak.Directory, "MARK")));
        Assert.False(File.Exists(Path.Combine(run.HostFolder, "MARK-PARENT")));
    }

    private static (string File, string Directory) Leak(AgentExecProbeRun run)
    {
        run.WriteWorkspaceFile("probe.sh", Probe);
        var file = Path.Combine(run.HostFolder, "leaked-file");
        File.WriteAllText(file, string.Empty);
        return (file, Directory.CreateDirectory(Path.Combine(run.HostFolder, "leaked-directory")).FullName);
    }

    private static async Task<CliWrap.Buffered.BufferedCommandResult> RunThroughLeakingParentAsync(
        AgentExecProbeRun run, (string File, string Directory) leak, string[] program)
    {
        var environment = LeakingEnvironment(run, leak);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        return await run.Start("bash", ["-c", LeakingParent, "leaking-parent", .. program], environment, timeout.Token);
    }

    private static Dictionary<string, string?> LeakingEnvironment(AgentExecProbeRun run, (string File, string Directory) leak)
    {
        var environment = run.Environment();
        environment["LEAK_FILE"] = leak.File;
        environment["LEAK_DIRECTORY"] = leak.Directory;
        environment["DOTNET_EnableDiagnostics"] = "0";
        return environment;
    }
}
