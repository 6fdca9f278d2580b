namespace AgentExec.Cli.Terminal;

/// <summary>The human's terminal: where questions are written (stderr) and answers read (the controlling terminal, never stdin).</summary>
internal interface ITerminal
{
    /// <summary>False when there is no controlling terminal to read an answer from.</summary>
    bool CanRead { get; }

    /// <summary>True when colours and a spinner may be used (stderr is a TTY and <c>NO_COLOR</c> is unset).</summary>
    bool IsInteractive { get; }

    /// <summary>Where the question is written.</summary>
    TextWriter Output { get; }

    /// <summary>
    /// Drops whatever was typed before the question was shown, so that only a line typed after it can answer it. Keys
    /// pressed while the command ran (its output may itself ask "Continue? [y/N]", and its stdin is /dev/null) wait in
    /// the terminal's input queue and would otherwise answer the question that follows at once, unseen.
    /// </summary>
    void DiscardTypedAhead();

    /// <summary>
    /// Keeps the running command's output off the screen until the returned object is disposed, so nothing the command
    /// prints can overwrite or extend a question while it waits (a network question is asked while the command runs).
    /// </summary>
    IDisposable HoldCommandOutput();

    /// <summary>Reads one answer line; null at end of input. Cancelled by <paramref name="cancellationToken"/>.</summary>
    Task<string?> ReadLineAsync(CancellationToken cancellationToken);
}
