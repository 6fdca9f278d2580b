namespace AgentExec.Core.Pipeline.AuditRecords;

/// <summary>Builds the serializer metadata of the events every call writes, ahead of the call's first event.</summary>
/// <remarks>
/// System.Text.Json builds a record type's metadata on its first use in a process, about half a millisecond each
/// (issue 12, perf of <c>agentexec run</c>). A one-shot <c>run</c> writes its first event a few milliseconds after it
/// starts, so starting the work at once on another core takes it off the command's path. The metadata lands in the
/// context's own thread-safe cache, which <see cref="Audit.AuditEvent.For"/> reads; nothing is written anywhere.
/// </remarks>
public static class AuditRecordMetadata
{
    // The events of a call that runs: received, decided, started, finished.
    private static readonly Type[] EveryCallWrites =
        [typeof(CallReceived), typeof(PolicyDecided), typeof(ExecutionStarted), typeof(ExecutionFinished)];

    /// <summary>Starts building the metadata on the thread pool.</summary>
    /// <returns>A task that completes when it is built; it never faults (a failure only means no head start).</returns>
    public static Task WarmUpAsync() => Task.Run(static () =>
    {
        try
        {
            foreach (var type in EveryCallWrites)
            {
                CallRecordJsonContext.Default.Options.GetTypeInfo(type);
            }
        }
#pragma warning disable CA1031 // A head start only: the first event builds the same metadata itself and reports what fails there.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    });
}
