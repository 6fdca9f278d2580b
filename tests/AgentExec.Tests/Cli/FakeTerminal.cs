using AgentExec.Cli.Terminal;

namespace AgentExec.Tests.Cli;

/// <summary>
/// A terminal whose answers the test scripts: a line typed once the question is shown, end of input, an answer that never
/// comes, or a line typed ahead (before the question was shown), which stays queued until the terminal is told to drop it.
/// </summary>
/// <param name="canRead">False for a process without a controlling terminal.</param>
/// <param name="interactive">True when colours may be used.</param>
/// <param name="output">Where the question goes; <see cref="Written"/> when null.</param>
internal sealed class FakeTerminal(bool canRead = true, bool interactive = false, TextWriter? output = null) : ITerminal
{
    private readonly TaskCompletionSource<string?> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<string> _typedAhead = new();

    public bool CanRead => canRead;

    public bool IsInteractive => interactive;

    public StringWriter Written { get; } = new();

    public TextWriter Output => output ?? Written;

    /// <summary>How many times the channel dropped what was typed ahead.</summary>
    public int Discards { get; private set; }

    public void Answer(string? line) => _answer.TrySetResult(line);

    /// <summary>A line typed before the question is shown: a read returns it first unless it was dropped.</summary>
    public void TypeAhead(string line) => _typedAhead.Enqueue(line);

    /// <summary>The command output the terminal holds back while it asks, when the test gives one.</summary>
    public ICommandOutputHold? CommandOutput { get; init; }

    public IDisposable HoldCommandOutput() => CommandOutput?.Hold() ?? new MemoryStream();

    public void DiscardTypedAhead()
    {
        Discards++;
        _typedAhead.Clear();
    }

    public Task<string?> ReadLineAsync(CancellationToken cancellationToken) =>
        _typedAhead.TryDequeue(out var line) ? Task.FromResult<string?>(line) : _answer.Task.WaitAsync(cancellationToken);
}
