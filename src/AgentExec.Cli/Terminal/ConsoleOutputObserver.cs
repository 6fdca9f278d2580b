using AgentExec.Core.Execution;

namespace AgentExec.Cli.Terminal;

/// <summary>Streams a running command's output to this process's own stdout and stderr, byte for byte, as it arrives.</summary>
/// <remarks>
/// Each chunk is reported to <see cref="SaneTerminalWriter"/>, which resets the terminal before AgentExec's next words:
/// the command chooses these bytes, escape sequences included.
/// </remarks>
internal sealed class ConsoleOutputObserver(Stream stdout, Stream stderr, SaneTerminalWriter ownWords) : IOutputObserver, IDisposable
{
    /// <summary>Streams to the process's own stdout and stderr.</summary>
    public ConsoleOutputObserver(SaneTerminalWriter ownWords)
        : this(Console.OpenStandardOutput(), Console.OpenStandardError(), ownWords)
    {
    }

    public void OnStdout(ReadOnlySpan<byte> chunk) => Write(stdout, chunk);

    public void OnStderr(ReadOnlySpan<byte> chunk) => Write(stderr, chunk);

    public void Dispose()
    {
        stdout.Dispose();
        stderr.Dispose();
    }

    private void Write(Stream stream, ReadOnlySpan<byte> chunk)
    {
        try
        {
            stream.Write(chunk);
            stream.Flush();
        }
        catch (IOException)
        {
            // The reader went away (a closed pipe): the command's output is still captured and counted.
        }

        // Said once the bytes are out, so a reset that AgentExec wrote while they went out is owed again after them.
        ownWords.CommandOutputShown();
    }
}
