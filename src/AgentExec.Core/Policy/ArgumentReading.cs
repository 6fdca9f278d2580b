namespace AgentExec.Core.Policy;

/// <summary>One way to read a command's arguments: its operands in order, its options, and whether run-time words could add options.</summary>
internal sealed class ArgumentReading
{
    /// <summary>The operands in order; the first is the canonical subcommand for a program with subcommands.</summary>
    public List<ReadOperand> Operands { get; } = [];

    /// <summary>The options used.</summary>
    public List<ReadFlag> Flags { get; } = [];

    /// <summary>True when a word only known at run time could be any option.</summary>
    public bool AnyFlagPossible { get; set; }

    /// <summary>A copy to continue on another branch of the reading.</summary>
    public ArgumentReading Copy()
    {
        var copy = new ArgumentReading { AnyFlagPossible = AnyFlagPossible };
        copy.Operands.AddRange(Operands);
        copy.Flags.AddRange(Flags);
        return copy;
    }
}
