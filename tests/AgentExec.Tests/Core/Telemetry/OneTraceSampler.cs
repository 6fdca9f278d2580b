using System.Diagnostics;
using OpenTelemetry.Trace;

namespace AgentExec.Tests.Core.Telemetry;

/// <summary>Samples the spans of one trace and drops every other, so a test's exporter sees only its own calls.</summary>
internal sealed class OneTraceSampler(ActivityTraceId traceId) : Sampler
{
    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        new(samplingParameters.TraceId == traceId ? SamplingDecision.RecordAndSample : SamplingDecision.Drop);
}
