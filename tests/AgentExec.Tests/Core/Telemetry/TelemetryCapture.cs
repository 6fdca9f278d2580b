using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using AgentExec.Core.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace AgentExec.Tests.Core.Telemetry;

/// <summary>
/// Collects the AgentExec spans (through OpenTelemetry's in-memory exporter) and measurements of one test, and no
/// other test's: the capture opens its own trace, samples only that trace, and keeps only measurements recorded inside it.
/// </summary>
/// <remarks>
/// The activity source and meter are static and shared by every test in the process, so without the trace filter a
/// test running beside this one would add its calls here. The work under test must start after the capture, in the
/// test method itself (the trace flows to it through <see cref="Activity.Current"/>). Tests that use it run in
/// <see cref="TelemetryTestGroup"/>, because the exporter's list is not safe to read while another capture's provider
/// may still be adding to it.
/// </remarks>
internal sealed class TelemetryCapture : IDisposable
{
    private readonly List<Activity> _exported = [];
    private readonly Activity _trace;
    private readonly TracerProvider _tracing;
    private readonly MeterListener _metrics = new();
    private readonly ConcurrentQueue<RecordedMeasurement> _measurements = new();

    public TelemetryCapture()
    {
        _trace = new Activity("agentexec-telemetry-test").SetIdFormat(ActivityIdFormat.W3C).Start();
        _tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(AgentExecTelemetry.SourceName)
            .SetSampler(new OneTraceSampler(_trace.TraceId))
            .AddInMemoryExporter(_exported)
            .Build()!;

        _metrics.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == AgentExecTelemetry.SourceName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _metrics.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Keep(instrument, value, tags));
        _metrics.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Keep(instrument, value, tags));
        _metrics.Start();
    }

    /// <summary>The AgentExec spans of this test's trace that have ended.</summary>
    public IReadOnlyList<Activity> Spans =>
        _exported.Where(span => span.TraceId == _trace.TraceId && span.Source.Name == AgentExecTelemetry.SourceName).ToArray();

    /// <summary>The one <c>agentexec.shell</c> span the test expects.</summary>
    public Activity ShellSpan => Assert.Single(Spans, span => span.OperationName == AgentExecTelemetry.ShellSpanName);

    /// <summary>The measurements of one instrument recorded inside this test's trace.</summary>
    public IReadOnlyList<RecordedMeasurement> Measurements(string instrument) =>
        _measurements.Where(measurement => measurement.Instrument == instrument).ToArray();

    public void Dispose()
    {
        _metrics.Dispose();
        _tracing.Dispose();
        _trace.Dispose();
    }

    private void Keep(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // Measurements carry no trace id; the current activity at the moment of recording says whose call it was.
        if (Activity.Current?.TraceId == _trace.TraceId)
        {
            _measurements.Enqueue(new RecordedMeasurement(instrument.Name, value, tags.ToArray().ToDictionary(tag => tag.Key, tag => tag.Value)));
        }
    }

}
