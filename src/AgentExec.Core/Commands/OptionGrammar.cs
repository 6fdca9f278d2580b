namespace AgentExec.Core.Commands;

/// <summary>
/// The options a program may be given in a known-safe run, and how the program itself reads them (SPEC.md
/// "Policy", step 3a): GNU <c>getopt_long</c> rules — clusters of short options, a short option's value attached
/// or in the next word, <c>--name=value</c> or <c>--name value</c>, options anywhere before <c>--</c>.
/// </summary>
/// <remarks>
/// It is an allow-list: an option not named here refutes the proof, whatever it does. Long options must be
/// spelled in full: GNU programs accept any unambiguous abbreviation (<c>sort --out=f</c> is <c>--output</c>),
/// and an abbreviation is the one spelling whose meaning depends on the other options the program has, so none
/// is accepted.
/// </remarks>
internal sealed record OptionGrammar
{
    /// <summary>Short options that take no value (<c>"nr"</c> for <c>-n</c> and <c>-r</c>).</summary>
    public string ShortFlags { get; init; } = string.Empty;

    /// <summary>Short options that take a value, attached (<c>-k2</c>) or in the next word (<c>-k 2</c>).</summary>
    public string ShortWithValue { get; init; } = string.Empty;

    /// <summary>Long options (without <c>--</c>) that take no value.</summary>
    public IReadOnlySet<string> LongFlags { get; init; } = new HashSet<string>();

    /// <summary>Long options that take a value, as <c>--name=value</c> or <c>--name value</c>.</summary>
    public IReadOnlySet<string> LongWithValue { get; init; } = new HashSet<string>();

    /// <summary>Long options whose value is optional and can only be attached (<c>--color</c>, <c>--color=never</c>).</summary>
    public IReadOnlySet<string> LongOptionalValue { get; init; } = new HashSet<string>();

    /// <summary>True when <c>-NUM</c> is an option (<c>head -5</c>, <c>git log -3</c>).</summary>
    public bool NumericOption { get; init; }

    /// <summary>
    /// True when a short option that takes a value must be a word of its own (<c>-L 2</c>): programs with a parser of
    /// their own, such as tree's, take the value from the next word and go on reading the cluster (<c>-Po x out</c>
    /// is <c>-P x -o out</c>).
    /// </summary>
    public bool ValueOptionsAlone { get; init; }

    /// <summary>
    /// True for a program that does not read its options the getopt way throughout (git: its revision options take a
    /// value only when attached, <c>-U5</c>, <c>--min-parents=2</c>, and it does not split every cluster): a value the
    /// grammar would take from the next word must then not begin with <c>-</c>, since the program may read that word as
    /// an option of its own. An attack hid <c>--output=FILE</c> behind a bare <c>-U</c> that way.
    /// </summary>
    public bool OptionLikeValuesRefused { get; init; }

    /// <summary>
    /// Value options (as <c>-U</c> or <c>--unified</c>, listed among the short or long options with a value) whose
    /// value the program takes only when attached (git's <c>-U5</c>, <c>--unified=5</c>): given alone, the option takes
    /// no value and the next word is read on its own, as the program reads it. Taken as the option's value, that word
    /// was no operand to the proof: <c>git diff -U DIR FILE</c> compared <c>DIR/FILE</c> (a credential) while the
    /// proof saw one operand.
    /// </summary>
    public IReadOnlySet<string> ValueOnlyAttached { get; init; } = new HashSet<string>();

    /// <summary>The most operands (non-option words) allowed, or null for any number.</summary>
    public int? MaxOperands { get; init; }

    /// <summary>A set of option names, compared exactly, for the grammar's lists.</summary>
    public static HashSet<string> Names(params string[] names) => new(names, StringComparer.Ordinal);

    /// <summary>
    /// Reads <paramref name="arguments"/> (every word already known to be literal); returns the operands in
    /// order, or the reason the arguments are not on the allow-list.
    /// </summary>
    public OptionReading Read(string program, IReadOnlyList<string> arguments)
    {
        var operands = new List<string>();
        var operandPositions = new List<int>();
        var options = new List<ReadOption>();
        var optionsEnded = false;
        for (var i = 0; i < arguments.Count; i++)
        {
            var word = arguments[i];
            if (optionsEnded || word.Length < 2 || word[0] != '-')
            {
                operands.Add(word);
                operandPositions.Add(i);
                continue;
            }

            if (word == "--")
            {
                optionsEnded = true;
                continue;
            }

            string? refusal;
            if (word.StartsWith("--", StringComparison.Ordinal))
            {
                refusal = ReadLong(program, word, arguments, ref i, options);
            }
            else
            {
                refusal = ReadShortCluster(program, word, arguments, ref i, options);
            }

            if (refusal is not null)
            {
                return OptionReading.Refused(refusal);
            }
        }

        if (operands.Count > MaxOperands)
        {
            return OptionReading.Refused($"{program} with more than {MaxOperands} operand{(MaxOperands == 1 ? string.Empty : "s")} writes the extra one");
        }

        return new OptionReading(operands, options, null) { OperandPositions = operandPositions };
    }

    private string? ReadLong(string program, string word, IReadOnlyList<string> arguments, ref int i, List<ReadOption> options)
    {
        var equals = word.IndexOf('=', StringComparison.Ordinal);
        var name = equals < 0 ? word[2..] : word[2..equals];
        if (LongFlags.Contains(name) && equals < 0)
        {
            options.Add(new ReadOption("--" + name, null));
            return null;
        }

        if (LongOptionalValue.Contains(name))
        {
            options.Add(new ReadOption("--" + name, equals < 0 ? null : word[(equals + 1)..]));
            return null;
        }

        if (LongWithValue.Contains(name))
        {
            if (equals < 0 && ValueOnlyAttached.Contains("--" + name))
            {
                return ReadAlone(program, "--" + name, arguments, i, options);
            }

            if (equals < 0 && ++i >= arguments.Count)
            {
                return $"{program} --{name} lacks its value";
            }

            if (equals < 0 && OptionLikeValue(program, "--" + name, arguments[i]) is { } optionLike)
            {
                return optionLike;
            }

            options.Add(new ReadOption("--" + name, equals < 0 ? arguments[i] : word[(equals + 1)..]));
            return null;
        }

        return $"{program} {(equals < 0 ? word : word[..equals])} is not on {program}'s option allow-list";
    }

    private string? ReadShortCluster(string program, string word, IReadOnlyList<string> arguments, ref int i, List<ReadOption> options)
    {
        if (NumericOption && word.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0)
        {
            options.Add(new ReadOption(word, null));
            return null;
        }

        for (var j = 1; j < word.Length; j++)
        {
            var letter = word[j];
            if (ShortWithValue.Contains(letter, StringComparison.Ordinal))
            {
                if (ValueOptionsAlone && word.Length != 2)
                {
                    return $"{program} -{letter} must stand alone ({program} reads its options its own way)";
                }

                if (j == word.Length - 1 && ValueOnlyAttached.Contains("-" + letter))
                {
                    return ReadAlone(program, "-" + letter, arguments, i, options);
                }

                if (j == word.Length - 1 && ++i >= arguments.Count)
                {
                    return $"{program} -{letter} lacks its value";
                }

                if (j == word.Length - 1 && OptionLikeValue(program, "-" + letter, arguments[i]) is { } optionLike)
                {
                    return optionLike;
                }

                options.Add(new ReadOption("-" + letter, j == word.Length - 1 ? arguments[i] : word[(j + 1)..]));
                return null;
            }

            if (!ShortFlags.Contains(letter, StringComparison.Ordinal))
            {
                return $"{program} -{letter} is not on {program}'s option allow-list";
            }

            options.Add(new ReadOption("-" + letter, null));
        }

        return null;
    }

    // A value option given alone whose value the program takes only attached: it has no value, and the next word is read
    // on its own. A next word that begins with "-" is still refused as the other value options' is, which keeps the
    // reason the same whichever way the option is read.
    private string? ReadAlone(string program, string option, IReadOnlyList<string> arguments, int i, List<ReadOption> options)
    {
        if (i + 1 < arguments.Count && OptionLikeValue(program, option, arguments[i + 1]) is { } optionLike)
        {
            return optionLike;
        }

        options.Add(new ReadOption(option, null));
        return null;
    }

    private string? OptionLikeValue(string program, string option, string value) =>
        OptionLikeValuesRefused && value.StartsWith('-')
            ? $"{program} {option} followed by {value}: {program} may read that word as an option, not as {option}'s value"
            : null;
}
