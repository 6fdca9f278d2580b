namespace AgentExec.Tests.EndToEnd;

/// <summary>The real <c>agentexec</c> process exporting over OTLP to a collector on the loopback interface.</summary>
public sealed class TelemetryExportProcessTests
{
    [Fact]
    public async Task Run_exports_its_span_and_metrics_when_the_endpoint_is_set_and_stdout_stays_the_commands_own()
    {
        // Arrange
        await using var collector = OtlpReceiver.Start();
        using var agentexec = new AgentExecProcess();
        var environment = agentexec.Environment();
        environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint;
        environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        environment["OTEL_SERVICE_NAME"] = "agentexec-under-test";

        // Act
        var result = await agentexec.RunAsync(
            ["run", "--sandbox", "danger-full-access", "--workspace", agentexec.Workspace, "--audit-log", agentexec.AuditLog, "--", "echo", "command-marker"],
            environment: environment);

        // Assert
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("command-marker\n", result.StandardOutput);
        var traces = collector.Received("/v1/traces");
        Assert.Contains("agentexec-under-test", traces, StringComparison.Ordinal);
        Assert.Contains("agentexec.shell", traces, StringComparison.Ordinal);
        Assert.Contains("agentexec.call.status", traces, StringComparison.Ordinal);
        Assert.DoesNotContain("command-marker", traces, StringComparison.Ordinal);
        Assert.Contains("agentexec.calls", collector.Received("/v1/metrics"), StringComparison.Ordinal);
    }
}
