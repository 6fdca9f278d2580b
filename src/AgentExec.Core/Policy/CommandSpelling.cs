namespace AgentExec.Core.Policy;

/// <summary>The options one program, or one of its subcommands, accepts, as far as rule matching needs them.</summary>
/// <param name="Options">The options known; an option outside this list is read both with and without a value.</param>
internal sealed record CommandSpelling(IReadOnlyList<OptionSpelling> Options)
{
    /// <summary>True when long options take one dash and never combine (<c>find -delete</c>).</summary>
    public bool SingleDashOptions { get; init; }

    /// <summary>Operands whose first character counts as an option (<c>git push origin +main</c> forces, <c>:main</c> deletes).</summary>
    public IReadOnlyDictionary<char, string> OperandMarks { get; init; } = new Dictionary<char, string>();

    /// <summary>A command whose options are not known.</summary>
    public static CommandSpelling Unknown { get; } = new([]);

    /// <summary>The option spelled exactly <paramref name="spelling"/>, or null.</summary>
    public OptionSpelling? Exact(string spelling) =>
        Options.FirstOrDefault(option => option.Spellings.Contains(spelling, StringComparer.Ordinal));

    /// <summary>The options with a long spelling that starts with <paramref name="prefix"/> (GNU abbreviations), each once.</summary>
    public IReadOnlyList<OptionSpelling> Abbreviated(string prefix) =>
        [.. Options.Where(option => option.Spellings.Any(spelling =>
            spelling.StartsWith("--", StringComparison.Ordinal) && spelling.StartsWith(prefix, StringComparison.Ordinal)))];
}
