using System.Diagnostics;
using System.Net;
using AgentExec.Core.Network;
using AgentExec.Tests.TestSupport;

namespace AgentExec.Tests.Network.Proxy;

/// <summary>The real curl through the proxy (via a test TCP relay): HTTPS through CONNECT, plain HTTP, and a refusal.</summary>
public sealed class EgressProxyCurlTests
{
    [Fact]
    public async Task Curl_fetches_https_and_http_through_the_proxy_and_sees_a_refusal_as_403()
    {
        // Arrange
        var tls = new TlsOrigin();
        await using var tlsUpstream = new LoopbackUpstream(tls.ServeAsync);
        var plain = new RecordingHttpOrigin();
        await using var plainUpstream = new LoopbackUpstream(plain.ServeAsync);
        var gate = new FakeEgressGate((target, _, _) => Task.FromResult(target.Host == "refused.invalid"
            ? EgressPermit.Refuse("AgentExec refused refused.invalid:80; allow it with --allow-domain refused.invalid")
            : EgressPermit.Allow([IPAddress.Loopback])));
        await using var proxy = new ProxyUnderTest(gate);
        await using var relay = new TcpToUnixRelay(proxy.SocketPath);
        using var directory = new TemporaryDirectory();
        var authority = directory.File("ca.pem");
        await File.WriteAllTextAsync(authority, TestCertificates.AuthorityPem);

        // Act
        var https = await CurlAsync("--proxy", relay.ProxyUrl, "--cacert", authority, $"https://{TestCertificates.ServerName}:{tlsUpstream.Port}/");
        var http = await CurlAsync("--proxy", relay.ProxyUrl, $"http://plain.invalid:{plainUpstream.Port}/p");
        var refused = await CurlAsync("--proxy", relay.ProxyUrl, "-w", "%{http_code}", "http://refused.invalid/");

        // Assert
        Assert.Equal((0, TlsOrigin.Body), https);
        Assert.Equal((0, RecordingHttpOrigin.Body), http);
        Assert.Equal((0, "AgentExec refused refused.invalid:80; allow it with --allow-domain refused.invalid\n403"), refused);
        Assert.Equal([TestCertificates.ServerName], tls.ServerNames);
    }

    private static async Task<(int ExitCode, string Output)> CurlAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["-sS", "--max-time", "10", "--noproxy", "", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
        Assert.True(process.ExitCode == 0, await error);
        return (process.ExitCode, await output);
    }
}
