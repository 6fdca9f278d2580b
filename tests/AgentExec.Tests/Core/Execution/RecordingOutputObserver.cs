using AgentExec.Core.Execution;

namespace AgentExec.Tests.Core.Execution;

/// <summary>Keeps every chunk it is shown, and can run an action on the first stdout chunk (e.g. cancel once the command is up).</summary>
internal sealed class RecordingOutputObserver(Action? onFirstStdout = null) : IOutputObserver
{
    private readonly List<byte> _stdout = [];
    private readonly List<byte> _stderr = [];
    private Action? _onFirstStdout = onFirstStdout;

    public byte[] Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToArray();
            }
        }
    }

    public byte[] Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToArray();
            }
        }
    }

    public void OnStdout(ReadOnlySpan<byte> chunk)
    {
        lock (_stdout)
        {
            _stdout.AddRange(chunk);
        }

        Interlocked.Exchange(ref _onFirstStdout, null)?.Invoke();
    }

    public void OnStderr(ReadOnlySpan<byte> chunk)
    {
        lock (_stderr)
        {
            _stderr.AddRange(chunk);
        }
    }
}
