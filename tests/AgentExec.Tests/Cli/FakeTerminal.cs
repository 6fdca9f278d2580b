using AgentExec.Cli.Terminal;

namespace AgentExec.Tests.Cli;

/// <summary>A terminal whose answers the test scripts: a line, end of input, or an answer that never comes.</summary>
/// <param name="canRead">False for a process without a controlling terminal.</param>
/// <param name="interactive">True when colours may be used.</param>
/// <param name="output">Where the question goes; <see cref="Written"/> when null.</param>
internal sealed class FakeTerminal(bool canRead = true, bool interactive = false, TextWriter? output = null) : ITerminal
{
    private readonly TaskCompletionSource<string?> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool CanRead => canRead;

    public bool IsInteractive => interactive;

    public StringWriter Written { get; } = new();

    public TextWriter Output => output ?? Written;

    public void Answer(string? line) => _answer.TrySetResult(line);

    public Task<string?> ReadLineAsync(CancellationToken cancellationToken) => _answer.Task.WaitAsync(cancellationToken);
}
