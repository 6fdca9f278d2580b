using System.Text.Json.Serialization;
using AgentExec.Core.Audit;
using AgentExec.Core.Audit.Events;

namespace AgentExec.Core.Pipeline.AuditRecords;

/// <summary>One entry of <c>repository_changes</c> in <see cref="ExecutionFinished"/>.</summary>
/// <param name="Git">The repository's <c>.git</c> path.</param>
/// <param name="Change">What appeared or changed (a configuration key or a hook).</param>
/// <param name="NewRepository">True when the repository itself appeared during the run.</param>
public sealed record RepositoryChangeEntry(
    [property: JsonPropertyName("git")] string Git,
    [property: JsonPropertyName("change")] string Change,
    [property: JsonPropertyName("new_repository")] bool NewRepository);
