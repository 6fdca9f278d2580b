using System.Net.Sockets;
using AgentExec.Core.Configuration;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Sandbox.Egress;

/// <summary>
/// How bubblewrap wraps a call with an egress socket (the bridge in front of the command, the socket alone in the
/// hidden <c>/run</c>, the bridge's binary in reach), what it refuses, and that Landlock refuses the socket outright.
/// </summary>
public sealed class EgressBridgeWrapTests : IDisposable
{
    private const string Bridge = "/opt/agentexec/agentexec";

    private readonly SandboxTestDirectory _directory = new();
    private readonly string _folder;
    private readonly string _socketPath;
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);

    // Under /tmp itself, which the sandbox always hides, whatever TMPDIR says.
    private readonly string _underTmp = Directory.CreateDirectory("/tmp/agentexec-bridge-tests-" + Guid.NewGuid().ToString("N")).FullName;

    public EgressBridgeWrapTests()
    {
        _folder = Directory.CreateDirectory(Path.Combine(_directory.Root, "egress")).FullName;
        _socketPath = Path.Combine(_folder, "proxy.sock");
        _socket.Bind(new UnixDomainSocketEndPoint(_socketPath));
    }

    public void Dispose()
    {
        _socket.Dispose();
        _directory.Dispose();
        Directory.Delete(_underTmp, recursive: true);
    }

    [Fact]
    public void The_command_runs_through_the_bridge_and_keeps_its_private_network_namespace()
    {
        // Act
        var argv = Wrap(Invocation() with { Argv = ["bash", "-c", "echo hi"] });

        // Assert
        Assert.Equal(["--", Bridge, EgressBridge.Verb, "/run/agentexec/egress.sock", "--", "bash", "-c", "echo hi"], argv.TakeLast(8));
        Assert.Contains("--unshare-net", argv);
    }

    [Fact]
    public void The_socket_is_bound_into_the_hidden_run_before_run_is_made_read_only_and_its_folder_is_hidden()
    {
        // Act
        var argv = Wrap(Invocation());

        // Assert
        var hideRun = BubblewrapMountPlanTests.IndexOf(argv, "--tmpfs", "/run");
        var bind = BubblewrapMountPlanTests.IndexOf(argv, "--ro-bind", _socketPath, BubblewrapSandbox.EgressSocketInside);
        var readOnly = BubblewrapMountPlanTests.IndexOf(argv, "--remount-ro", "/run");
        Assert.True(hideRun >= 0 && bind > hideRun && readOnly > bind, string.Join(' ', argv));
        Assert.True(BubblewrapMountPlanTests.IndexOf(argv, "--tmpfs", _folder) >= 0, string.Join(' ', argv));
        Assert.True(BubblewrapMountPlanTests.IndexOf(argv, "--remount-ro", _folder) >= 0, string.Join(' ', argv));
    }

    [Fact]
    public void Without_an_egress_socket_the_command_runs_directly()
    {
        var argv = Wrap(Invocation() with { EgressSocketPath = null, Argv = ["bash", "-c", "echo hi"] });

        Assert.Equal(["--", "bash", "-c", "echo hi"], argv.TakeLast(4));
        Assert.DoesNotContain(EgressBridge.Verb, argv);
        Assert.DoesNotContain(BubblewrapSandbox.EgressSocketInside, argv);
    }

    [Fact]
    public void An_egress_socket_with_the_network_on_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Wrap(Invocation() with { Network = true }));
    }

    [Fact]
    public void Without_a_known_agentexec_binary_a_call_with_an_egress_socket_is_refused()
    {
        // The test host is not agentexec, so the backend cannot find the bridge by itself.
        var sandbox = new BubblewrapSandbox("/usr/bin/bwrap", BubblewrapMountPlanTests.HostPaths(_directory.Home));

        Assert.Null(sandbox.BridgeCommand);
        Assert.Throws<InvalidOperationException>(() => sandbox.Wrap(Invocation()));
    }

    [Fact]
    public void A_bridge_command_that_bwrap_would_look_up_on_the_commands_path_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new BubblewrapSandbox("/usr/bin/bwrap", BubblewrapMountPlanTests.HostPaths(_directory.Home)) { BridgeCommand = ["agentexec"] });
        Assert.Throws<ArgumentException>(() => new BubblewrapSandbox("/usr/bin/bwrap", BubblewrapMountPlanTests.HostPaths(_directory.Home)) { BridgeCommand = [] });
    }

    [Fact]
    public void An_egress_socket_that_is_a_regular_file_is_refused()
    {
        var file = _directory.WriteFile("egress-file/proxy.sock", "not a socket");

        Assert.Throws<ArgumentException>(() => Wrap(Invocation() with { EgressSocketPath = file }));
    }

    [Fact]
    public void An_egress_socket_reached_through_a_symbolic_link_is_refused()
    {
        var link = Path.Combine(Directory.CreateDirectory(Path.Combine(_directory.Root, "links")).FullName, "proxy.sock");
        File.CreateSymbolicLink(link, _socketPath);

        Assert.Throws<ArgumentException>(() => Wrap(Invocation() with { EgressSocketPath = link }));
    }

    [Fact]
    public void An_egress_socket_inside_the_workspace_is_refused()
    {
        using var inside = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        var path = Path.Combine(Directory.CreateDirectory(Path.Combine(_directory.Workspace, "run")).FullName, "proxy.sock");
        inside.Bind(new UnixDomainSocketEndPoint(path));

        Assert.Throws<ArgumentException>(() => Wrap(Invocation() with { EgressSocketPath = path }));
    }

    [Fact]
    public void An_egress_socket_whose_folder_holds_the_workspace_is_refused()
    {
        // Hiding its folder would hide the workspace's parent; the socket needs a folder of its own.
        using var beside = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        var path = Path.Combine(_directory.Root, "proxy.sock");
        beside.Bind(new UnixDomainSocketEndPoint(path));

        Assert.Throws<ArgumentException>(() => Wrap(Invocation() with { EgressSocketPath = path }));
    }

    [Fact]
    public void A_bridge_binary_under_the_hidden_tmp_is_bound_read_only_so_it_can_run_inside()
    {
        // Arrange: a Native AOT build published under /tmp.
        var binary = Path.Combine(_underTmp, "agentexec");
        File.WriteAllText(binary, "stand-in");
        var real = Path.Combine(Real(_underTmp), "agentexec");

        // Act
        var argv = Wrap(Invocation(), [binary]);

        // Assert: the file alone, not the folder around it.
        Assert.True(BubblewrapMountPlanTests.IndexOf(argv, "--ro-bind", real, real) >= 0, string.Join(' ', argv));
        Assert.Equal(-1, BubblewrapMountPlanTests.IndexOf(argv, "--ro-bind", Path.GetDirectoryName(real)!, Path.GetDirectoryName(real)!));
    }

    [Fact]
    public void A_framework_dependent_bridge_under_the_hidden_tmp_has_its_folder_bound_read_only()
    {
        // Arrange: an apphost needs the assemblies beside it.
        File.WriteAllText(Path.Combine(_underTmp, "agentexec"), "apphost");
        File.WriteAllText(Path.Combine(_underTmp, "agentexec.dll"), "assembly");
        var real = Real(_underTmp);

        // Act
        var argv = Wrap(Invocation(), [Path.Combine(_underTmp, "agentexec")]);

        // Assert
        Assert.True(BubblewrapMountPlanTests.IndexOf(argv, "--ro-bind", real, real) >= 0, string.Join(' ', argv));
    }

    [Fact]
    public void A_bridge_binary_the_sandbox_shows_anyway_gets_no_extra_mount()
    {
        // /var/tmp is part of the read-only root; a bind there would change nothing but the command line.
        var binary = _directory.WriteFile("bin/agentexec", "stand-in");

        var argv = Wrap(Invocation(), [binary]);

        Assert.DoesNotContain(binary, argv.TakeWhile(argument => argument != "--"));
    }

    [Fact]
    public void Landlock_refuses_an_egress_socket_because_it_cannot_keep_the_command_to_the_proxy()
    {
        var sandbox = new LandlockSandbox(["/usr/bin/agentexec"]);

        var exception = Assert.Throws<ArgumentException>(() => sandbox.Wrap(Invocation()));
        Assert.Contains("bubblewrap", exception.Message, StringComparison.Ordinal);
    }

    private static string Real(string path) => RealPath.TryResolve(path, out var real, out _) ? real : path;

    private SandboxInvocation Invocation() =>
        BubblewrapMountPlanTests.Invocation(_directory.Workspace, SandboxMode.WorkspaceWrite) with { EgressSocketPath = _socketPath };

    private IReadOnlyList<string> Wrap(SandboxInvocation invocation, IReadOnlyList<string>? bridge = null)
    {
        var sandbox = new BubblewrapSandbox("/usr/bin/bwrap", BubblewrapMountPlanTests.HostPaths(_directory.Home)) { BridgeCommand = bridge ?? [Bridge] };
        var wrapped = sandbox.Wrap(invocation);
        wrapped.Cleanup?.Invoke();
        return wrapped.Argv;
    }
}
