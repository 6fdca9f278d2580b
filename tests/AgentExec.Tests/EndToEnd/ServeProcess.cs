using System.Diagnostics;
using System.Text;
using AgentExec.Tests.Mcp.Support;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AgentExec.Tests.EndToEnd;

/// <summary>
/// A running <c>agentexec serve</c> (the real executable, over its own stdin and stdout) in the isolated environment of
/// an <see cref="AgentExecProcess"/>, for the SDK client or a raw JSON-lines client, with its pid for <c>/proc</c>.
/// </summary>
internal sealed class ServeProcess : IAsyncDisposable
{
    private const int KeptStandardErrorChars = 16 * 1024;

    private readonly Process _process;
    private readonly StringBuilder _standardErrorTail = new();
    private readonly Task _standardErrorDrained;

    private ServeProcess(Process process)
    {
        _process = process;

        // The server logs to stderr; a pipe nobody reads would stop it once full, so it is drained, and its end kept
        // for a failing test's message.
        _standardErrorDrained = DrainStandardErrorAsync();
    }

    /// <summary>The process id, the same for the whole run (the JIT-hosted start-up re-executes itself in place).</summary>
    public int Id => _process.Id;

    /// <summary>The server's memory figures now.</summary>
    public ProcessMemory Memory => ProcessMemory.Of(_process.Id);

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once the process has exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>What a client writes to the server: its stdin.</summary>
    public Stream ClientOutput => _process.StandardInput.BaseStream;

    /// <summary>What a client reads from the server: its stdout.</summary>
    public Stream ClientInput => _process.StandardOutput.BaseStream;

    /// <summary>The last lines the server wrote to stderr, for a test's failure message.</summary>
    public string StandardErrorTail
    {
        get
        {
            lock (_standardErrorTail)
            {
                return _standardErrorTail.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <c>agentexec serve --sandbox danger-full-access</c> on <paramref name="agentexec"/>'s workspace and audit
    /// log, with <paramref name="moreArguments"/> after those.
    /// </summary>
    /// <remarks>
    /// No sandbox: these tests are about the server (its protocol, its questions, its memory), and a sandbox backend
    /// CI may lack would only add a reason to fail. The process gets the GC setting the shipped Native AOT binary is
    /// built with (a 2 MiB first generation, src/AgentExec.Cli/AgentExec.Cli.csproj): the JIT-hosted executable the
    /// tests run would otherwise size it from the CPU's last-level cache, so its resident memory would measure the
    /// test machine's CPU rather than the server.
    /// </remarks>
    public static ServeProcess Start(AgentExecProcess agentexec, params string[] moreArguments) =>
        StartCommand(agentexec, [AgentExecProcess.ExecutablePath, .. Arguments(agentexec), .. moreArguments]);

    /// <summary>
    /// Starts <c>serve</c> as <see cref="Start"/> does, with every method compiled once, optimised, at its first call
    /// (<c>DOTNET_TieredCompilation=0</c>), as the Native AOT binary's code is ahead of time: for a test of the server's own
    /// memory over many calls, in which the JIT's late tier-1 recompilations would add code pages that are not a leak
    /// (5.4 MiB after 1,500 calls here, and none with this).
    /// </summary>
    public static ServeProcess StartCompiledOnce(AgentExecProcess agentexec) =>
        StartCommand(agentexec, [AgentExecProcess.ExecutablePath, .. Arguments(agentexec)], compiledOnce: true);

    /// <summary>
    /// Starts <c>serve</c> as <see cref="Start"/> does, but of the agentexec at <paramref name="executable"/> (a published
    /// Native AOT binary) instead of the apphost built beside the tests.
    /// </summary>
    public static ServeProcess StartExecutable(string executable, AgentExecProcess agentexec) =>
        StartCommand(agentexec, [executable, .. Arguments(agentexec)]);

    /// <summary>
    /// Starts <c>agentexec serve</c> under the real bubblewrap sandbox (workspace-write) on <paramref name="agentexec"/>'s
    /// workspace and audit log, with <paramref name="moreArguments"/> after those; when <paramref name="isolatedNetwork"/>,
    /// through <c>unshare -rn</c>, in a network namespace of its own whose only interface is a loopback that is down,
    /// so that nothing it does can reach past this machine (unshare execs it: the pid stays the server's).
    /// </summary>
    public static ServeProcess StartSandboxed(AgentExecProcess agentexec, bool isolatedNetwork, params string[] moreArguments)
    {
        string[] serve =
        [
            AgentExecProcess.ExecutablePath, "serve", "--sandbox", "workspace-write", "--sandbox-backend", "bubblewrap",
            "--workspace", agentexec.Workspace, "--audit-log", agentexec.AuditLog, .. moreArguments,
        ];
        return StartCommand(agentexec, isolatedNetwork ? ["unshare", "--map-root-user", "--net", .. serve] : serve);
    }

    private static ServeProcess StartCommand(AgentExecProcess agentexec, string[] command, bool compiledOnce = false)
    {
        var start = new ProcessStartInfo(command[0])
        {
            WorkingDirectory = agentexec.Workspace,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in command[1..])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in agentexec.Environment())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        // Hexadecimal without 0x, as the runtime reads it; the same value as the csproj's IlcArg.
        start.Environment["DOTNET_GCgen0size"] = "30000";
        if (compiledOnce)
        {
            start.Environment["DOTNET_TieredCompilation"] = "0";
        }

        return new ServeProcess(Process.Start(start) ?? throw new InvalidOperationException("agentexec did not start"));
    }

    /// <summary>The arguments of <c>agentexec serve</c> on <paramref name="agentexec"/>'s workspace and audit log, with no sandbox.</summary>
    public static string[] Arguments(AgentExecProcess agentexec) =>
        ["serve", "--sandbox", "danger-full-access", "--workspace", agentexec.Workspace, "--audit-log", agentexec.AuditLog];

    /// <summary>Connects the SDK's own client over the process's stdin and stdout.</summary>
    public Task<McpClient> ConnectAsync(McpClientOptions options) =>
        McpClient.CreateAsync(new StreamClientTransport(ClientOutput, ClientInput), options);

    /// <summary>Connects a hand-driven JSON-lines client that can send what the SDK client never would.</summary>
    public RawMcpClient ConnectRaw() => new(ClientOutput, ClientInput);

    /// <summary>Closes the server's stdin: what the server sees when its client dies.</summary>
    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Waits at most <paramref name="bound"/> for the process to exit; true when it has.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await WaitForExitAsync(TimeSpan.FromSeconds(10));
        }

        await _standardErrorDrained.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _process.Dispose();
    }

    private async Task DrainStandardErrorAsync()
    {
        var buffer = new char[4096];
        int read;
        while ((read = await _process.StandardError.ReadAsync(buffer)) > 0)
        {
            lock (_standardErrorTail)
            {
                _standardErrorTail.Append(buffer, 0, read);
                if (_standardErrorTail.Length > KeptStandardErrorChars)
                {
                    _standardErrorTail.Remove(0, _standardErrorTail.Length - KeptStandardErrorChars);
                }
            }
        }
    }
}
