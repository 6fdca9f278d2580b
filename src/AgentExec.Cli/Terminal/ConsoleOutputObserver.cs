using System.Globalization;
using System.Text;
using AgentExec.Core.Execution;

namespace AgentExec.Cli.Terminal;

/// <summary>Streams a running command's output to this process's own stdout and stderr, byte for byte, as it arrives.</summary>
/// <remarks>
/// <para>
/// Each chunk is reported to <see cref="SaneTerminalWriter"/>, which resets the terminal before AgentExec's next words:
/// the command chooses these bytes, escape sequences included.
/// </para>
/// <para>
/// While a question is on screen the output is held back (<see cref="Hold"/>) and shown once it is answered. A question
/// asked while the command runs (a network question) would otherwise share the screen with it: an attack waited for
/// the question, moved the cursor up over it and printed another (``Allow `pip install requests` to connect to
/// pypi.org:443?``), and the human's "y" approved the real one, for the attacker's host.
/// </para>
/// </remarks>
internal sealed class ConsoleOutputObserver(Stream stdout, Stream stderr, SaneTerminalWriter ownWords) : IOutputObserver, ICommandOutputHold, IDisposable
{
    /// <summary>The most output kept while a question waits; the rest is counted, not shown (the result keeps it all).</summary>
    public const int MaxHeldBytes = 1024 * 1024;

    // What keeping one chunk costs besides its bytes (the array's header and the list entry), counted against the bound.
    private const int HeldChunkOverhead = 48;

    private readonly Lock _gate = new();
    private readonly List<(Stream Stream, byte[] Bytes)> _held = [];
    private int _holds;
    private long _heldBytes;
    private long _dropped;

    /// <summary>Streams to the process's own stdout and stderr.</summary>
    public ConsoleOutputObserver(SaneTerminalWriter ownWords)
        : this(Console.OpenStandardOutput(), Console.OpenStandardError(), ownWords)
    {
    }

    public void OnStdout(ReadOnlySpan<byte> chunk) => Write(stdout, chunk);

    public void OnStderr(ReadOnlySpan<byte> chunk) => Write(stderr, chunk);

    /// <inheritdoc />
    public IDisposable Hold()
    {
        // Taken under the lock, so a chunk being written when the question starts is out before the question is.
        lock (_gate)
        {
            _holds++;
        }

        return new Release(this);
    }

    public void Dispose()
    {
        stdout.Dispose();
        stderr.Dispose();
    }

    private void Write(Stream stream, ReadOnlySpan<byte> chunk)
    {
        lock (_gate)
        {
            if (_holds == 0)
            {
                WriteThrough(stream, chunk);
            }
            else if (_dropped == 0 && _heldBytes + chunk.Length + HeldChunkOverhead <= MaxHeldBytes)
            {
                // Once anything was dropped, everything after it is too, so what is shown after the answer has no hole
                // in the middle; and each chunk counts what keeping it costs, not only its bytes (a command writing one
                // byte at a time kept 26 bytes of memory for each).
                _held.Add((stream, chunk.ToArray()));
                _heldBytes += chunk.Length + HeldChunkOverhead;
            }
            else
            {
                _dropped += chunk.Length;
            }
        }
    }

    private void Unhold()
    {
        lock (_gate)
        {
            if (--_holds > 0)
            {
                return;
            }

            foreach (var (stream, bytes) in _held)
            {
                WriteThrough(stream, bytes);
            }

            _held.Clear();
            _heldBytes = 0;
            if (_dropped > 0)
            {
                WriteThrough(stderr, Encoding.UTF8.GetBytes(string.Create(
                    CultureInfo.InvariantCulture,
                    $"\n[agentexec: {_dropped} more bytes of the command's output, written while a question waited, are not shown]\n")));
                _dropped = 0;
            }
        }
    }

    private void WriteThrough(Stream stream, ReadOnlySpan<byte> chunk)
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

    private sealed class Release(ConsoleOutputObserver observer) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                observer.Unhold();
            }
        }
    }
}
