using System.Reflection;
using AgentExec.Core.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AgentExec.Cli.Hosting;

/// <summary>
/// Sends AgentExec's traces and metrics to an OTLP collector, started only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is
/// set: without it no OpenTelemetry SDK runs and nothing is exported.
/// </summary>
/// <remarks>
/// Everything else is the exporter's own standard configuration, read from the environment by the SDK
/// (<c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>_HEADERS</c>, <c>_TIMEOUT</c>, <c>OTEL_SERVICE_NAME</c>,
/// <c>OTEL_RESOURCE_ATTRIBUTES</c>, <c>OTEL_METRIC_EXPORT_INTERVAL</c>…). The SDK reports its own failures through
/// EventSource, never on stdout, which is the MCP protocol under <c>serve</c> and the command's output under <c>run</c>.
/// </remarks>
internal sealed class TelemetryExport : IDisposable
{
    /// <summary>The standard variable that switches the export on.</summary>
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The service name, unless <c>OTEL_SERVICE_NAME</c> or <c>OTEL_RESOURCE_ATTRIBUTES</c> says otherwise.</summary>
    public const string ServiceName = "agentexec";

    // A collector that is down must not hold up the exit of `agentexec run` for the exporter's whole timeout.
    private const int ShutdownBudgetMs = 3_000;

    private readonly TracerProvider _tracing;
    private readonly MeterProvider _metrics;

    private TelemetryExport(TracerProvider tracing, MeterProvider metrics)
    {
        _tracing = tracing;
        _metrics = metrics;
    }

    /// <summary>Starts the export when <see cref="EndpointVariable"/> holds an http(s) URL; null (and nothing started) otherwise.</summary>
    /// <param name="endpoint">The variable's value.</param>
    /// <param name="error">Where a warning about an unusable value goes (stderr).</param>
    public static TelemetryExport? Start(string? endpoint, TextWriter error)
    {
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return null;
        }

        // OTLP endpoints are http(s) URLs for both gRPC and HTTP; "localhost:4317" would parse as a URI of scheme "localhost".
        if (!Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            // Telemetry is an aid, not a gate: a typo here must not stop the server that guards the commands.
            error.WriteLine($"agentexec: {EndpointVariable} is not an http:// or https:// URL; traces and metrics are not exported");
            return null;
        }

        var version = typeof(TelemetryExport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

        // The environment detector comes last so that OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the defaults.
        void DescribeService(ResourceBuilder resource) => resource
            .AddService(ServiceName, serviceVersion: version)
            .AddEnvironmentVariableDetector();

        var tracing = Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(DescribeService)
            .AddSource(AgentExecTelemetry.SourceName)
            .AddOtlpExporter()
            .Build();
        var metrics = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(DescribeService)
            .AddMeter(AgentExecTelemetry.SourceName)
            .AddOtlpExporter()
            .Build();
        return new TelemetryExport(tracing, metrics);
    }

    /// <summary>Starts the export from the process environment; see <see cref="Start"/>.</summary>
    public static TelemetryExport? StartFromEnvironment(TextWriter error) =>
        Start(Environment.GetEnvironmentVariable(EndpointVariable), error);

    /// <summary>Sends what is still buffered (the last spans, the final metrics), within a bounded time, and stops.</summary>
    public void Dispose()
    {
        _tracing.Shutdown(ShutdownBudgetMs);
        _metrics.Shutdown(ShutdownBudgetMs);
        _tracing.Dispose();
        _metrics.Dispose();
    }
}
