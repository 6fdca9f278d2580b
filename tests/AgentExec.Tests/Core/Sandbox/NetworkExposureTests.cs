using System.Net;
using System.Net.Sockets;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>
/// What <c>--network</c> exposes, tested so that the docs and the start-up warning stay true: a host abstract Unix
/// socket and a host loopback service, each bound by the test, tried from inside the real <c>agentexec run</c>.
/// With network off neither is reachable on either backend; with <c>--network</c> bubblewrap shares the host's network
/// namespace and both are; Landlock (ABI 6+) still scopes abstract sockets but reaches loopback.
/// </summary>
public sealed class NetworkExposureTests : IDisposable
{
    private const string Reached = "reached";

    // Socket creation is inside the try: under Landlock with network off the seccomp filter refuses socket() itself.
    private const string Probe = """
        import socket, sys
        def attempt(family, address):
            try:
                probe = socket.socket(family, socket.SOCK_STREAM)
                probe.settimeout(3)
                try:
                    probe.connect(address)
                    return 'reached'
                finally:
                    probe.close()
            except OSError as error:
                return 'refused: %s' % error
        print('abstract:', attempt(socket.AF_UNIX, '\0' + sys.argv[1]))
        print('loopback:', attempt(socket.AF_INET, ('127.0.0.1', int(sys.argv[2]))))
        """;

    private const string NetworkWarning = "network is on";

    private readonly AgentExecProbeRun _run = new();
    private readonly Socket _abstractListener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly TcpListener _loopbackListener = new(IPAddress.Loopback, 0);
    private readonly string _abstractName = "agentexec-test-" + Guid.NewGuid().ToString("N");

    public NetworkExposureTests()
    {
        _abstractListener.Bind(new UnixDomainSocketEndPoint("\0" + _abstractName));
        _abstractListener.Listen(8);
        _loopbackListener.Start();
        _run.WriteWorkspaceFile("net_probe.py", Probe);
    }

    private string Port => ((IPEndPoint)_loopbackListener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Positive control: unsandboxed, the probe reaches both host endpoints.</summary>
    [Fact]
    public async Task UnsandboxedProbeReachesTheHostAbstractSocketAndLoopback()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var result = await _run.Start("python3", ["net_probe.py", _abstractName, Port], _run.Environment(), timeout.Token);

        Assert.Contains($"abstract: {Reached}", result.StandardOutput);
        Assert.Contains($"loopback: {Reached}", result.StandardOutput);
    }

    [BubblewrapFact]
    public async Task NetworkOffBubblewrapReachesNeitherHostAbstractSocketNorLoopback()
    {
        var output = await ProbeThroughAgentExecAsync("bubblewrap", network: false);

        Assert.Contains("abstract: refused", output);
        Assert.Contains("loopback: refused", output);
    }

    [LandlockFact(MinimumAbi = 6)]
    public async Task NetworkOffLandlockReachesNeitherHostAbstractSocketNorLoopback()
    {
        var output = await ProbeThroughAgentExecAsync("landlock", network: false);

        Assert.Contains("abstract: refused", output);
        Assert.Contains("loopback: refused", output);
    }

    /// <summary>The documented exposure: <c>--network</c> under bubblewrap shares the host's network namespace.</summary>
    [BubblewrapFact]
    public async Task NetworkOnBubblewrapSharesHostAbstractSocketsAndLoopbackAsDocumented()
    {
        var output = await ProbeThroughAgentExecAsync("bubblewrap", network: true);

        Assert.Contains($"abstract: {Reached}", output);
        Assert.Contains($"loopback: {Reached}", output);
    }

    /// <summary>The documented exposure under Landlock: loopback services are reachable, abstract sockets stay scoped (ABI 6).</summary>
    [LandlockFact(MinimumAbi = 6)]
    public async Task NetworkOnLandlockReachesLoopbackButNotHostAbstractSocketsAsDocumented()
    {
        var output = await ProbeThroughAgentExecAsync("landlock", network: true);

        Assert.Contains("abstract: refused", output);
        Assert.Contains($"loopback: {Reached}", output);
    }

    [BubblewrapFact]
    public async Task StartUpWarnsOfTheExposureOnlyWhenNetworkIsOn()
    {
        var on = await _run.RunAgentExecAsync(["check", "--sandbox-backend", "bubblewrap", "--network", "--", "true"]);
        var off = await _run.RunAgentExecAsync(["check", "--sandbox-backend", "bubblewrap", "--", "true"]);

        Assert.Contains(NetworkWarning, on.StandardError + on.StandardOutput);
        Assert.Contains("abstract Unix sockets", on.StandardError + on.StandardOutput);
        Assert.DoesNotContain(NetworkWarning, off.StandardError + off.StandardOutput);
    }

    [LandlockFact]
    public async Task LandlockStartUpWarnsOfTheExposureOnlyWhenNetworkIsOn()
    {
        var on = await _run.RunAgentExecAsync(["check", "--sandbox-backend", "landlock", "--network", "--", "true"]);
        var off = await _run.RunAgentExecAsync(["check", "--sandbox-backend", "landlock", "--", "true"]);

        Assert.Contains(NetworkWarning, on.StandardError + on.StandardOutput);
        Assert.Contains("loopback", on.StandardError + on.StandardOutput);
        Assert.DoesNotContain(NetworkWarning, off.StandardError + off.StandardOutput);
    }

    public void Dispose()
    {
        _abstractListener.Dispose();
        _loopbackListener.Stop();
        _loopbackListener.Dispose();
        _run.Dispose();
    }

    private async Task<string> ProbeThroughAgentExecAsync(string backend, bool network)
    {
        var result = await _run.RunAgentExecAsync(AgentExecProbeRun.RunArguments(backend, network, "python3", "net_probe.py", _abstractName, Port));
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.StandardError}");
        return result.StandardOutput;
    }
}
