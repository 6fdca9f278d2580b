using AgentExec.Core.Audit;
using AgentExec.Tests.Mcp.Support;
using AgentExec.Tests.TestSupport;
using CliWrap;
using CliWrap.Buffered;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AgentExec.Tests.EndToEnd;

/// <summary>
/// agentexec on a machine where OpenSSL cannot be loaded, made with bubblewrap binding <c>/dev/null</c> over every
/// <c>libssl</c> and <c>libcrypto</c>. Every hash AgentExec computes is managed code (<c>Sha256Hash</c>), so a run is
/// audited, runs, and leaves a log that verifies. With .NET's own SHA-256 the first audit event loaded OpenSSL, and
/// where it was missing the process died (SIGABRT, "No usable version of libssl was found") before it could deny
/// anything with a reason.
/// </summary>
public sealed class RunWithoutOpenSslTests
{
    [BubblewrapFact]
    public async Task A_run_without_OpenSSL_runs_its_command_audits_it_and_the_log_verifies()
    {
        // Arrange: the command checks, from inside the same mount namespace, that every hidden library reads empty.
        using var agentexec = new AgentExecProcess();
        var hidden = LibraryFiles().ToList();
        Assert.Contains(hidden, path => Path.GetFileName(path).StartsWith("libssl.so", StringComparison.Ordinal));
        Assert.Contains(hidden, path => Path.GetFileName(path).StartsWith("libcrypto.so", StringComparison.Ordinal));
        const string Probe = "for f in \"$@\"; do if [ -s \"$f\" ]; then echo \"visible: $f\"; exit 9; fi; done; echo ran";

        // Act
        var run = await RunWithoutOpenSslAsync(
            agentexec, hidden, ["run", "--audit-log", agentexec.AuditLog, "--sandbox", "danger-full-access", "--", "sh", "-c", Probe, "sh", .. hidden]);
        var verify = await RunWithoutOpenSslAsync(agentexec, hidden, ["audit", "verify", agentexec.AuditLog]);

        // Assert
        Assert.True(
            run.ExitCode == 0 && run.StandardOutput.Contains("ran", StringComparison.Ordinal),
            $"run: exit {run.ExitCode}: {run.StandardOutput} {run.StandardError}");
        Assert.True(verify.ExitCode == 0, $"audit verify: exit {verify.ExitCode}: {verify.StandardOutput} {verify.StandardError}");
        var events = await File.ReadAllLinesAsync(agentexec.AuditLog);
        Assert.Contains(events, line => line.Contains($"\"event\":\"{AuditEventNames.ExecutionFinished}\"", StringComparison.Ordinal));
    }

    [BubblewrapFact]
    public async Task A_server_without_OpenSSL_asks_its_question_and_runs_the_approved_command()
    {
        // Arrange: a question needs an unguessable id (RandomToken) besides the audit chain's hashes.
        using var agentexec = new AgentExecProcess();
        var victim = Directory.CreateDirectory(Path.Combine(agentexec.Workspace, "victim")).FullName;
        var hidden = LibraryFiles().ToList();
        var asked = 0;
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "agentexec without OpenSSL",
            Command = "bwrap",
            Arguments = [.. HideArguments(hidden), PublishedBinary.Path ?? AgentExecProcess.ExecutablePath, .. ServeProcess.Arguments(agentexec)],
            WorkingDirectory = agentexec.Workspace,
            EnvironmentVariables = agentexec.Environment(),
        });

        // Act
        await using var client = await McpClient.CreateAsync(transport, new McpClientOptions
        {
            ProtocolVersion = "2025-11-25",
            Handlers = new McpClientHandlers
            {
                ElicitationHandler = (_, _) =>
                {
                    Interlocked.Increment(ref asked);
                    return ValueTask.FromResult(new ElicitResult { Action = "accept" });
                },
            },
        });
        var removal = await client.CallToolAsync("shell", new Dictionary<string, object?> { ["command"] = "rm -rf victim" });

        // Assert
        Assert.Equal(1, asked);
        Assert.Equal("approved", ShellScenario.Field(removal.StructuredContent, "approval", "decision"));
        Assert.False(Directory.Exists(victim));
    }

    /// <summary>bubblewrap arguments that keep the host's file system but replace <paramref name="hidden"/> with an empty device.</summary>
    private static string[] HideArguments(IEnumerable<string> hidden) =>
        ["--dev-bind", "/", "/", .. hidden.SelectMany(library => new[] { "--ro-bind", "/dev/null", library }), "--"];

    /// <summary>
    /// Runs the agentexec under test (the published one when <see cref="PublishedBinary.Variable"/> names it) with
    /// <paramref name="hidden"/> replaced by an empty device.
    /// </summary>
    private static async Task<BufferedCommandResult> RunWithoutOpenSslAsync(AgentExecProcess agentexec, IEnumerable<string> hidden, string[] arguments)
    {
        // No core file if it aborts after all: the shell lowers the limit, then becomes agentexec.
        return await CliWrap.Cli.Wrap("bwrap")
            .WithArguments([
                .. HideArguments(hidden),
                "setsid", "--wait", "sh", "-c", "ulimit -c 0; exec \"$@\"", "sh", PublishedBinary.Path ?? AgentExecProcess.ExecutablePath, .. arguments])
            .WithWorkingDirectory(agentexec.Workspace)
            .WithEnvironmentVariables(agentexec.Environment())
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
    }

    /// <summary>
    /// Every <c>libssl.so*</c> and <c>libcrypto.so*</c> in the directories the dynamic loader searches on Debian, Fedora
    /// and Alpine.
    /// </summary>
    private static IEnumerable<string> LibraryFiles()
    {
        string[] roots = ["/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/local/lib"];
        var directories = roots
            .Where(Directory.Exists)
            .SelectMany(root => Directory.EnumerateDirectories(root, "*-linux-*").Prepend(root));
        return directories
            .SelectMany(directory => Directory.EnumerateFiles(directory, "libssl.so*").Concat(Directory.EnumerateFiles(directory, "libcrypto.so*")))
            .Distinct(StringComparer.Ordinal);
    }
}
