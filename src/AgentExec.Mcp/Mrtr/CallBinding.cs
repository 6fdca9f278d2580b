using AgentExec.Core.Execution;

namespace AgentExec.Mcp.Mrtr;

/// <summary>
/// What a retry must repeat to be given its question's answer: the validated values of the original call (SPEC.md
/// "Protocol generations"). Compared as values, not as the JSON's spelling, so a client that re-serialises the
/// arguments in another key order, or spells out a default, still matches; and not as a digest, so nothing collides.
/// </summary>
/// <param name="CommandLine">The command line.</param>
/// <param name="WorkingDirectory">The working directory as validated (the workspace when the call named none).</param>
/// <param name="Timeout">The execution timeout.</param>
/// <param name="Justification">The agent's justification, which the human read.</param>
/// <param name="Escalation">What the call asked beyond a sandboxed run.</param>
internal sealed record CallBinding(string CommandLine, string WorkingDirectory, TimeSpan Timeout, string? Justification, EscalationKind Escalation)
{
    /// <summary>The binding of a validated request; its call id is left out, as every retry has its own.</summary>
    public static CallBinding Of(ExecRequest request) =>
        new(request.CommandLine, request.WorkingDirectory, request.Timeout, request.Justification, request.Escalation);
}
