using AgentExec.Core.Audit;

namespace AgentExec.Core.Pipeline.AuditRecords;

/// <summary>
/// Does ahead of a call's first audit event what writing it does on its first use in a process: the events' serializer
/// metadata, and the chain's SHA-256.
/// </summary>
/// <remarks>
/// System.Text.Json builds a record type's metadata on its first use, about half a millisecond each, and the first
/// SHA-256 loads and initialises OpenSSL (libssl, libcrypto, its configuration file), 1.5–2 ms of CPU (issue 12, perf
/// of <c>agentexec run</c>). A one-shot <c>run</c> writes its first event several milliseconds after it starts, so
/// doing both at once on another core takes them off the command's path (interleaved, 60 runs each: the hash took
/// another 1.2 ms off <c>run --sandbox danger-full-access -- true</c>). <c>serve</c> builds the metadata only: its
/// second core already builds the MCP SDK's at start-up, and loading OpenSSL beside both made its answer to
/// <c>initialize</c> 2–3 ms later, whether started with them or just before it reads stdin. The metadata lands in the
/// context's own thread-safe cache, which <see cref="AuditEvent.For"/> reads, and the library stays loaded; nothing is
/// written anywhere.
/// </remarks>
public static class AuditWarmUp
{
    // The events of a call that runs: received, decided, started, finished.
    private static readonly Type[] EveryCallWrites =
        [typeof(CallReceived), typeof(PolicyDecided), typeof(ExecutionStarted), typeof(ExecutionFinished)];

    /// <summary>Starts building the events' serializer metadata on the thread pool.</summary>
    /// <returns>A task that completes when it is done; it never faults (a failure only means no head start).</returns>
    public static Task BuildSerializersAsync() => StartAsync(loadHash: false);

    /// <summary>Starts building the metadata and loading the chain's hash on the thread pool.</summary>
    /// <returns>A task that completes when it is done; it never faults (a failure only means no head start).</returns>
    public static Task BuildSerializersAndLoadHashAsync() => StartAsync(loadHash: true);

    private static Task StartAsync(bool loadHash) => Task.Run(() =>
    {
        try
        {
            if (loadHash)
            {
                _ = AuditLineFormat.ComputeHash([]);
            }

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
