namespace AgentExec.Tests.Core.Telemetry;

/// <summary>
/// The telemetry tests, run one at a time and after the parallel collections: each starts a tracer provider that
/// listens to the process-wide <c>AgentExec</c> source, and one at a time keeps their in-memory exporters apart.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryTestGroup
{
    public const string Name = "Telemetry";
}
