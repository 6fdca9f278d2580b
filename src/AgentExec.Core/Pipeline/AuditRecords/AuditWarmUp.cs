using AgentExec.Core.Audit;

namespace AgentExec.Core.Pipeline.AuditRecords;

/// <summary>
/// Does ahead of a call's first audit event what writing it does on its first use in a process: the events' serializer
/// metadata, and the chain's SHA-256.
/// </summary>
/// <remarks>
/// <para>
/// System.Text.Json builds a record type's metadata on its first use, about half a millisecond each, and the first
/// SHA-256 loads and initialises OpenSSL (libssl, libcrypto, its configuration file), 1.5–2 ms of CPU (issue 12, perf
/// of <c>agentexec run</c>). A one-shot <c>run</c> writes its first event several milliseconds after it starts, so
/// doing both on another core takes them off the command's path. <c>serve</c> builds the metadata only: its second core
/// already builds the MCP SDK's at start-up, and loading OpenSSL beside both made its answer to <c>initialize</c> 2–3 ms
/// later, whether started with them or just before it reads stdin. The metadata lands in the context's own thread-safe
/// cache, which <see cref="AuditEvent.For"/> reads, and the library stays loaded; nothing is written anywhere.
/// </para>
/// <para>
/// The two are started apart because they fail apart. Building metadata can only throw, and the first event builds it
/// again. Loading OpenSSL where it is missing aborts the process (.NET's OpenSSL shim calls <c>abort</c>, which no
/// handler catches), so <see cref="LoadHashAsync"/> is for a caller that is about to hash anyway: one started before the
/// settings load raced the settings' own error message and lost about every other time (RunWithoutOpenSslTests).
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

    /// <summary>
    /// Starts loading the chain's hash (OpenSSL) on the thread pool. Only for a caller whose every path from here on
    /// appends an audit event: where OpenSSL is missing this ends the process, as the first append would.
    /// </summary>
    /// <returns>A task that completes when it is done; it never faults (a failure only means no head start).</returns>
    public static Task LoadHashAsync() => Task.Run(static () =>
    {
        try
        {
            _ = AuditLineFormat.ComputeHash([]);
        }
#pragma warning disable CA1031 // A head start only: the first append computes the hash itself and reports what fails there.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    });
}
