namespace AgentExec.Core.Commands;

/// <summary>
/// A command's arguments seen as a set of flags and an ordered list of operands, so that <c>-rf</c>,
/// <c>-fr</c> and <c>-r -f</c> compare equal. The one place that defines what counts as a flag.
/// </summary>
/// <param name="Flags">Every flag: combined short flags split (<c>-rf</c> → <c>-r</c>, <c>-f</c>); long flags whole (<c>--force</c>, <c>--output=x</c>).</param>
/// <param name="Operands">The non-flag arguments in order, including everything after <c>--</c>.</param>
public sealed record CommandArguments(IReadOnlySet<string> Flags, IReadOnlyList<string> Operands)
{
    /// <summary>Splits arguments into flags and operands.</summary>
    /// <remarks>
    /// A short-flag cluster is split letter by letter even when a letter takes a value (<c>-n5</c> → <c>-n</c>, <c>-5</c>):
    /// the matcher cannot know every program's grammar, and splitting only ever adds flags, so a pattern's
    /// flags still match; a lone <c>-</c> (stdin) is an operand.
    /// </remarks>
    public static CommandArguments Split(IReadOnlyList<string> arguments)
    {
        var flags = new HashSet<string>(StringComparer.Ordinal);
        var operands = new List<string>();
        var endOfFlags = false;
        foreach (var argument in arguments)
        {
            if (endOfFlags || argument.Length < 2 || argument[0] != '-')
            {
                operands.Add(argument);
            }
            else if (argument == "--")
            {
                endOfFlags = true;
            }
            else if (argument[1] == '-')
            {
                flags.Add(argument);
            }
            else
            {
                foreach (var letter in argument.AsSpan(1))
                {
                    flags.Add("-" + letter);
                }
            }
        }

        return new CommandArguments(flags, operands);
    }
}
