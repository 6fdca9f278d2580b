namespace AgentExec.Core.Commands;

/// <summary>Parses a <c>bash -c</c> command line into classified simple commands (SPEC.md "Policy", steps 1–3).</summary>
/// <remarks>
/// <para>
/// The line is read by a hand-written lexer and recursive-descent parser. Every simple command becomes a
/// <see cref="CommandPart"/>: the ones in <c>$(…)</c>, backticks, <c>&lt;(…)</c>/<c>&gt;(…)</c>, unquoted
/// here-documents, nested <c>bash -c</c>/<c>sh -c</c> scripts, static <c>eval</c> strings and
/// <c>find -exec</c> one depth further down. A part's program is normalised (path reduced to its name,
/// wrappers such as <c>sudo</c>, <c>env</c>, <c>timeout</c>, <c>xargs</c> unwrapped); a command with no
/// command word (<c>a=1</c>, <c>&gt; f</c>) has an empty program.
/// </para>
/// <para>
/// Whatever the parser cannot fully account for — control structures, function definitions,
/// <c>eval</c>, <c>source</c>, unbalanced quotes, a program name computed at run time, nesting deeper
/// than <see cref="MaxNestingDepth"/> — sets <see cref="CommandAnalysis.UnknownReason"/>; the parts it did
/// understand are still listed. It never throws.
/// </para>
/// <para>
/// Security caveats: code that only exists at run time (<c>curl … | sh</c>, <c>bash -c "$X"</c>,
/// <c>eval "$X"</c>, <c>$CMD args</c>) is dangerous, and so is an expansion that could supply a dangerous
/// flag (<c>rm $X</c>, <c>rm *</c>, <c>xargs rm</c>), because nobody can read what will run. Wrappers that
/// are not modelled (<c>watch</c>, <c>flock</c>, <c>ssh</c>, <c>parallel</c>…) are ordinary programs, so a
/// dangerous command inside them is not seen; the sandbox still applies.
/// </para>
/// </remarks>
public static class CommandAnalyzer
{
    /// <summary>The deepest nesting of substitutions and nested scripts analysed; anything deeper makes the line unknown.</summary>
    public const int MaxNestingDepth = 8;

    // The kernel refuses a single argument longer than this (MAX_ARG_STRLEN), so bash -c could not run it.
    private const int MaxLength = 128 * 1024;

    /// <summary>Analyses <paramref name="commandLine"/> with no machine to judge it against (<see cref="AnalysisContext.Detached"/>).</summary>
    public static CommandAnalysis Analyze(string commandLine) => Analyze(commandLine, AnalysisContext.Detached);

    /// <summary>Analyses <paramref name="commandLine"/>, the script that will run as <c>bash -c</c> in <paramref name="context"/>.</summary>
    public static CommandAnalysis Analyze(string commandLine, AnalysisContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        commandLine ??= string.Empty;
        if (string.IsNullOrWhiteSpace(commandLine))
        {
            return Unknown(commandLine, "the command line is empty");
        }

        if (commandLine.Length > MaxLength)
        {
            return Unknown(commandLine, "the command line is too long to analyse");
        }

        if (commandLine.Contains('\0', StringComparison.Ordinal))
        {
            return Unknown(commandLine, "the command line contains a NUL character");
        }

        var state = new ParseState();
        var collector = new PartCollector(state, context);
        CommandPart? failure = null;
        try
        {
            var script = ShellParser.ParseScript(commandLine, state);
            collector.AddScript(script, depth: 0);
            if (ReadingOrder.SecondReadingStart(commandLine, state, collector) is { } start)
            {
                collector = new PartCollector(state, context, start, collector.Lookups);
                collector.AddScript(script, depth: 0);
            }
        }
#pragma warning disable CA1031 // Fail closed: any bug in the analysis makes the line unknown instead of crashing the caller.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            // The parts collected before the failure say nothing about the rest of the line, which may hold anything:
            // the line is also given a dangerous part, so every policy but never asks (never refuses) instead of
            // running what was never looked at because it is merely unknown.
            var reason = $"the analysis failed ({exception.GetType().Name}), so the rest of the line was never looked at";
            state.MarkUnknown(reason);
            failure = new CommandPart(commandLine, string.Empty, [], [], CommandSafety.Dangerous, reason, Depth: 0);
        }

        if (collector.Parts.Count == 0 && failure is null)
        {
            state.MarkUnknown("the line runs no command");
        }

        var parts = failure is null ? collector.Parts : [.. collector.Parts, failure];
        if (KnownSafeProof.RefuteLine(state.Constructs) is { } lineRefusal)
        {
            parts = [.. parts.Select(part => part.Safety == CommandSafety.KnownSafe ? part with { Safety = CommandSafety.Ordinary, Reason = lineRefusal } : part)];
        }

        return new CommandAnalysis(commandLine, [.. parts], [.. state.Constructs], state.UnknownReason);
    }

    private static CommandAnalysis Unknown(string commandLine, string reason) => new(commandLine, [], [], reason);
}
