using AgentExec.Core.Commands;

namespace AgentExec.Core.Policy;

/// <summary>
/// Reads a command's arguments with its program's <see cref="ProgramSpelling"/> into operands and options,
/// in every way the words could be read when the table cannot decide.
/// </summary>
/// <remarks>
/// <para>
/// Global options and their values are skipped before the subcommand; short clusters split (<c>-Rf</c> is
/// <c>-R -f</c>) until a letter that takes a value (<c>-XPOST</c>); long options expand their GNU
/// abbreviations; <c>--flag=value</c> reads as <c>--flag value</c>. An option the table does not know may or
/// may not take the next word, so the reader forks there: a tightening rule matches when any reading
/// matches, an <c>allow</c> rule only when every reading does.
/// </para>
/// <para>
/// A word only known at run time may, after word splitting, globbing or brace expansion, be any number of
/// words, options included; it becomes an operand slot of any length and makes any option possible.
/// </para>
/// </remarks>
internal sealed class ArgumentReader
{
    /// <summary>The most readings followed; past it the reading is not exhaustive (<see cref="Readings.Complete"/> is false).</summary>
    public const int MaxReadings = 64;

    private readonly ProgramSpelling? program;
    private readonly IReadOnlyList<ArgumentToken> tokens;
    private readonly bool fork;
    private readonly List<ArgumentReading> done = [];
    private readonly Stack<(int Index, State State, ArgumentReading Reading)> pending = new();
    private bool truncated;

    private ArgumentReader(ProgramSpelling? program, IReadOnlyList<ArgumentToken> tokens, bool fork)
    {
        this.program = program;
        this.tokens = tokens;
        this.fork = fork;
    }

    /// <summary>The readings of <paramref name="tokens"/> for <paramref name="program"/> (null when the table does not know it); <paramref name="fork"/> false reads an unknown option as taking no value, once.</summary>
    public static Readings Read(ProgramSpelling? program, IReadOnlyList<ArgumentToken> tokens, bool fork)
    {
        var reader = new ArgumentReader(program, tokens, fork);
        var scope = program is { HasSubcommands: false } ? program.Options : program?.Options ?? CommandSpelling.Unknown;
        reader.pending.Push((0, new State(scope, SubcommandSeen: program is not { HasSubcommands: true }, EndOfFlags: false), new ArgumentReading()));
        while (reader.pending.Count > 0)
        {
            var (index, state, reading) = reader.pending.Pop();
            reader.Walk(index, state, reading);
        }

        return new Readings(reader.done, !reader.truncated);
    }

    private void Walk(int index, State state, ArgumentReading reading)
    {
        var i = index;
        while (i < tokens.Count)
        {
            var token = tokens[i];
            if (!token.IsFixed)
            {
                ReadDynamic(token, state, reading);
                i++;
                continue;
            }

            var text = token.Text;
            if (!state.EndOfFlags && text == FlagSet.EndOfFlags)
            {
                state = state with { EndOfFlags = true };
                i++;
                continue;
            }

            if (state.EndOfFlags || !FlagSet.IsFlag(text))
            {
                i = ReadOperand(i, ref state, reading);
                continue;
            }

            var scope = state.Scope;
            i = scope.SingleDashOptions || text.StartsWith("--", StringComparison.Ordinal)
                ? ReadLong(i, state, reading)
                : ReadShort(i, state, reading);
        }

        done.Add(reading);
    }

    private static void ReadDynamic(ArgumentToken token, State state, ArgumentReading reading)
    {
        if (token.Kind == ArgumentTokenKind.FoundFiles)
        {
            reading.Operands.Add(Policy.ReadOperand.Any);
            return;
        }

        var mayBeFlag = !state.EndOfFlags && token.MayBeFlag;
        reading.AnyFlagPossible |= mayBeFlag;
        reading.Operands.Add(token.Kind == ArgumentTokenKind.DynamicWord
            ? new ReadOperand(null, mayBeFlag ? 0 : 1, 1)
            : Policy.ReadOperand.Any);
    }

    private int ReadOperand(int i, ref State state, ArgumentReading reading)
    {
        var text = tokens[i].Text;
        if (!state.SubcommandSeen && program is not null)
        {
            var second = i + 1 < tokens.Count && tokens[i + 1].IsFixed ? tokens[i + 1].Text : null;
            var subcommand = program.Subcommand(text, second, out var usedSecond);
            reading.Operands.Add(Policy.ReadOperand.Fixed(subcommand));
            state = state with { Scope = program.OptionsOf(subcommand), SubcommandSeen = true };
            return i + (usedSecond ? 2 : 1);
        }

        reading.Operands.Add(Policy.ReadOperand.Fixed(text));
        if (text.Length > 0 && state.Scope.OperandMarks.TryGetValue(text[0], out var meaning))
        {
            reading.Flags.Add(new ReadFlag(text, [meaning], Certain: true, Known: true, Value: null, ValueIsDynamic: false));
        }

        return i + 1;
    }

    private int ReadLong(int i, State state, ArgumentReading reading)
    {
        var text = tokens[i].Text;
        var single = state.Scope.SingleDashOptions && !text.StartsWith("--", StringComparison.Ordinal);
        var equals = single ? -1 : text.IndexOf('=', StringComparison.Ordinal);
        var name = equals < 0 ? text : text[..equals];
        string? attached = equals < 0 ? null : text[(equals + 1)..];

        var option = Exact(state, name);
        if (option is null && !single && name.Length > 2)
        {
            var candidates = Abbreviated(state, name);
            if (candidates.Count == 1)
            {
                option = candidates[0];
            }
            else if (candidates.Count > 1)
            {
                // An ambiguous abbreviation is an error to the program; reading it as every candidate errs strict.
                reading.Flags.Add(new ReadFlag(name, [.. candidates.SelectMany(c => c.Meanings)], Certain: false, Known: true, attached, ValueIsDynamic: false)
                {
                    ChangesWhatRuns = candidates.Any(candidate => candidate.ChangesWhatRuns),
                });
                return i + 1;
            }
        }

        return option is null
            ? ReadUnknown(i, name, attached, state, reading)
            : ReadKnown(i, option, name, attached, state, reading);
    }

    private int ReadShort(int i, State state, ArgumentReading reading)
    {
        var text = tokens[i].Text;

        // A multi-letter short spelling (npm's -ws) wins over splitting the cluster.
        if (text.Length > 2 && Exact(state, text) is { } whole)
        {
            return ReadKnown(i, whole, text, attached: null, state, reading);
        }

        for (var j = 1; j < text.Length; j++)
        {
            var letter = string.Concat("-", text.AsSpan(j, 1));
            var rest = j + 1 < text.Length ? text[(j + 1)..] : null;
            var option = Exact(state, letter);
            if (option is null)
            {
                if (rest is null)
                {
                    return ReadUnknown(i, letter, attached: null, state, reading);
                }

                reading.Flags.Add(new ReadFlag(letter, [letter], Certain: true, Known: false, Value: null, ValueIsDynamic: false));
                continue;
            }

            if (option.Arity is OptionArity.Required or OptionArity.AttachedOnly or OptionArity.Unsure && rest is not null)
            {
                return ReadKnown(i, option, letter, rest, state, reading);
            }

            if (rest is null || option.Arity != OptionArity.None)
            {
                return ReadKnown(i, option, letter, attached: null, state, reading);
            }

            reading.Flags.Add(new ReadFlag(letter, [.. option.Meanings], Certain: true, Known: true, Value: null, ValueIsDynamic: false) { ChangesWhatRuns = option.ChangesWhatRuns });
        }

        return i + 1;
    }

    private int ReadKnown(int i, OptionSpelling option, string written, string? attached, State state, ArgumentReading reading)
    {
        var meanings = option.Meanings.ToArray();
        if (attached is not null || option.Arity is OptionArity.None or OptionArity.AttachedOnly)
        {
            reading.Flags.Add(new ReadFlag(written, meanings, Certain: true, Known: true, attached, ValueIsDynamic: false) { ChangesWhatRuns = option.ChangesWhatRuns });
            return i + 1;
        }

        if (option.Arity == OptionArity.Command)
        {
            // find -exec: the command up to ";" or "{} +" is a part of its own, matched there.
            reading.Flags.Add(new ReadFlag(written, meanings, Certain: true, Known: true, Value: null, ValueIsDynamic: false) { ChangesWhatRuns = option.ChangesWhatRuns });
            var end = i + 1;
            while (end < tokens.Count && !EndsFindCommand(end))
            {
                end++;
            }

            return end + 1;
        }

        if (i + 1 >= tokens.Count)
        {
            reading.Flags.Add(new ReadFlag(written, meanings, Certain: true, Known: true, Value: null, ValueIsDynamic: false) { ChangesWhatRuns = option.ChangesWhatRuns });
            return i + 1;
        }

        if (option.Arity == OptionArity.Unsure)
        {
            return ReadEitherWay(i, written, meanings, known: true, state, reading, option.ChangesWhatRuns);
        }

        var value = tokens[i + 1];
        reading.Flags.Add(new ReadFlag(written, meanings, Certain: true, Known: true, value.IsFixed ? value.Text : null, ValueIsDynamic: !value.IsFixed) { ChangesWhatRuns = option.ChangesWhatRuns });
        if (value.Kind == ArgumentTokenKind.Dynamic)
        {
            // The value may split into more words than the one the option takes.
            ReadDynamic(value, state, reading);
        }

        return i + 2;
    }

    private int ReadUnknown(int i, string written, string? attached, State state, ArgumentReading reading)
    {
        if (attached is not null)
        {
            reading.Flags.Add(new ReadFlag(written, [written], Certain: true, Known: false, attached, ValueIsDynamic: false));
            return i + 1;
        }

        return ReadEitherWay(i, written, [written], known: false, state, reading);
    }

    // An option that may or may not take the next word: this reading does not, a forked one does.
    private int ReadEitherWay(int i, string written, IReadOnlyList<string> meanings, bool known, State state, ArgumentReading reading, bool changesWhatRuns = false)
    {
        var next = i + 1 < tokens.Count ? tokens[i + 1] : default;
        var canTakeNext = fork && i + 1 < tokens.Count && next.IsFixed && !FlagSet.IsFlag(next.Text) && next.Text != FlagSet.EndOfFlags;
        if (canTakeNext)
        {
            if (done.Count + pending.Count + 1 >= MaxReadings)
            {
                truncated = true;
            }
            else
            {
                var taking = reading.Copy();
                taking.Flags.Add(new ReadFlag(written, meanings, Certain: true, known, next.Text, ValueIsDynamic: false) { ChangesWhatRuns = changesWhatRuns });
                pending.Push((i + 2, state, taking));
            }
        }

        reading.Flags.Add(new ReadFlag(written, meanings, Certain: true, known, Value: null, ValueIsDynamic: false) { ChangesWhatRuns = changesWhatRuns });
        return i + 1;
    }

    private bool EndsFindCommand(int index)
    {
        var token = tokens[index];
        return token.IsFixed && (token.Text == ";" || (token.Text == "+" && tokens[index - 1].IsFixed && tokens[index - 1].Text == "{}"));
    }

    private OptionSpelling? Exact(State state, string spelling) =>
        state.Scope.Exact(spelling) ?? (GlobalsApply(state) ? program!.Options.Exact(spelling) : null);

    private List<OptionSpelling> Abbreviated(State state, string prefix)
    {
        var found = state.Scope.Abbreviated(prefix).ToList();
        if (GlobalsApply(state))
        {
            found.AddRange(program!.Options.Abbreviated(prefix).Where(option => !found.Contains(option)));
        }

        return found;
    }

    private bool GlobalsApply(State state) =>
        program is { HasSubcommands: true, GlobalOptionsAnywhere: true } && state.SubcommandSeen;

    /// <summary>Where a reading stands: the options in force, whether the subcommand was read, whether <c>--</c> ended the options.</summary>
    private readonly record struct State(CommandSpelling Scope, bool SubcommandSeen, bool EndOfFlags);
}
