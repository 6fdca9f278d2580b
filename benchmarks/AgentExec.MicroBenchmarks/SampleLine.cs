namespace AgentExec.MicroBenchmarks;

/// <summary>A command line with a short name for BenchmarkDotNet's table.</summary>
/// <param name="Name">What BenchmarkDotNet shows.</param>
/// <param name="Text">The command line.</param>
public sealed record SampleLine(string Name, string Text)
{
    /// <summary>The name BenchmarkDotNet shows.</summary>
    public override string ToString() => Name;
}
