using System.Runtime.InteropServices;
using System.Text;

namespace AgentExec.Cli.Terminal;

/// <summary>
/// The process's controlling terminal (<c>/dev/tty</c>): answers are read from it and never from stdin, so
/// <c>yes | agentexec run …</c> cannot approve itself. Questions go to stderr.
/// </summary>
internal sealed partial class ControllingTerminal : ITerminal, IDisposable
{
    private const string TerminalDevice = "/dev/tty";

    // tcflush(3): discard data received but not read.
    private const int TcInputFlush = 0;
    private readonly FileStream? _input;
    private readonly StreamReader? _reader;

    private readonly ICommandOutputHold? _commandOutput;

    /// <summary>Opens the controlling terminal; questions are written to <paramref name="output"/> (stderr, through <see cref="SaneTerminalWriter"/>).</summary>
    /// <param name="output">Where questions go.</param>
    /// <param name="commandOutput">The running command's output on the same screen, held back while a question waits.</param>
    public ControllingTerminal(TextWriter output, ICommandOutputHold? commandOutput = null)
    {
        Output = output;
        _commandOutput = commandOutput;
        try
        {
            // Opening fails with ENXIO when the process has no controlling terminal (CI, a pipeline, a service).
            _input = new FileStream(TerminalDevice, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
            _reader = new StreamReader(_input, Encoding.UTF8);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            _input = null;
            _reader = null;
        }

        IsInteractive = !Console.IsErrorRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
    }

    public bool CanRead => _reader is not null;

    public bool IsInteractive { get; }

    public TextWriter Output { get; }

    public IDisposable HoldCommandOutput() => _commandOutput?.Hold() ?? NothingHeld.Instance;

    public void DiscardTypedAhead()
    {
        if (_input is null || _reader is null)
        {
            return;
        }

        // Both queues: what the reader has already taken from the terminal, and what the terminal holds unread. A
        // failure (the terminal went away) leaves nothing to discard that a read could return as an answer either.
        _reader.DiscardBufferedData();
        _ = TcFlush(_input.SafeFileHandle, TcInputFlush);
    }

    public Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        if (_reader is null)
        {
            return Task.FromResult<string?>(null);
        }

        // A read from a terminal device cannot be cancelled, so it runs on its own thread and the caller stops
        // waiting instead: a timed-out or interrupted question is denied at once, whatever the thread does later.
        var reader = _reader;
        var read = Task.Factory.StartNew(reader.ReadLine, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return read.WaitAsync(cancellationToken);
    }

    public void Dispose()
    {
        _reader?.Dispose();
        _input?.Dispose();
    }

    private sealed class NothingHeld : IDisposable
    {
        public static readonly NothingHeld Instance = new();

        public void Dispose()
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "tcflush", SetLastError = true)]
    private static partial int TcFlush(Microsoft.Win32.SafeHandles.SafeFileHandle fd, int queueSelector);
}
