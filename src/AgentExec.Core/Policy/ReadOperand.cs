namespace AgentExec.Core.Policy;

/// <summary>An operand slot in one reading of a command: a fixed word, or run-time words standing for between <paramref name="Min"/> and <paramref name="Max"/> operands.</summary>
/// <param name="Value">The fixed value (a subcommand in its canonical spelling), or null when only known at run time.</param>
/// <param name="Min">The fewest operands the slot stands for.</param>
/// <param name="Max">The most operands it stands for (<see cref="int.MaxValue"/> for any number).</param>
internal readonly record struct ReadOperand(string? Value, int Min, int Max)
{
    /// <summary>A fixed operand.</summary>
    public static ReadOperand Fixed(string value) => new(value, 1, 1);

    /// <summary>Any number of operands, none included.</summary>
    public static ReadOperand Any { get; } = new(null, 0, int.MaxValue);
}
