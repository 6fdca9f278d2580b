namespace AgentExec.Tests.Oracle;

/// <summary>One thing a line did beyond reading, as the trace shows it.</summary>
/// <param name="Kind">The class: <c>exec</c>, <c>write</c>, <c>network</c>, <c>credential read</c>, <c>system</c>.</param>
/// <param name="Description">What happened, for a human: the program, the path, the call.</param>
internal sealed record SideEffect(string Kind, string Description)
{
    public override string ToString() => $"{Kind}: {Description}";
}
