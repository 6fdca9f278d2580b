namespace AgentExec.Core.Commands;

/// <summary>
/// One simple command of a command line, normalised for matching and classified, with the evidence
/// for its verdict.
/// </summary>
/// <param name="Text">The part's source text as it stood in the line (for explanations).</param>
/// <param name="Program">The program's name after normalisation: path reduced to its name, wrappers unwrapped (<c>/usr/bin/env FOO=1 nohup rm</c> → <c>rm</c>).</param>
/// <param name="Arguments">The arguments after the program, unquoted, as the program will see them (dynamic words keep their source text).</param>
/// <param name="Wrappers">Wrappers that were unwrapped, outermost first (<c>sudo</c>, <c>env</c>, <c>timeout</c>…).</param>
/// <param name="Safety">The built-in verdict.</param>
/// <param name="Reason">Why the classifier gave that verdict, in a short phrase (<c>"rm with -r/-f"</c>, <c>"read-only command"</c>, <c>"writes a file through a redirection"</c>).</param>
/// <param name="Depth">0 for the line itself; 1 and more inside nested <c>bash -c</c> scripts or command substitutions.</param>
public sealed record CommandPart(
    string Text,
    string Program,
    IReadOnlyList<string> Arguments,
    IReadOnlyList<string> Wrappers,
    CommandSafety Safety,
    string Reason,
    int Depth)
{
    // Every flag below defaults to the reading that gives the least away: a part built without them is
    // dynamic, not understood and named by a path, so tightening rules can only "might match" it and
    // allow rules never match it (SPEC.md "Policy": when in doubt, a tightening rule matches and a
    // loosening rule does not).

    /// <summary>True when the program's name is fixed before bash runs the line (not <c>$CMD</c>).</summary>
    public bool ProgramIsFixed { get; init; }

    /// <summary>True when the program was written as a bare name and no wrapper ran a file outside the system directories; a rule written for <c>make</c> then means the <c>make</c> found on <c>PATH</c>.</summary>
    public bool ProgramIsBareName { get; init; }

    /// <summary>Per argument, true when its value is fixed before bash runs the line; an argument without an entry counts as dynamic.</summary>
    public IReadOnlyList<bool> FixedArguments { get; init; } = [];

    /// <summary>True when the parser accounted for the whole part: its wrappers' options were read and nothing in it was beyond the analysis.</summary>
    public bool IsUnderstood { get; init; }

    /// <summary>
    /// True when nothing around the program changes how it runs: no variable is set for it (<c>A=1 cmd</c>,
    /// <c>env A=1 cmd</c>) and no wrapper runs it in another directory, environment or as another user
    /// (<c>env -C</c>, <c>sudo</c>, <c>chroot</c>); only then may an <c>allow</c> rule match it.
    /// </summary>
    public bool RunsUnchangedBySurroundings { get; init; }

    /// <summary>True when <c>xargs</c> adds arguments read from its input (anywhere, with <c>-I</c>), so more arguments exist at run time than are written.</summary>
    public bool TakesArgumentsFromInput { get; init; }

    /// <summary>True for a command that <c>find -exec</c>/<c>-ok</c> runs, where a word holding <c>{}</c> becomes the file names find found.</summary>
    public bool RunByFind { get; init; }

    /// <summary>True when argument <paramref name="index"/> is known to be fixed.</summary>
    public bool ArgumentIsFixed(int index) => index < FixedArguments.Count && FixedArguments[index];
}
