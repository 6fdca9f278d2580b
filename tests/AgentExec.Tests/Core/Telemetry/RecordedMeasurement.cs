namespace AgentExec.Tests.Core.Telemetry;

/// <summary>One measurement seen by <see cref="TelemetryCapture"/>: the instrument, the value and its tags.</summary>
internal sealed record RecordedMeasurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags)
{
    /// <summary>The tag's value as text, or null when the measurement has no such tag.</summary>
    public string? Tag(string name) => Tags.TryGetValue(name, out var value) ? value?.ToString() : null;
}
