namespace AgentExec.Core.Commands;

/// <summary>The command a wrapper (<c>sudo</c>, <c>env</c>, <c>timeout</c>…) runs, and what the wrapper adds to it.</summary>
/// <param name="Inner">The inner command's words, program first.</param>
/// <param name="Problem">Set when the wrapper's own arguments could not be understood; the inner command is then unknown.</param>
internal sealed record Unwrapping(IReadOnlyList<ShellWord> Inner, string? Problem)
{
    /// <summary>A verdict the wrapper imposes whatever it runs (<c>sudo</c> is dangerous).</summary>
    public Verdict? Imposed { get; init; }

    /// <summary>True when the wrapper sets variables for the command (<c>env FOO=1 cmd</c>).</summary>
    public bool SetsVariables { get; init; }

    /// <summary>True when the wrapper runs the command in another directory (<c>env -C</c>, <c>sudo -D</c>).</summary>
    public bool ChangesDirectory { get; init; }

    /// <summary>
    /// True when the wrapper changes the command's environment other than by assigning to it, or what its name means:
    /// <c>env -i</c>/<c>-u</c> (variables removed), <c>env -P DIR</c> (the name searched for in DIR), <c>exec -c</c>
    /// (an empty environment), <c>exec -a NAME</c> (another <c>argv[0]</c>, which git reads as a subcommand: <c>git-push</c>).
    /// </summary>
    public bool ChangesEnvironment { get; init; }

    /// <summary>True when the wrapper appends arguments read from its input (<c>xargs</c>).</summary>
    public bool AppendsArgumentsFromInput { get; init; }

    /// <summary>A wrapper whose arguments could not be read.</summary>
    public static Unwrapping Failed(string problem) => new([], problem);
}
