namespace AgentExec.Core.Commands;

/// <summary>One option as a program reads it.</summary>
/// <param name="Name">The option, spelled <c>-x</c>, <c>--name</c> or <c>-NUM</c>.</param>
/// <param name="Value">Its value, when it takes one.</param>
internal readonly record struct ReadOption(string Name, string? Value);
