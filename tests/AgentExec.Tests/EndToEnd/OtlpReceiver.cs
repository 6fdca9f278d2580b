using System.Collections.Concurrent;
using System.Text;
using AgentExec.Tests.TestSupport;

namespace AgentExec.Tests.EndToEnd;

/// <summary>
/// A stand-in OTLP/HTTP collector on the loopback interface: it answers every export with 200 and keeps each body.
/// Protobuf keeps strings as plain UTF-8, so a test can look for attribute names and values in the bytes.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<LoopbackRequest> _exports = new();
    private readonly LoopbackHttpServer _server;

    private OtlpReceiver()
    {
        _server = new LoopbackHttpServer((request, _) =>
        {
            _exports.Enqueue(request);
            return Task.FromResult(new LoopbackResponse(200, "application/x-protobuf", []));
        });
    }

    /// <summary>The value for <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    public string Endpoint => _server.Origin;

    public static OtlpReceiver Start() => new();

    /// <summary>Every body posted to <paramref name="path"/> (<c>/v1/traces</c>, <c>/v1/metrics</c>), as text.</summary>
    public string Received(string path) =>
        string.Concat(_exports.Where(export => export.Path == path).Select(export => Encoding.UTF8.GetString(export.Body)));

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
