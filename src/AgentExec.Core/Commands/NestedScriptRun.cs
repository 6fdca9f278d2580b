namespace AgentExec.Core.Commands;

/// <summary>How a shell, <c>eval</c> or <c>source</c> gets the code it runs, and the verdict on the carrier itself.</summary>
/// <param name="Verdict">The verdict on the carrying command (its script's commands are judged as parts of their own).</param>
/// <param name="Script">The script text, when it is known before the line runs and should be parsed as nested parts.</param>
/// <param name="UnknownReason">Set when the code that runs cannot be seen.</param>
internal sealed record NestedScriptRun(Verdict Verdict, string? Script, string? UnknownReason);
