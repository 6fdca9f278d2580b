namespace AgentExec.Core.Execution;

/// <summary>Sees a command's output as it arrives, for front ends that stream it live (the terminal).</summary>
/// <remarks>Called on the reader threads; an implementation must be quick and must not throw.</remarks>
public interface IOutputObserver
{
    /// <summary>A chunk of stdout arrived.</summary>
    void OnStdout(ReadOnlySpan<byte> chunk);

    /// <summary>A chunk of stderr arrived.</summary>
    void OnStderr(ReadOnlySpan<byte> chunk);
}
