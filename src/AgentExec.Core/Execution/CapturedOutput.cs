namespace AgentExec.Core.Execution;

/// <summary>What was kept of one output stream.</summary>
/// <param name="Text">The kept text (UTF-8, invalid sequences replaced): everything, or the first and last halves of the cap with a marker line between.</param>
/// <param name="TotalBytes">Every byte the command wrote to the stream, kept or not.</param>
/// <param name="Truncated">True when bytes were dropped.</param>
public sealed record CapturedOutput(string Text, long TotalBytes, bool Truncated)
{
    /// <summary>Nothing was written.</summary>
    public static CapturedOutput Empty { get; } = new(string.Empty, 0, false);
}
