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
/// Some 360 cases at BenchmarkDotNet's defaults (a process per case, a pilot stage, half-second iterations) would take
/// the better part of an hour; <see cref="Config"/> runs them in this process with a fixed, small number of
/// invocations, about a minute and a half in all on the 2-core machine.
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
    /// In process, one launch, 2 warm-up and 15 measured iterations of 16 invocations each (a few ms for a line of some
    /// 100 µs), no pilot stage and no overhead evaluation (nanoseconds next to the line's microseconds). A mutator, so it
    /// also shapes whatever job the command line asks for (<c>--job short</c>) instead of adding a second, slow run of
    /// every case.
    /// </summary>
    private sealed class Config : ManualConfig
    {
        public Config() => AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(15)
            .WithInvocationCount(16)
            .WithUnrollFactor(1)
            .WithEvaluateOverhead(false)
            .AsMutator());
    }
}
