using AgentExec.Core.Execution;

namespace AgentExec.Cli.Terminal;

/// <summary>Streams a running command's output to this process's own stdout and stderr, byte for byte, as it arrives.</summary>
internal sealed class ConsoleOutputObserver : IOutputObserver, IDisposable
{
    private readonly Stream _stdout = Console.OpenStandardOutput();
    private readonly Stream _stderr = Console.OpenStandardError();

    public void OnStdout(ReadOnlySpan<byte> chunk) => Write(_stdout, chunk);

    public void OnStderr(ReadOnlySpan<byte> chunk) => Write(_stderr, chunk);

    public void Dispose()
    {
        _stdout.Dispose();
        _stderr.Dispose();
    }

    private static void Write(Stream stream, ReadOnlySpan<byte> chunk)
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
    }
}
