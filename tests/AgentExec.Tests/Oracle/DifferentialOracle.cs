using AgentExec.Core.Commands;

namespace AgentExec.Tests.Oracle;

/// <summary>
/// Runs the lines the analyzer judges known-safe with the real bash in a throwaway sandbox, and says which of them
/// did more than read (issue 9, deliverable 6).
/// </summary>
internal sealed class DifferentialOracle : IDisposable
{
    private readonly ScratchArea area;
    private readonly SandboxedBash bash;
    private readonly SideEffectFinder finder;
    private readonly AnalysisContext context;

    public DifferentialOracle()
    {
        area = new ScratchArea();
        bash = new SandboxedBash(area);
        finder = new SideEffectFinder(area);
        context = KnownSafeJudge.ContextFor(area);
    }

    /// <summary>The scratch area lines run in.</summary>
    public ScratchArea Area => area;

    /// <summary>Judges <paramref name="line"/> and, when it is known-safe, runs it and finds its side effects.</summary>
    public OracleOutcome Check(string line) => IsKnownSafe(line) ? RunAndTrace(line) : new OracleOutcome(line, false, [], null);

    /// <summary>The analyzer's judgement alone.</summary>
    public bool IsKnownSafe(string line) => KnownSafeJudge.IsKnownSafe(line, context);

    /// <summary>Runs <paramref name="line"/> whatever the analyzer thinks of it (the harness's own tests).</summary>
    public OracleOutcome RunAndTrace(string line)
    {
        var run = bash.Run(line);
        var events = TraceParser.Parse(run.Trace);

        // A run that never reached bash proves nothing; it must fail the harness, never count as harmless.
        if (!events.Any(call => call.Call == "execve" && call.Succeeded && call.StringArgument(0) == "/bin/bash"))
        {
            throw new InvalidOperationException($"the sandbox did not run the line {line}: exit {run.ExitCode}, {run.Error.Trim()}");
        }

        return new OracleOutcome(line, true, finder.Find(events), run);
    }

    public void Dispose() => area.Dispose();
}
