namespace AgentExec.Core.Sandbox;

/// <summary>The <c>.git</c> entries one bounded walk of the writable directories met.</summary>
/// <param name="DotGits">Every <c>.git</c> entry (directory, gitfile or link), nearest first.</param>
/// <param name="Incomplete">Why the walk stopped before the end (a bound), or null when it saw everything.</param>
public sealed record WalkedRepositories(IReadOnlyList<string> DotGits, string? Incomplete);
