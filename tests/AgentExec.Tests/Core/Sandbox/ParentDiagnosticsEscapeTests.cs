using AgentExec.Tests.EndToEnd;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>
/// No way back through the process that started AgentExec: the README's quick start is <c>dotnet run --project
/// src/AgentExec.Cli -- run …</c>, whose <c>dotnet</c> parent is a JIT-hosted .NET process with its diagnostic socket
/// open and the user's whole environment (API keys, tokens). <c>agentexec</c> restarts itself without diagnostics, but
/// its parent keeps them; a command that reaches that socket reads the parent's environment (and could make it load a
/// native library). Here the tests' own host plays that parent: it is the same kind of process, the one that starts the
/// real <c>agentexec</c>.
/// </summary>
public sealed class ParentDiagnosticsEscapeTests
{
    /// <summary>
    /// Walks up from itself, finds each ancestor's <c>dotnet-diagnostic-PID-…-socket</c> in <c>/proc/net/unix</c> and asks
    /// it for the process environment (diagnostics IPC: command set 0x04 Process, command 0x02 GetProcessEnvironment).
    /// </summary>
    private const string ParentProbeScript = """
        import os, socket, struct
        def parent(pid):
            with open('/proc/%d/stat' % pid) as stat:
                return int(stat.read().rsplit(')', 1)[1].split()[1])
        ancestors, pid = [], os.getpid()
        while pid > 1:
            try:
                pid = parent(pid)
            except OSError:
                break
            ancestors.append(pid)
        with open('/proc/net/unix') as table:
            paths = [line.split()[7] for line in table.read().splitlines()[1:] if len(line.split()) >= 8]
        for pid in ancestors:
            for path in paths:
                if not os.path.basename(path).startswith('dotnet-diagnostic-%d-' % pid):
                    continue
                try:
                    client = socket.socket(socket.AF_UNIX)
                    client.settimeout(5)
                    client.connect(path)
                    client.sendall(b'DOTNET_IPC_V1\0' + struct.pack('<HBBH', 20, 0x04, 0x02, 0))
                    data = b''
                    while True:
                        chunk = client.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                    environment = data[20:].decode('utf-16-le', 'replace')
                    print('REACHED %d %s' % (pid, 'ENVIRONMENT-READ' if 'PATH=' in environment else 'no-environment'))
                except OSError as error:
                    print('REFUSED %d errno %s' % (pid, error.errno))
        print('DONE')
        """;

    [LandlockFact]
    public async Task A_landlock_command_cannot_read_the_environment_of_the_dotnet_process_that_started_agentexec()
    {
        var output = await ProbeAsync("--sandbox-backend", "landlock");

        Assert.DoesNotContain("ENVIRONMENT-READ", output, StringComparison.Ordinal);
        Assert.Contains("DONE", output, StringComparison.Ordinal);
    }

    [BubblewrapFact]
    public async Task A_bubblewrap_command_cannot_read_the_environment_of_the_dotnet_process_that_started_agentexec()
    {
        var output = await ProbeAsync("--sandbox-backend", "bubblewrap");

        Assert.DoesNotContain("ENVIRONMENT-READ", output, StringComparison.Ordinal);
        Assert.Contains("DONE", output, StringComparison.Ordinal);
    }

    /// <summary>Positive control: unsandboxed, the same probe reaches the parent's diagnostic socket and reads its environment.</summary>
    [Fact]
    public async Task Positive_control_unsandboxed_the_probe_reads_the_parent_dotnet_process_environment()
    {
        var output = await ProbeAsync("--sandbox", "danger-full-access");

        Assert.Contains("ENVIRONMENT-READ", output, StringComparison.Ordinal);
    }

    private static async Task<string> ProbeAsync(params string[] options)
    {
        using var run = new AgentExecProbeRun();
        run.WriteWorkspaceFile("parent_probe.py", ParentProbeScript);
        var result = await run.RunAgentExecAsync(["run", .. options, "--approval-policy", "never", "--", "python3", "parent_probe.py"]);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.StandardError}");
        return result.StandardOutput;
    }
}
