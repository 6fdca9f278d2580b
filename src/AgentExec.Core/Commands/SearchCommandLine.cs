namespace AgentExec.Core.Commands;

/// <summary>
/// What a search program (grep, rg, git grep) reads: whether it reads directories recursively, and which words are the
/// files it reads. <see cref="Read"/> reads grep's command line as GNU grep itself does (<c>getopt_long</c> over grep's
/// own option table).
/// </summary>
/// <param name="Recursive">True when some option turns recursion on (<c>-r</c>, <c>-R</c>, <c>-d recurse</c>, in any spelling).</param>
/// <param name="Files">The words grep reads as files (patterns included: bash expands them first), in order.</param>
/// <param name="IsGuess">True when a word could not be placed, so <paramref name="Files"/> holds every word that may be one.</param>
/// <remarks>
/// <para>
/// Words were matched before (<c>-r</c>, <c>--recursive</c>), and an attack walked around it with spellings getopt
/// accepts: <c>--dir=recurse</c> and <c>--recur</c> (a long option may be abbreviated to any unambiguous prefix),
/// <c>-idrecurse</c> (a value attached inside a cluster). Here every word is read as grep reads it: a cluster letter by
/// letter until one takes a value (the rest of the word, or the next word), a long option by its canonical name after
/// abbreviation, <c>--name=value</c> or <c>--name value</c>, options anywhere before <c>--</c> (grep permutes its
/// arguments; the environment is an allow-list, so <c>POSIXLY_CORRECT</c> is not set).
/// </para>
/// <para>
/// Fail closed: a word this reading cannot place (an option not in the table, an ambiguous abbreviation, which grep
/// refuses anyway) makes the line recursive, with every word that is not an option counted as a file.
/// <c>--directories</c> takes its value by <c>argmatch</c>, which accepts an abbreviation too (<c>-d rec</c>): any
/// prefix of <c>recurse</c> counts. A later <c>-d skip</c> after <c>-r</c> turns recursion off again; that is not
/// modelled (merely strict).
/// </para>
/// </remarks>
internal sealed record SearchCommandLine(bool Recursive, IReadOnlyList<ShellWord> Files, bool IsGuess)
{
    /// <summary>
    /// True when <c>-D read</c> (<c>--devices=read</c>, any abbreviation of <c>read</c>) tells grep to open the FIFOs and
    /// devices it meets: while recursing it otherwise skips them, and with it <c>grep -D read -r x dir</c> waited without
    /// end on a FIFO below <c>dir</c> (found by an attack). A guess counts as reading them.
    /// </summary>
    public bool ReadsDevices { get; init; }

    /// <summary>
    /// True when the reader prints files of its repository's whole work tree, wherever it runs (<c>git diff</c>,
    /// <c>git status -v</c>): the credential look starts at the work tree's top.
    /// </summary>
    public bool ReadsWholeWorkTree { get; init; }

    // grep's short options (grep.c, short_options): the letters that take a value; the others are flags, and digits
    // are a context length (-5).
    private const string ShortWithValue = "ABCDXdefm";
    private const string ShortFlags = "EFGHILPRTUVZabchilnoqrsuvwxyz";

    // grep's long options (grep.c, long_options, grep 3.x) with how each takes its value and the short option it stands for
    // ('\0' for one with no short form that neither recurses nor gives a pattern).
    private static readonly (string Name, OptionValue Value, char Short)[] LongOptions =
    [
        ("basic-regexp", OptionValue.None, 'G'), ("extended-regexp", OptionValue.None, 'E'), ("fixed-regexp", OptionValue.None, 'F'),
        ("fixed-strings", OptionValue.None, 'F'), ("perl-regexp", OptionValue.None, 'P'), ("after-context", OptionValue.Required, 'A'),
        ("before-context", OptionValue.Required, 'B'), ("binary-files", OptionValue.Required, '\0'), ("byte-offset", OptionValue.None, 'b'),
        ("context", OptionValue.Required, 'C'), ("color", OptionValue.Optional, '\0'), ("colour", OptionValue.Optional, '\0'),
        ("count", OptionValue.None, 'c'), ("devices", OptionValue.Required, 'D'), ("directories", OptionValue.Required, 'd'),
        ("dereference-recursive", OptionValue.None, 'R'), ("exclude", OptionValue.Required, '\0'), ("exclude-from", OptionValue.Required, '\0'),
        ("exclude-dir", OptionValue.Required, '\0'), ("file", OptionValue.Required, 'f'), ("files-with-matches", OptionValue.None, 'l'),
        ("files-without-match", OptionValue.None, 'L'), ("group-separator", OptionValue.Required, '\0'), ("help", OptionValue.None, '\0'),
        ("include", OptionValue.Required, '\0'), ("ignore-case", OptionValue.None, 'i'), ("no-ignore-case", OptionValue.None, '\0'),
        ("initial-tab", OptionValue.None, 'T'), ("label", OptionValue.Required, '\0'), ("line-buffered", OptionValue.None, '\0'),
        ("line-number", OptionValue.None, 'n'), ("line-regexp", OptionValue.None, 'x'), ("max-count", OptionValue.Required, 'm'),
        ("no-filename", OptionValue.None, 'h'), ("no-group-separator", OptionValue.None, '\0'), ("no-messages", OptionValue.None, 's'),
        ("null", OptionValue.None, 'Z'), ("null-data", OptionValue.None, 'z'), ("only-matching", OptionValue.None, 'o'),
        ("quiet", OptionValue.None, 'q'), ("recursive", OptionValue.None, 'r'), ("regexp", OptionValue.Required, 'e'),
        ("invert-match", OptionValue.None, 'v'), ("silent", OptionValue.None, 'q'), ("text", OptionValue.None, 'a'),
        ("binary", OptionValue.None, 'U'), ("unix-byte-offsets", OptionValue.None, 'u'), ("version", OptionValue.None, 'V'),
        ("with-filename", OptionValue.None, 'H'), ("word-regexp", OptionValue.None, 'w'),
    ];

    private enum OptionValue
    {
        None,
        Required,
        Optional,
    }

    /// <summary>Reads grep's <paramref name="arguments"/> (the words after the program name).</summary>
    public static SearchCommandLine Read(IReadOnlyList<ShellWord> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var operands = new List<ShellWord>();
        var recursive = false;
        var readsDevices = false;
        var patternGiven = false;
        var optionsEnded = false;
        for (var i = 0; i < arguments.Count; i++)
        {
            var word = arguments[i].Value;
            if (optionsEnded || word.Length < 2 || word[0] != '-')
            {
                operands.Add(arguments[i]);
                continue;
            }

            if (word == "--")
            {
                optionsEnded = true;
                continue;
            }

            // The option's letter (its short form, for a long one) and its value, when it takes one.
            var read = word[1] == '-' ? ReadLong(word, arguments, ref i) : ReadCluster(word, arguments, ref i);
            if (read is null)
            {
                return Guess(arguments);
            }

            foreach (var (letter, value) in read)
            {
                recursive |= letter is 'r' or 'R' || (letter == 'd' && value is { Length: > 0 } && "recurse".StartsWith(value, StringComparison.Ordinal));
                readsDevices |= letter == 'D' && value is { Length: > 0 } && "read".StartsWith(value, StringComparison.Ordinal);
                patternGiven |= letter is 'e' or 'f';
            }
        }

        if (!patternGiven && operands.Count > 0)
        {
            operands.RemoveAt(0);
        }

        return new SearchCommandLine(recursive, operands, IsGuess: false) { ReadsDevices = readsDevices };
    }

    // The letters of a cluster up to the first that takes a value, which takes the rest of the word or the next word;
    // null for a letter grep does not know.
    private static List<(char Letter, string? Value)>? ReadCluster(string word, IReadOnlyList<ShellWord> arguments, ref int i)
    {
        var letters = new List<(char, string?)>();
        for (var j = 1; j < word.Length; j++)
        {
            var letter = word[j];
            if (ShortWithValue.Contains(letter, StringComparison.Ordinal))
            {
                var value = j < word.Length - 1 ? word[(j + 1)..] : ++i < arguments.Count ? arguments[i].Value : null;
                letters.Add((letter, value));
                return letters;
            }

            if (!ShortFlags.Contains(letter, StringComparison.Ordinal) && !char.IsAsciiDigit(letter))
            {
                return null;
            }

            letters.Add((letter, null));
        }

        return letters;
    }

    // A long option by its exact name or an abbreviation, as glibc's getopt_long resolves it: an exact name wins; several
    // candidates are ambiguous unless they all take their value the same way and stand for the same option (--col is
    // --color or --colour, one option). Null for an unknown or ambiguous name, or a value where none is taken.
    private static List<(char Letter, string? Value)>? ReadLong(string word, IReadOnlyList<ShellWord> arguments, ref int i)
    {
        var equals = word.IndexOf('=', StringComparison.Ordinal);
        var name = equals < 0 ? word[2..] : word[2..equals];
        var candidates = LongOptions.Where(option => option.Name == name).ToList();
        if (candidates.Count == 0)
        {
            candidates = LongOptions.Where(option => option.Name.StartsWith(name, StringComparison.Ordinal)).ToList();
        }

        if (candidates.Count == 0 || candidates.Any(candidate => candidate.Value != candidates[0].Value || candidate.Short != candidates[0].Short)
            || (candidates.Count > 1 && candidates[0].Short == '\0' && candidates.Any(candidate => candidate.Name != candidates[0].Name) && !AreSpellingsOfColor(candidates)))
        {
            return null;
        }

        var option = candidates[0];
        string? value = option.Value switch
        {
            OptionValue.None when equals >= 0 => null,
            OptionValue.None => string.Empty,
            OptionValue.Optional => equals >= 0 ? word[(equals + 1)..] : string.Empty,
            _ => equals >= 0 ? word[(equals + 1)..] : ++i < arguments.Count ? arguments[i].Value : string.Empty,
        };
        if (value is null)
        {
            // --recursive=x: getopt refuses a value for an option that takes none.
            return null;
        }

        return [(option.Short, option.Value == OptionValue.None ? null : value)];
    }

    // The options with no short form are told apart by name: only --color and --colour are one option spelled twice.
    private static bool AreSpellingsOfColor(List<(string Name, OptionValue Value, char Short)> candidates) =>
        candidates.All(candidate => candidate.Name is "color" or "colour");

    /// <summary>The strict reading of words that cannot be placed: recursive, every word that is not an option a file, and where it runs.</summary>
    public static SearchCommandLine Guess(IReadOnlyList<ShellWord> arguments) =>
        new(true, arguments.Where(argument => argument.Value.Length < 2 || argument.Value[0] != '-').ToList(), IsGuess: true) { ReadsDevices = true };

    /// <summary>True when grep reads where it runs: recursive with no file, or (a guess) with only the pattern for one.</summary>
    public bool ReadsWhereItRuns => Recursive && (Files.Count == 0 || IsGuess);
}
