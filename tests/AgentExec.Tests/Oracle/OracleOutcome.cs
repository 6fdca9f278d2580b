namespace AgentExec.Tests.Oracle;

/// <summary>The oracle's finding on one line: the analyzer's judgement and, when it ran, what real bash did.</summary>
/// <param name="Line">The command line.</param>
/// <param name="KnownSafe">True when the analyzer judged the line known-safe (or the judge was bypassed).</param>
/// <param name="SideEffects">What the run did beyond reading; empty when it did nothing else or did not run.</param>
/// <param name="Run">The sandboxed run, or null when the line was not known-safe and so not run.</param>
internal sealed record OracleOutcome(string Line, bool KnownSafe, IReadOnlyList<SideEffect> SideEffects, BashRun? Run)
{
    /// <summary>True when the analyzer let through a line that did more than read.</summary>
    public bool IsMiss => KnownSafe && SideEffects.Count > 0;
}
