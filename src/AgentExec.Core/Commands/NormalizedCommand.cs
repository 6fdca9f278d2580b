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

    /// <summary>True when the program, or a wrapper, is a file outside the system directories.</summary>
    public bool RunsFileOutsideSystemDirectories { get; init; }

    /// <summary>True when <c>xargs</c> appends arguments read from its input.</summary>
    public bool ReadsArgumentsFromInput { get; init; }

    /// <summary>The strictest verdict the wrappers impose (<c>sudo</c>), if any.</summary>
    public Verdict? ImposedByWrappers { get; init; }

    /// <summary>Why the command cannot be fully accounted for, if it cannot.</summary>
    public string? UnknownReason { get; init; }

    /// <summary>The arguments, ready for the classifier.</summary>
    public ArgumentView Args => args ??= new ArgumentView(Arguments, ReadsArgumentsFromInput);

    /// <summary>The arguments as git reads them (<see cref="GitInspection.Refute"/>), read once for the proof's checks of a git part.</summary>
    public GitInvocation GitInvocation => gitInvocation ??= GitInspection.Refute([.. Arguments.Select(argument => argument.Value)]);

    private ArgumentView? args;
    private GitInvocation? gitInvocation;
}
