namespace AgentExec.Core.Policy;

/// <summary>
/// How one program is spelled on a command line: its global options (skipped before matching), its
/// subcommands with their aliases and options.
/// </summary>
/// <param name="Program">The program's name.</param>
/// <param name="Options">Its own options; for a program with subcommands, the global options written before the subcommand.</param>
internal sealed record ProgramSpelling(string Program, CommandSpelling Options)
{
    /// <summary>True when the first operand is a subcommand (<c>git push</c>, <c>npm install</c>).</summary>
    public bool HasSubcommands { get; init; }

    /// <summary>True when the global options may also stand after the subcommand (<c>kubectl delete pod x -n ns</c>).</summary>
    public bool GlobalOptionsAnywhere { get; init; }

    /// <summary>The options of each subcommand known, by its canonical name.</summary>
    public IReadOnlyDictionary<string, CommandSpelling> Subcommands { get; init; } = new Dictionary<string, CommandSpelling>();

    /// <summary>Other spellings of a subcommand (<c>i</c> → <c>install</c>; two words for <c>container rm</c> → <c>rm</c>).</summary>
    public IReadOnlyDictionary<string, string> SubcommandAliases { get; init; } = new Dictionary<string, string>();

    /// <summary>Subcommand names the program also accepts abbreviated to a unique prefix (npm), empty when it accepts none.</summary>
    public IReadOnlyList<string> AbbreviatedSubcommands { get; init; } = [];

    /// <summary>True when the program reads a camelCase subcommand as its dashed form (npm: <c>runScript</c> = <c>run-script</c>).</summary>
    public bool CamelCaseSubcommands { get; init; }

    /// <summary>The options in force after subcommand <paramref name="subcommand"/>.</summary>
    public CommandSpelling OptionsOf(string subcommand) =>
        Subcommands.TryGetValue(subcommand, out var options) ? options : CommandSpelling.Unknown;

    /// <summary>
    /// The canonical name of the subcommand written as <paramref name="first"/> (followed by
    /// <paramref name="second"/> when that is a fixed word); <paramref name="usedSecond"/> says whether
    /// both words made the name.
    /// </summary>
    public string Subcommand(string first, string? second, out bool usedSecond)
    {
        usedSecond = false;
        if (second is not null && SubcommandAliases.TryGetValue(first + " " + second, out var pair))
        {
            usedSecond = true;
            return pair;
        }

        var name = CamelCaseSubcommands ? Dashed(first) : first;
        if (Subcommands.ContainsKey(name) || AbbreviatedSubcommands.Contains(name, StringComparer.Ordinal))
        {
            return name;
        }

        if (SubcommandAliases.TryGetValue(name, out var alias))
        {
            return alias;
        }

        if (AbbreviatedSubcommands.Count > 0 && name.Length > 0)
        {
            var candidates = AbbreviatedSubcommands.Concat(SubcommandAliases.Keys)
                .Where(candidate => candidate.StartsWith(name, StringComparison.Ordinal))
                .ToList();
            if (candidates.Count == 1)
            {
                var found = candidates[0];
                return SubcommandAliases.TryGetValue(found, out var target) ? target : found;
            }
        }

        return name;
    }

    private static string Dashed(string word)
    {
        if (!word.Any(char.IsAsciiLetterUpper))
        {
            return word;
        }

        var builder = new System.Text.StringBuilder(word.Length + 4);
        foreach (var c in word)
        {
            if (char.IsAsciiLetterUpper(c))
            {
                builder.Append('-').Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
