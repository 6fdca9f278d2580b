using AgentExec.Cli.Hosting;

namespace AgentExec.Tests.Cli.Hosting;

/// <summary>When the OTLP export starts: only with a usable <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
public sealed class TelemetryExportTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Nothing_is_started_without_an_endpoint(string? endpoint)
    {
        // Arrange
        using var error = new StringWriter();

        // Act
        using var export = TelemetryExport.Start(endpoint, error);

        // Assert
        Assert.Null(export);
        Assert.Empty(error.ToString());
    }

    [Theory]
    [InlineData("localhost:4317")]
    [InlineData("collector")]
    [InlineData("ftp://collector:4317")]
    public void An_endpoint_that_is_not_an_http_URL_starts_nothing_and_says_so_on_stderr(string endpoint)
    {
        // Arrange
        using var error = new StringWriter();

        // Act
        using var export = TelemetryExport.Start(endpoint, error);

        // Assert
        Assert.Null(export);
        Assert.Equal(
            "agentexec: OTEL_EXPORTER_OTLP_ENDPOINT is not an http:// or https:// URL; traces and metrics are not exported" + Environment.NewLine,
            error.ToString());
    }
}
