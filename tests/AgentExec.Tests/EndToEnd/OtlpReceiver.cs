using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AgentExec.Tests.EndToEnd;

/// <summary>
/// A stand-in OTLP/HTTP collector on the loopback interface: it answers every export with 200 and keeps each body.
/// Protobuf keeps strings as plain UTF-8, so a test can look for attribute names and values in the bytes.
/// </summary>
internal sealed class OtlpReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _exports = new();
    private readonly Task _serving;

    private OtlpReceiver(int port)
    {
        Endpoint = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _serving = ServeAsync();
    }

    /// <summary>The value for <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    public string Endpoint { get; }

    public static OtlpReceiver Start()
    {
        // Ask the OS for a free loopback port; HttpListener cannot bind port 0 itself. Between the probe and the bind
        // another test may take the port (tests bind loopback ports in parallel), so a few tries.
        for (var attempt = 1; ; attempt++)
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            try
            {
                return new OtlpReceiver(port);
            }
            catch (HttpListenerException) when (attempt < 10)
            {
            }
        }
    }

    /// <summary>Every body posted to <paramref name="path"/> (<c>/v1/traces</c>, <c>/v1/metrics</c>), as text.</summary>
    public string Received(string path) =>
        string.Concat(_exports.Where(export => export.Path == path).Select(export => Encoding.UTF8.GetString(export.Body)));

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            _exports.Enqueue((context.Request.Url!.AbsolutePath, body.ToArray()));
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }
}
