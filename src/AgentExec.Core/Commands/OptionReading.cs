namespace AgentExec.Core.Commands;

/// <summary>What <see cref="OptionGrammar.Read"/> made of a program's arguments.</summary>
/// <param name="Operands">The words that are not options or option values, in order.</param>
/// <param name="Options">The options seen, in order, each spelled <c>-x</c> or <c>--name</c>, with its value.</param>
/// <param name="Refusal">Why the arguments are not on the allow-list, or null when they are.</param>
internal sealed record OptionReading(IReadOnlyList<string> Operands, IReadOnlyList<ReadOption> Options, string? Refusal)
{
    /// <summary>Where each operand stands among the arguments read (its index), in the order of <see cref="Operands"/>.</summary>
    public IReadOnlyList<int> OperandPositions { get; init; } = [];

    /// <summary>A reading that refutes the proof.</summary>
    public static OptionReading Refused(string reason) => new([], [], reason);
}
