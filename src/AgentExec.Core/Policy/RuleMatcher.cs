using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using AgentExec.Core.Commands;
using AgentExec.Core.Configuration;

namespace AgentExec.Core.Policy;

/// <summary>
/// Decides whether a rule's pattern matches a normalised simple command (SPEC.md "Policy", rules): equal
/// program names, the pattern's other non-flag tokens a prefix of the command's operands, and every
/// pattern option among the command's options, wherever they stand, compared through
/// <see cref="ProgramSpellings"/>. docs/rules.md describes the algorithm.
/// </summary>
/// <remarks>
/// The answer has three values because the command line is the attacker's: a word only known at run time
/// (<c>$X</c>, <c>*</c>, <c>$(…)</c>) could be whatever a rule names. For a tightening rule
/// (<c>prompt</c>, <c>forbidden</c>) such a part "might match", which asks; for an <c>allow</c> rule it
/// never matches. An <c>allow</c> rule also needs a part the parser fully understood, with a program
/// written as a bare name.
/// </remarks>
internal static partial class RuleMatcher
{
    /// <summary>How <paramref name="rule"/> relates to <paramref name="part"/>.</summary>
    public static RuleMatch Match(PolicyRule rule, CommandPart part)
    {
        if (rule.Pattern.Count == 0)
        {
            return RuleMatch.No;
        }

        var tightening = rule.Decision != RuleDecision.Allow;
        var program = ProgramName(rule.Pattern[0]);
        if (!part.ProgramIsFixed || ProgramMayBeReplaced(part))
        {
            return tightening ? RuleMatch.Maybe("the program's name is only known at run time") : RuleMatch.No;
        }

        if (!string.Equals(program, part.Program, StringComparison.Ordinal))
        {
            return tightening && MayHide(part, program)
                ? RuleMatch.Maybe($"the options of {part.Program} could not be read, so the command it runs is not known")
                : RuleMatch.No;
        }

        if (!tightening && !AllowMayApply(part))
        {
            return RuleMatch.No;
        }

        var pattern = PatternReadings.GetValue(rule, static rule => ArgumentReader.Read(ProgramSpellings.Find(ProgramName(rule.Pattern[0])), [.. rule.Pattern.Skip(1).Select(ArgumentToken.Fixed)], fork: false).All[0]);
        var readings = PartReadings.GetValue(part, ReadPart);
        return tightening ? Tightening(pattern, readings) : Loosening(pattern, readings);
    }

    // Each rule's pattern and each part's arguments are read once, not once per pair: a workspace config the agent wrote
    // with thousands of rules, against a line of thousands of parts, held a core for minutes per call (found by an
    // attack). The readings are only read after they are made. Keyed by the objects themselves, so they go with them.
    private static readonly ConditionalWeakTable<PolicyRule, ArgumentReading> PatternReadings = new();
    private static readonly ConditionalWeakTable<CommandPart, Readings> PartReadings = new();

    private static Readings ReadPart(CommandPart part)
    {
        var readings = ArgumentReader.Read(ProgramSpellings.Find(part.Program), Tokens(part), fork: true);
        if (part.TakesArgumentsFromInput)
        {
            // With -I, xargs puts what it reads anywhere, even after a "--".
            foreach (var reading in readings.All)
            {
                reading.AnyFlagPossible = true;
            }
        }

        return readings;
    }

    /// <summary>True when <paramref name="rule"/> certainly matches <paramref name="part"/>.</summary>
    public static bool Matches(PolicyRule rule, CommandPart part) => Match(rule, part).Kind == RuleMatchKind.Matches;

    private static RuleMatch Tightening(ArgumentReading pattern, Readings readings)
    {
        var possible = false;
        foreach (var reading in readings.All)
        {
            var kind = Compare(pattern, reading, tightening: true);
            if (kind == RuleMatchKind.Matches)
            {
                return RuleMatch.Yes;
            }

            possible |= kind == RuleMatchKind.MightMatch;
        }

        if (!readings.Complete)
        {
            return RuleMatch.Maybe("its options can be read in too many ways to rule the match out");
        }

        return possible ? RuleMatch.Maybe("an argument is only known at run time") : RuleMatch.No;
    }

    private static RuleMatch Loosening(ArgumentReading pattern, Readings readings) =>
        readings.Complete && readings.All.All(reading =>
            Compare(pattern, reading, tightening: false) == RuleMatchKind.Matches && PatternSpellsEveryOptionThatChangesWhatRuns(pattern, reading))
            ? RuleMatch.Yes
            : RuleMatch.No;

    // Global options are skipped before matching so that a tightening rule cannot be walked around by spelling; for a
    // loosening rule the same skipping would let "git log" allow "git -c diff.external=./x log -p --ext-diff" or
    // "git --git-dir=elsewhere log". An option that changes which program runs or what it reads
    // (OptionSpelling.ChangesWhatRuns) is allowed only as the rule writes it: same option, same fixed value.
    private static bool PatternSpellsEveryOptionThatChangesWhatRuns(ArgumentReading pattern, ArgumentReading command) =>
        command.Flags.Where(used => used.ChangesWhatRuns).All(used =>
            used.Certain
            && !used.ValueIsDynamic
            && pattern.Flags.Any(wanted =>
                wanted.Certain
                && wanted.Meanings.SequenceEqual(used.Meanings, StringComparer.Ordinal)
                && string.Equals(wanted.Value, used.Value, StringComparison.Ordinal)));

    private static RuleMatchKind Compare(ArgumentReading pattern, ArgumentReading command, bool tightening)
    {
        var operandsCertain = OperandsArePrefix(pattern.Operands, command.Operands);
        if (!operandsCertain && !OperandsCanBePrefix(pattern.Operands, command.Operands))
        {
            return RuleMatchKind.NoMatch;
        }

        var certain = operandsCertain;
        foreach (var wanted in pattern.Flags)
        {
            if (command.Flags.Any(used => Satisfies(used, wanted, tightening)))
            {
                continue;
            }

            var name = NameOf(wanted);
            var mayAppear = command.AnyFlagPossible
                || (wanted.Value is not null && command.Flags.Any(used => used.ValueIsDynamic && used.Meanings.Contains(name, StringComparer.Ordinal)));
            if (!mayAppear)
            {
                return RuleMatchKind.NoMatch;
            }

            certain = false;
        }

        return certain ? RuleMatchKind.Matches : RuleMatchKind.MightMatch;
    }

    private static bool Satisfies(ReadFlag used, ReadFlag wanted, bool tightening)
    {
        var name = NameOf(wanted);
        var named = ((used.Certain || tightening) && used.Meanings.Contains(name, StringComparer.Ordinal))
            || (tightening && !used.Known && IsAbbreviationOf(used.Written, name));
        return named && (wanted.Value is null || (!used.ValueIsDynamic && string.Equals(used.Value, wanted.Value, StringComparison.Ordinal)));
    }

    // For an option the table does not know, "--forc" may be the program's abbreviation of a pattern's "--force".
    private static bool IsAbbreviationOf(string written, string name) =>
        written.Length > 2 && written.StartsWith("--", StringComparison.Ordinal) && name.StartsWith(written, StringComparison.Ordinal);

    private static string NameOf(ReadFlag patternFlag) => patternFlag.Certain ? patternFlag.Meanings[0] : patternFlag.Written;

    private static bool OperandsArePrefix(List<ReadOperand> pattern, List<ReadOperand> command)
    {
        if (pattern.Count > command.Count)
        {
            return false;
        }

        for (var i = 0; i < pattern.Count; i++)
        {
            if (command[i] is not { Value: { } value, Min: 1, Max: 1 } || !string.Equals(value, pattern[i].Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    // Whether run-time words could make the pattern's operands a prefix of the command's.
    private static bool OperandsCanBePrefix(List<ReadOperand> pattern, List<ReadOperand> command)
    {
        var memo = new bool?[pattern.Count + 1, command.Count + 1];
        return From(0, 0);

        bool From(int p, int c)
        {
            if (p == pattern.Count)
            {
                return true;
            }

            if (c == command.Count)
            {
                return false;
            }

            if (memo[p, c] is { } known)
            {
                return known;
            }

            var slot = command[c];
            bool result;
            if (slot.Value is { } value)
            {
                result = string.Equals(value, pattern[p].Value, StringComparison.Ordinal) && From(p + 1, c + 1);
            }
            else if (slot.Max >= pattern.Count - p)
            {
                result = true;
            }
            else
            {
                result = false;
                for (var n = slot.Min; n <= slot.Max && !result; n++)
                {
                    result = From(p + n, c + 1);
                }
            }

            memo[p, c] = result;
            return result;
        }
    }

    private static List<ArgumentToken> Tokens(CommandPart part)
    {
        var tokens = new List<ArgumentToken>(part.Arguments.Count + 1);
        var replaces = Replaces(part);
        for (var i = 0; i < part.Arguments.Count; i++)
        {
            var text = part.Arguments[i];
            var placeholder = text.Contains("{}", StringComparison.Ordinal);

            // Under xargs -I any operand may be the replace string, so any may become what xargs reads; a flag
            // kept as written only makes a tightening rule match more.
            var kind = !part.ArgumentIsFixed(i) ? (SingleWord().IsMatch(text) ? ArgumentTokenKind.DynamicWord : ArgumentTokenKind.Dynamic)
                : part.TakesArgumentsFromInput && (placeholder || (replaces && !FlagSet.IsFlag(text))) ? ArgumentTokenKind.Dynamic
                : part.RunByFind && placeholder ? ArgumentTokenKind.FoundFiles
                : ArgumentTokenKind.Fixed;
            tokens.Add(new ArgumentToken(text, kind));
        }

        if (part.TakesArgumentsFromInput)
        {
            tokens.Add(new ArgumentToken(string.Empty, ArgumentTokenKind.Dynamic));
        }

        return tokens;
    }

    // The part's text still holds the xargs options (its Text is the whole simple command); -I, -i or
    // --replace make xargs substitute what it reads for a replace string the part does not carry.
    private static bool Replaces(CommandPart part) => part.TakesArgumentsFromInput && XargsReplace().IsMatch(part.Text);

    // find -exec {} runs the files it finds, and xargs -I P P runs what it reads: the program is not known.
    private static bool ProgramMayBeReplaced(CommandPart part)
    {
        if ((part.RunByFind || part.TakesArgumentsFromInput) && part.Program.Contains("{}", StringComparison.Ordinal))
        {
            return true;
        }

        if (!Replaces(part))
        {
            return false;
        }

        var name = Regex.Escape(part.Program);
        return Regex.Count(part.Text, $@"(?<!\S){name}(?!\S)") >= 2
            || Regex.IsMatch(part.Text, $@"(?<!\S)(-[^\s-]*[Ii]|--replace=){name}(?!\S)");
    }

    // A loosening rule needs the whole truth: every word fixed, a program found by name, nothing unread, and nothing
    // around the program (a variable set for it, sudo, env -C, chroot) that changes how it runs: the rule names a
    // program and its words, not what surrounds them.
    private static bool AllowMayApply(CommandPart part) =>
        part.IsUnderstood
        && part.ProgramIsBareName
        && part.RunsUnchangedBySurroundings
        && !part.TakesArgumentsFromInput
        && part.FixedArguments.Count == part.Arguments.Count
        && part.FixedArguments.All(isFixed => isFixed)
        && !(part.RunByFind && part.Arguments.Any(argument => argument.Contains("{}", StringComparison.Ordinal)));

    // A wrapper whose options could not be read (sudo --bogus git push) still runs whatever follows them.
    private static bool MayHide(CommandPart part, string program) =>
        !part.IsUnderstood
        && CommandWrappers.IsWrapper(part.Program)
        && part.Arguments.Select((argument, index) => !part.ArgumentIsFixed(index) || ProgramName(argument) == program).Any(hit => hit);

    // A rule written as ["/bin/rm", ...] means rm: the same reduction the parser applies to commands.
    private static string ProgramName(string program)
    {
        var slash = program.LastIndexOf('/');
        return slash >= 0 ? program[(slash + 1)..] : program;
    }

    [GeneratedRegex(@"(?<!\S)(-[^\s-]*[Ii]|--rep)")]
    private static partial Regex XargsReplace();

    // A double-quoted word whose only expansions are plain $name / ${name}: exactly one word at run time.
    [GeneratedRegex(@"^""(?:[^""\\$`]|\$[A-Za-z_][A-Za-z0-9_]*|\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[0-9])*""$")]
    private static partial Regex SingleWord();
}
