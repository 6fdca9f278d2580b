using System.Diagnostics.CodeAnalysis;
using AgentExec.Core.Policy;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace AgentExec.MicroBenchmarks;

/// <summary>
/// Analysis + policy decision for every line of the corpus, one benchmark case per line, so that the median over the
/// corpus's lines (issue 12's "≤ 20 µs median") can be taken from the cases' medians; Program.cs prints it.
/// </summary>
/// <remarks>
/// Some 360 cases at BenchmarkDotNet's defaults (a process per case, half-second iterations) would take the better part
/// of an hour; <see cref="Config"/> runs them in this process with short iterations, a couple of minutes in all.
/// </remarks>
[Config(typeof(Config))]
[MemoryDiagnoser]
[SuppressMessage(
    "Design",
    "CA1001:Types that own disposable fields should be disposable",
    Justification = "BenchmarkDotNet owns the lifetime: the workspace is made in [GlobalSetup] and disposed in [GlobalCleanup].")]
[MedianColumn]
public class CorpusLineBenchmarks
{
    private DecisionWorkspace workspace = null!;

    /// <summary>Every line of the corpus, in file order.</summary>
    public static IEnumerable<object> Lines() => Corpus.All;

    [GlobalSetup]
    public void Setup() => workspace = new DecisionWorkspace();

    [GlobalCleanup]
    public void Cleanup() => workspace.Dispose();

    /// <summary>One line of the corpus.</summary>
    [Benchmark]
    [ArgumentsSource(nameof(Lines))]
    public PolicyEvaluation Line(CorpusLine line) => workspace.Decide(line.Text);

    /// <summary>
    /// In process, one launch, 2 warm-up and 7 measured iterations of 25 ms. A mutator, so it also shortens whatever job
    /// the command line asks for (<c>--job short</c>) instead of adding a second, slow run of every case.
    /// </summary>
    private sealed class Config : ManualConfig
    {
        public Config() => AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(7)
            .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(25))
            .AsMutator());
    }
}
