using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Sandbox;
using AgentExec.Tests.Core.Execution;

namespace AgentExec.Tests.Core.Sandbox.Egress;

/// <summary>
/// The egress bridge run for real: bubblewrap with a call's egress socket, the <c>agentexec __egress-bridge</c> helper
/// inside, and a host-side stub standing in for the proxy (SPEC.md "Network allow-list"). Everything the command
/// reaches goes through the proxy variables to the socket, and nothing else is in reach.
/// </summary>
public sealed class EgressBridgeSandboxTests : IDisposable
{
    private static readonly TimeSpan KillIsDelivered = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PromptEnough = TimeSpan.FromSeconds(15);

    private readonly SandboxTestDirectory _directory = new();
    private readonly StubEgressProxy _proxy;
    private readonly CommandRunner _runner = new();
    private readonly string _marker = "agentexec-bridge-" + Guid.NewGuid().ToString("N");

    public EgressBridgeSandboxTests()
    {
        _proxy = new StubEgressProxy(_directory.Root);
    }

    public void Dispose()
    {
        HostProcesses.KillAll(_marker);
        _proxy.Dispose();
        _directory.Dispose();
    }

    [BubblewrapFact]
    public async Task Curl_reaches_the_proxy_through_the_proxy_variables()
    {
        // Act
        var result = await RunAsync("curl -sS --max-time 10 http://example.test/x");

        // Assert
        Assert.Equal((0, StubEgressProxy.Body), (result.ExitCode, result.Stdout.Text));
        Assert.Equal(["GET http://example.test/x HTTP/1.1"], _proxy.RequestLines);
    }

    [BubblewrapFact]
    public async Task Python_urllib_reaches_the_proxy_through_the_proxy_variables()
    {
        // Arrange
        const string script = """
            python3 -c 'import urllib.request; print(urllib.request.urlopen("http://example.test/from-python", timeout=10).read().decode())'
            """;

        // Act
        var result = await RunAsync(script);

        // Assert
        Assert.Equal((0, StubEgressProxy.Body + "\n"), (result.ExitCode, result.Stdout.Text));
        Assert.Equal(["GET http://example.test/from-python HTTP/1.1"], _proxy.RequestLines);
    }

    [BubblewrapFact]
    public async Task The_proxy_variables_name_the_bridge_and_no_proxy_covers_only_loopback_whatever_was_inherited()
    {
        // Arrange: inherited proxy settings that would send traffic elsewhere or exempt every host.
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = "/usr/bin:/bin",
            ["HTTP_PROXY"] = "http://attacker.example:3128",
            ["https_proxy"] = "http://attacker.example:3128",
            ["NO_PROXY"] = "*",
            ["Https_Proxy"] = "http://attacker.example:3128",
        };

        // Act
        var result = await RunAsync("env | grep -i -e '_proxy=' | LC_ALL=C sort", environment: environment);

        // Assert
        var lines = result.Stdout.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var port = Assert.Single(lines, line => line.StartsWith("HTTP_PROXY=", StringComparison.Ordinal))["HTTP_PROXY=http://127.0.0.1:".Length..];
        Assert.True(int.TryParse(port, out _), result.Stdout.Text);
        var proxy = "http://127.0.0.1:" + port;
        Assert.Equal(
            [$"ALL_PROXY={proxy}", $"HTTPS_PROXY={proxy}", $"HTTP_PROXY={proxy}", "NO_PROXY=localhost,127.0.0.1,::1",
                $"all_proxy={proxy}", $"http_proxy={proxy}", $"https_proxy={proxy}", "no_proxy=localhost,127.0.0.1,::1"],
            lines);
    }

    [BubblewrapFact]
    public async Task Many_parallel_connections_from_one_command_are_all_relayed()
    {
        // Act
        var result = await RunAsync("for i in $(seq 1 24); do curl -sS --max-time 10 -o /dev/null -w '%{http_code}\\n' http://example.test/$i & done; wait");

        // Assert
        Assert.Equal(Enumerable.Repeat("200", 24), result.Stdout.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(Enumerable.Range(1, 24).Select(i => $"GET http://example.test/{i} HTTP/1.1").Order(), _proxy.RequestLines.Order());
    }

    [BubblewrapFact]
    public async Task A_half_close_from_the_client_reaches_the_proxy_and_the_answer_still_comes_back()
    {
        // Arrange: the stub answers only once it has seen the end of the client's stream.
        const string script = """
            python3 - <<'PY'
            import os, socket
            port = int(os.environ['HTTP_PROXY'].rsplit(':', 1)[1])
            s = socket.create_connection(('127.0.0.1', port), timeout=10)
            s.sendall(b'ECHO half-close\r\n\r\n' + b'x' * 100000)
            s.shutdown(socket.SHUT_WR)
            answer = b''
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                answer += chunk
            print(answer.decode(), end='')
            PY
            """;

        // Act
        var result = await RunAsync(script);

        // Assert
        Assert.Equal("received 100000 bytes then end-of-stream\n", result.Stdout.Text);
    }

    [BubblewrapFact]
    public async Task A_direct_connection_to_a_host_loopback_port_fails_in_the_private_network_namespace()
    {
        // Arrange: a host service the command would reach with the host's network.
        using var hostService = new TcpListener(IPAddress.Loopback, 0);
        hostService.Start();
        var port = ((IPEndPoint)hostService.LocalEndpoint).Port;

        // Act
        var result = await RunAsync($"if exec 3<>/dev/tcp/127.0.0.1/{port}; then echo CONNECTED; else echo REFUSED; fi");

        // Assert
        Assert.Equal("REFUSED\n", result.Stdout.Text);
        Assert.False(hostService.Pending());
    }

    [BubblewrapFact]
    public async Task A_command_that_ignores_the_proxy_variables_has_no_route_out()
    {
        // Arrange: 192.0.2.0/24 is TEST-NET-1, never answered; with a route curl would wait out its time limit (exit 28)
        // instead of failing to connect at once (exit 7): the namespace has no route but loopback.
        var stopwatch = Stopwatch.StartNew();

        // Act
        var result = await RunAsync("curl -sS --noproxy '*' --max-time 10 http://192.0.2.1/; echo \"curl=$?\"; echo \"routes=$(($(wc -l < /proc/net/route) - 1))\"");

        // Assert: no route at all (the main table is empty), whatever the host's table holds.
        Assert.EndsWith("curl=7\nroutes=0\n", result.Stdout.Text, StringComparison.Ordinal);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"Took {stopwatch.Elapsed}.");
        Assert.Empty(_proxy.RequestLines);
    }

    [BubblewrapFact]
    public async Task A_connection_the_proxy_cannot_take_is_closed_at_once()
    {
        // Arrange: a socket that is bound, so its file is there, but does not listen.
        using var deaf = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        var deafPath = Path.Combine(Directory.CreateDirectory(Path.Combine(_directory.Root, "deaf")).FullName, "proxy.sock");
        deaf.Bind(new UnixDomainSocketEndPoint(deafPath));
        var stopwatch = Stopwatch.StartNew();

        // Act
        var result = await RunAsync("curl -sS --max-time 10 http://example.test/x; echo \"curl=$?\"", socketPath: deafPath);

        // Assert: an empty reply (52) or a reset (56), not the time limit (28).
        Assert.Matches("curl=(52|56)\n$", result.Stdout.Text);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"Took {stopwatch.Elapsed}.");
    }

    [BubblewrapTheory]
    [InlineData("exit 42", 42)]
    [InlineData("kill -KILL $$", 137)]
    [InlineData("kill -TERM $$", 143)]
    [InlineData("true", 0)]
    public async Task The_commands_exit_status_comes_through_the_bridge_as_a_shell_reports_it(string script, int expected)
    {
        // Act
        var result = await RunAsync(script);

        // Assert
        Assert.Equal((ExecutionOutcome.Exited, (int?)expected), (result.Outcome, result.ExitCode));
        Assert.DoesNotContain(EgressBridge.MessagePrefix, result.Stderr.Text, StringComparison.Ordinal);
    }

    [BubblewrapFact]
    public async Task Only_the_egress_socket_of_its_folder_is_visible_and_it_sits_alone_in_the_hidden_run()
    {
        // Arrange
        var script = $"""
            echo "run: $(ls -A /run | tr '\n' ' ')"
            echo "agentexec: $(ls -A /run/agentexec | tr '\n' ' ')"
            echo "host folder: $(ls -A {_proxy.Folder} 2>&1 | tr '\n' ' ')"
            cat {_proxy.Folder}/sibling-secret 2>/dev/null && echo SECRET-READ
            test -S /run/agentexec/egress.sock && echo SOCKET
            touch /run/agentexec/planted 2>/dev/null && echo RUN-WRITABLE
            echo DONE
            """;

        // Act
        var result = await RunAsync(script);

        // Assert
        Assert.Equal("run: agentexec \nagentexec: egress.sock \nhost folder: \nSOCKET\nDONE\n", result.Stdout.Text);
    }

    [BubblewrapFact]
    public async Task No_descriptor_above_stderr_reaches_the_command()
    {
        // Act: what a child of the command holds from the start is what the command got (an inherited descriptor is
        // not close-on-exec, so it passes on); bash's own table would also show the pipes of the listing's pipeline.
        // The listing waits until the child is `sleep`: before its exec it is still a copy of bash, whose descriptors
        // of the moment it may hold (seen once on a loaded machine).
        var result = await RunAsync("sleep 30 & child=$!; for i in $(seq 2000); do [ \"$(cat /proc/$child/comm 2>/dev/null)\" = sleep ] && break; done; ls /proc/$child/fd | sort -n | tr '\\n' ' '; kill $child");

        // Assert
        Assert.Equal("0 1 2 ", result.Stdout.Text);
    }

    [BubblewrapFact]
    public async Task Background_and_setsid_processes_are_gone_when_the_command_exits()
    {
        // Arrange
        var script = $"(setsid bash -c 'exec -a {_marker} sleep 300' &); (exec -a {_marker} sleep 300 &); until [ $(pgrep -c -f {_marker}) -ge 2 ]; do sleep 0.05; done; exit 3";

        // Act
        var result = await RunAsync(script);

        // Assert: the bridge carries the marker too (the command is its argument).
        Assert.Equal((ExecutionOutcome.Exited, (int?)3), (result.Outcome, result.ExitCode));
        Assert.True(HostProcesses.NoneWithin(_marker, KillIsDelivered), $"Survivors: {string.Join(", ", HostProcesses.Matching(_marker))}");
    }

    [BubblewrapFact]
    public async Task A_timeout_kills_the_bridge_and_every_process_the_command_started()
    {
        // Arrange
        var script = $"(setsid bash -c 'exec -a {_marker} sleep 300' &); (exec -a {_marker} sleep 300 &); echo started; sleep 300";
        var stopwatch = Stopwatch.StartNew();

        // Act
        var result = await RunAsync(script, timeout: TimeSpan.FromSeconds(2));

        // Assert
        Assert.Equal((ExecutionOutcome.TimedOut, "started\n"), (result.Outcome, result.Stdout.Text));
        Assert.True(stopwatch.Elapsed < PromptEnough, $"Took {stopwatch.Elapsed}.");
        Assert.True(HostProcesses.NoneWithin(_marker, KillIsDelivered), $"Survivors: {string.Join(", ", HostProcesses.Matching(_marker))}");
    }

    [BubblewrapFact]
    public async Task A_cancellation_kills_the_bridge_and_every_process_the_command_started()
    {
        // Arrange
        using var cancellation = new CancellationTokenSource();
        var observer = new RecordingOutputObserver(onFirstStdout: cancellation.Cancel);
        var script = $"(setsid bash -c 'exec -a {_marker} sleep 300' &); until pgrep -f {_marker} >/dev/null; do sleep 0.05; done; echo ready; sleep 300";

        // Act
        var result = await RunAsync(script, observer: observer, cancellationToken: cancellation.Token);

        // Assert
        Assert.Equal(ExecutionOutcome.Cancelled, result.Outcome);
        Assert.True(HostProcesses.NoneWithin(_marker, KillIsDelivered), $"Survivors: {string.Join(", ", HostProcesses.Matching(_marker))}");
    }

    [BubblewrapFact]
    public async Task The_bridge_dying_takes_the_command_with_it()
    {
        // Arrange: the command kills its parent, the bridge, then would run on for five minutes.
        var script = $"(exec -a {_marker} sleep 300 &); kill -KILL $PPID; exec -a {_marker} sleep 300";
        var stopwatch = Stopwatch.StartNew();

        // Act
        var result = await RunAsync(script);

        // Assert: bubblewrap reports its main process's death, and the namespace went with it.
        Assert.Equal((ExecutionOutcome.Exited, (int?)137), (result.Outcome, result.ExitCode));
        Assert.True(stopwatch.Elapsed < PromptEnough, $"Took {stopwatch.Elapsed}.");
        Assert.True(HostProcesses.NoneWithin(_marker, KillIsDelivered), $"Survivors: {string.Join(", ", HostProcesses.Matching(_marker))}");
    }

    private async Task<ExecutionResult> RunAsync(
        string script,
        TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? environment = null,
        IOutputObserver? observer = null,
        string? socketPath = null,
        CancellationToken cancellationToken = default)
    {
        var invocation = BubblewrapMountPlanTests.Invocation(_directory.Workspace, SandboxMode.WorkspaceWrite) with
        {
            Argv = ["bash", "-c", script],
            Environment = environment ?? new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" },
            EgressSocketPath = socketPath ?? _proxy.SocketPath,
        };
        var sandbox = new BubblewrapSandbox(BubblewrapAvailability.Executable, BubblewrapMountPlanTests.HostPaths(_directory.Home))
        {
            BridgeCommand = [LandlockTestLauncher.Path],
        };
        var wrapped = sandbox.Wrap(invocation);
        try
        {
            return await _runner.RunAsync(
                new ExecutionSpec(wrapped.Argv, _directory.Workspace, wrapped.Environment, timeout ?? TimeSpan.FromSeconds(30), ExecutionSpec.DefaultOutputCapBytes),
                observer,
                cancellationToken);
        }
        finally
        {
            wrapped.Cleanup?.Invoke();
        }
    }
}
