using AgentExec.Cli.Terminal;

namespace AgentExec.Tests.Cli;

/// <summary>A terminal whose answers the test scripts: a line, end of input, or an answer that never comes.</summary>
internal sealed class FakeTerminal(bool canRead = true, bool interactive = false) : ITerminal
{
    private readonly TaskCompletionSource<string?> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool CanRead => canRead;

    public bool IsInteractive => interactive;

    public StringWriter Written { get; } = new();

    public TextWriter Output => Written;

    public void Answer(string? line) => _answer.TrySetResult(line);

    public Task<string?> ReadLineAsync(CancellationToken cancellationToken) => _answer.Task.WaitAsync(cancellationToken);
}
