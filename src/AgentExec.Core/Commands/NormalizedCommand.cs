namespace AgentExec.Core.Commands;

/// <summary>A simple command after normalisation: the program that really runs, its arguments, and what the wrappers added.</summary>
/// <param name="Command">The simple command as parsed.</param>
/// <param name="Program">The program's name (empty for a bare assignment or redirection; the source text when it is computed at run time).</param>
/// <param name="Arguments">The program's arguments.</param>
/// <param name="Wrappers">The wrappers unwrapped, outermost first.</param>
internal sealed record NormalizedCommand(
    SimpleCommand Command,
    string Program,
    IReadOnlyList<ShellWord> Arguments,
    IReadOnlyList<string> Wrappers)
{
    /// <summary>True when the program's name is only known at run time (<c>$CMD args</c>).</summary>
    public bool ProgramIsComputed { get; init; }

    /// <summary>True when the program (after the wrappers) was written as a path rather than a bare name.</summary>
    public bool ProgramGivenByPath { get; init; }

    /// <summary>True when variables are set for the program (<c>A=1 cmd</c>, <c>env A=1 cmd</c>).</summary>
    public bool SetsVariables { get; init; }

    /// <summary>True when a wrapper runs the program in another directory (<c>env -C DIR</c>, <c>sudo -D DIR</c>).</summary>
    public bool WrapperChangesDirectory { get; init; }

    /// <summary>True when a wrapper changes the environment other than by assigning, or what the name means (<c>env -i</c>, <c>env -u</c>, <c>exec -a</c>, <c>exec -c</c>).</summary>
    public bool WrapperChangesEnvironment { get; init; }

    /// <summary>True when the program, or a wrapper, is a file outside the system directories.</summary>
    public bool RunsFileOutsideSystemDirectories { get; init; }

    /// <summary>True when <c>xargs</c> appends arguments read from its input.</summary>
    public bool ReadsArgumentsFromInput { get; init; }

    /// <summary>The strictest verdict the wrappers impose (<c>sudo</c>), if any.</summary>
    public Verdict? ImposedByWrappers { get; init; }

    /// <summary>Why the command cannot be fully accounted for, if it cannot.</summary>
    public string? UnknownReason { get; init; }

    /// <summary>
    /// Why what stands around the program changes how it runs, or null when nothing does: no variable is set for it,
    /// and every wrapper only limits or times it (<see cref="WrappersThatLeaveTheProgramAlone"/>) without another
    /// directory, environment or user. An <c>allow</c> rule names a program and its words, so it applies only then.
    /// </summary>
    /// <remarks>
    /// A user who allows <c>git log</c> allows git as it runs here, not <c>GIT_EXTERNAL_DIFF=./x git log -p</c>
    /// (a variable that runs a program), <c>sudo npm test</c> (root) or <c>env -C /x npm test</c> (another project's
    /// scripts). The list of wrappers is the ones known to leave the program alone, so a wrapper added to
    /// <see cref="CommandWrappers"/> later takes no allow rule until it is judged (SPEC.md "Policy": when in doubt, a
    /// loosening rule does not match).
    /// </remarks>
    public string? SurroundingsChangeHowItRuns =>
        SetsVariables ? "a variable is set for the program"
        : WrapperChangesDirectory ? "a wrapper runs the program in another directory"
        : WrapperChangesEnvironment ? "a wrapper changes the program's environment or its name"
        : ImposedByWrappers is { } imposed ? imposed.Reason
        : Wrappers.FirstOrDefault(wrapper => !WrappersThatLeaveTheProgramAlone.Contains(wrapper)) is { } other ? $"{other} changes how the program runs"
        : null;

    /// <summary>The arguments, ready for the classifier.</summary>
    public ArgumentView Args => args ??= new ArgumentView(Arguments, ReadsArgumentsFromInput);

    /// <summary>The arguments as git reads them (<see cref="GitInspection.Refute"/>), read once for the proof's checks of a git part.</summary>
    public GitInvocation GitInvocation => gitInvocation ??= GitInspection.Refute([.. Arguments.Select(argument => argument.Value)]);

    // Wrappers that only time, limit, detach or buffer the program they run, or find it by name as bash would (their
    // other options are read into SetsVariables, WrapperChangesDirectory and WrapperChangesEnvironment above).
    private static readonly HashSet<string> WrappersThatLeaveTheProgramAlone =
        ["command", "env", "exec", "nice", "nohup", "timeout", "time", "stdbuf", "setsid", "ionice"];

    private ArgumentView? args;
    private GitInvocation? gitInvocation;
}
