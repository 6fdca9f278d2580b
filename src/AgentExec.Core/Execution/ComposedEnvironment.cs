namespace AgentExec.Core.Execution;

/// <summary>A child's environment as the allow-list built it, and what it held back from the host.</summary>
/// <param name="Variables">The child's complete environment.</param>
/// <param name="RemovedNames">
/// Host variables the child does not get from the host (ordinal order). Their values are what the risk assessment
/// must redact before anything leaves the machine; a name that <c>env.set</c> redefines is listed too, because the
/// host's value was still withheld.
/// </param>
internal sealed record ComposedEnvironment(IReadOnlyDictionary<string, string> Variables, IReadOnlyList<string> RemovedNames);
