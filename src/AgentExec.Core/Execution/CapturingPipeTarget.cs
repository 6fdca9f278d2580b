using System.Buffers;
using CliWrap;

namespace AgentExec.Core.Execution;

/// <summary>
/// Reads one of a command's output pipes to the end, keeping a capped copy and showing each chunk to an observer.
/// </summary>
/// <remarks>
/// It always drains: a child that fills a pipe nobody reads blocks forever, so bytes beyond the cap are read, counted
/// and dropped. It stops at end-of-file or when the drain-stop token fires — the bound on waiting for a pipe that a
/// surviving grandchild keeps open after the command itself is gone. It never throws.
/// </remarks>
internal sealed class CapturingPipeTarget : PipeTarget
{
    private const int ReadSize = 64 * 1024;

    private readonly Lock _gate = new();
    private readonly CappedOutputBuffer _buffer;
    private readonly CancellationToken _drainStop;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Action<ReadOnlySpan<byte>>? _observe;

    /// <summary>Creates a target keeping <paramref name="capBytes"/> bytes, forwarding chunks to <paramref name="observe"/> when given.</summary>
    public CapturingPipeTarget(int capBytes, Action<ReadOnlySpan<byte>>? observe, CancellationToken drainStop)
    {
        _buffer = new CappedOutputBuffer(capBytes);
        _observe = observe;
        _drainStop = drainStop;
    }

    /// <summary>Completes when reading has stopped, for whatever reason.</summary>
    public Task Completion => _completion.Task;

    /// <summary>What was kept so far (all of it, once <see cref="Completion"/> is done).</summary>
    public CapturedOutput Snapshot()
    {
        lock (_gate)
        {
            return _buffer.ToCapturedOutput();
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// CliWrap's token is its forceful-kill token. It is ignored on purpose: after a kill, what the dying processes
    /// wrote is still worth keeping, and the drain-stop token already bounds the wait.
    /// </remarks>
    public override async Task CopyFromAsync(Stream origin, CancellationToken cancellationToken = default)
    {
        var chunkBuffer = ArrayPool<byte>.Shared.Rent(ReadSize);
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await origin.ReadAsync(chunkBuffer.AsMemory(0, ReadSize), _drainStop).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is OperationCanceledException or IOException or ObjectDisposedException)
                {
                    // Drain deadline, or the pipe went away under us: keep what we have.
                    return;
                }

                if (read == 0)
                {
                    return;
                }

                var chunk = chunkBuffer.AsSpan(0, read);
                Forward(chunk);
                lock (_gate)
                {
                    _buffer.Append(chunk);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunkBuffer);
            _completion.TrySetResult();
        }
    }

    private void Forward(ReadOnlySpan<byte> chunk)
    {
        if (_observe is not { } observe)
        {
            return;
        }

        try
        {
            observe(chunk);
        }
        catch (Exception)
        {
            // IOutputObserver's contract forbids throwing; one that does anyway loses the rest of the stream, and the
            // capture goes on.
            _observe = null;
        }
    }
}
