namespace AgentExec.Core.Policy;

/// <summary>One argument as the matcher reads it: its text and how much of it is known before bash runs it.</summary>
/// <param name="Text">The value when fixed, else the source text.</param>
/// <param name="Kind">How much is known.</param>
internal readonly record struct ArgumentToken(string Text, ArgumentTokenKind Kind)
{
    /// <summary>True when the value is fixed.</summary>
    public bool IsFixed => Kind == ArgumentTokenKind.Fixed;

    /// <summary>A fixed argument.</summary>
    public static ArgumentToken Fixed(string text) => new(text, ArgumentTokenKind.Fixed);

    /// <summary>True when, at run time, this argument could be or contain a flag.</summary>
    public bool MayBeFlag => Kind switch
    {
        ArgumentTokenKind.Fixed => Commands.FlagSet.IsFlag(Text),
        ArgumentTokenKind.Dynamic => true,
        ArgumentTokenKind.DynamicWord => Text.Length < 2 || Text[1] is '$' or '-',
        _ => false,
    };
}
