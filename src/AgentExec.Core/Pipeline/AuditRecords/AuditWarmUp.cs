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
/// The chain's SHA-256 needs no warm-up: it is managed code (<see cref="Crypto.Sha256Hash"/>). While it went through
/// OpenSSL, loading OpenSSL here as well made <c>serve</c>'s answer to <c>initialize</c> 2–3 ms later and, where OpenSSL
/// was missing, aborted runs that should have ended on their own configuration error.
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
