using AgentExec.Core.Audit;

namespace AgentExec.Core.Pipeline.AuditRecords;

/// <summary>Builds the serializer metadata of the events every call writes, ahead of the call's first event.</summary>
/// <remarks>
/// <para>
/// System.Text.Json builds a record type's metadata on its first use in a process, about half a millisecond each
/// (issue 12, perf of <c>agentexec run</c>). A one-shot <c>run</c> writes its first event a few milliseconds after it
/// starts, so starting the work at once on another core takes it off the command's path. The metadata lands in the
/// context's own thread-safe cache, which <see cref="AuditEvent.For"/> reads; nothing is written anywhere.
/// </para>
/// <para>
/// The chain's first SHA-256, which loads OpenSSL (1.5–2 ms of CPU), is deliberately not warmed up. Where OpenSSL is
/// missing, loading it aborts the process (.NET's OpenSSL shim calls <c>abort</c>, which no handler catches), so a
/// warm-up started with the settings raced a run's own configuration error and cut it off about every other time
/// (RunWithoutOpenSslTests). Started once every remaining path hashes anyway, it came too late to gain anything
/// (interleaved, 60 runs each: no difference), and in <c>serve</c> it made the answer to <c>initialize</c> 2–3 ms later.
/// </para>
/// </remarks>
public static class AuditWarmUp
{
    // The events of a call that runs: received, decided, started, finished.
    private static readonly Type[] EveryCallWrites =
        [typeof(CallReceived), typeof(PolicyDecided), typeof(ExecutionStarted), typeof(ExecutionFinished)];

    /// <summary>Starts building the events' serializer metadata on the thread pool.</summary>
    /// <returns>A task that completes when it is done; it never faults (a failure only means no head start).</returns>
    public static Task BuildSerializersAsync() => Task.Run(static () =>
    {
        try
        {
            foreach (var type in EveryCallWrites)
            {
                CallRecordJsonContext.Default.Options.GetTypeInfo(type);
            }
        }
#pragma warning disable CA1031 // A head start only: the first event does the same work itself and reports what fails there.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    });
}
