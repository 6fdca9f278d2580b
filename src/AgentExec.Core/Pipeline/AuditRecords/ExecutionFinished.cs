using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using AgentExec.Core.Audit;
using AgentExec.Core.Audit.Events;
using AgentExec.Core.Sandbox;

namespace AgentExec.Core.Pipeline.AuditRecords;

/// <summary>The command finished (<c>execution_finished</c>), with the repository changes of its run when there are any.</summary>
/// <param name="Outcome">How it ended (<c>completed</c>, <c>timed_out</c>, <c>failed_to_start</c>, <c>cancelled</c>).</param>
/// <param name="ExitCode">Its exit code, or null when it did not exit on its own.</param>
/// <param name="DurationMs">How long it ran, in milliseconds.</param>
/// <param name="Sandbox">The sandbox mode it ran under, or <c>none</c>.</param>
/// <param name="SandboxDenied">True when its output looks like the sandbox blocked it.</param>
/// <param name="Truncated">True when its output was cut to the cap.</param>
/// <param name="StdoutBytes">The bytes it wrote to stdout, in all.</param>
/// <param name="StderrBytes">The bytes it wrote to stderr, in all.</param>
/// <param name="Repositories">What changed in git repositories during the run, or null when nothing did.</param>
public sealed record ExecutionFinished(
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("exit_code")] int? ExitCode,
    [property: JsonPropertyName("duration_ms")] long DurationMs,
    [property: JsonPropertyName("sandbox")] string Sandbox,
    [property: JsonPropertyName("sandbox_denied")] bool SandboxDenied,
    [property: JsonPropertyName("truncated")] bool Truncated,
    [property: JsonPropertyName("stdout_bytes")] long StdoutBytes,
    [property: JsonPropertyName("stderr_bytes")] long StderrBytes,
    [property: JsonIgnore] RepositoryReport? Repositories = null) : IAuditRecord
{
    /// <inheritdoc />
    [JsonIgnore]
    public JsonTypeInfo TypeInfo => CallRecordJsonContext.Default.ExecutionFinished;

    /// <inheritdoc />
    [JsonIgnore]
    public string EventName => AuditEventNames.ExecutionFinished;

    /// <summary>
    /// The changes that name a program to run, at most <see cref="RepositoryReport.MaximumListed"/>; absent from the
    /// event when there are none.
    /// </summary>
    [JsonPropertyName("repository_changes")]
    [JsonPropertyOrder(1)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<RepositoryChangeEntry>? RepositoryChanges =>
        Repositories is { Changes.Count: > 0 } report
            ? report.Changes.Take(RepositoryReport.MaximumListed).Select(c => new RepositoryChangeEntry(c.DotGit, c.What, c.NewRepository)).ToList()
            : null;

    /// <summary>Why the walk for repositories stopped early; absent from the event when it saw everything.</summary>
    [JsonPropertyName("repository_scan_incomplete")]
    [JsonPropertyOrder(2)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RepositoryScanIncomplete => Repositories?.Incomplete;
}
