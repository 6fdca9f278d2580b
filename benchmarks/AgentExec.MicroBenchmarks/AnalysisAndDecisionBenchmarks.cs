using System.Diagnostics.CodeAnalysis;
using AgentExec.Core.Policy;
using BenchmarkDotNet.Attributes;

namespace AgentExec.MicroBenchmarks;

/// <summary>
/// Analysis + policy decision for one command line (issue 12: "≤ 20 µs median over the corpus"): the mean per line over
/// the whole corpus, and a few representative lines one by one, so their medians show.
/// </summary>
/// <remarks>
/// This is the work every call does before anything can run or be asked; it includes the file system lookups the proof
/// makes (symlinks, <c>PATH</c>, the repository's git configuration). The median over the corpus's lines is
/// <see cref="CorpusLineBenchmarks"/>'s. <see cref="CorpusMeanPerLine"/> takes a different line each time, as an
/// agent's calls do, while a per-line case repeats one line with its caches warm: on the 2-core machine the
/// round-robin mean came out about twice the mean of the per-line cases, so read the two together.
/// </remarks>
[MemoryDiagnoser]
[SuppressMessage(
    "Design",
    "CA1001:Types that own disposable fields should be disposable",
    Justification = "BenchmarkDotNet owns the lifetime: the workspace is made in [GlobalSetup] and disposed in [GlobalCleanup].")]
[MedianColumn]
public class AnalysisAndDecisionBenchmarks
{
    // Lines per invocation of CorpusMeanPerLine. A constant (the attribute needs one) rather than the corpus's size, which
    // grows with the tests: each invocation takes the next lines round the corpus, so over an iteration every line
    // weighs alike whatever the size.
    private const int LinesPerInvocation = 64;

    private DecisionWorkspace workspace = null!;
    private string[] corpus = [];
    private int next;

    /// <summary>Representative lines: a plain command, git, a pipeline, a build tool, and a pipeline of 20 parts.</summary>
    public static IEnumerable<object> RepresentativeLines() =>
    [
        new SampleLine("ls -la", "ls -la"),
        new SampleLine("git status", "git status"),
        new SampleLine("cat README.md | grep foo", "cat README.md | grep foo"),
        new SampleLine("npm test", "npm test"),
        new SampleLine("cat | grep -v x, 20 parts", "cat README.md" + string.Concat(Enumerable.Repeat(" | grep -v x", 19))),
    ];

    [GlobalSetup]
    public void Setup()
    {
        workspace = new DecisionWorkspace();
        corpus = [.. Corpus.All.Select(line => line.Text)];
    }

    [GlobalCleanup]
    public void Cleanup() => workspace.Dispose();

    /// <summary>Mean time per line over the read-only corpus and the build-tool lines, taken round-robin.</summary>
    [Benchmark(OperationsPerInvoke = LinesPerInvocation)]
    public PolicyEvaluation? CorpusMeanPerLine()
    {
        PolicyEvaluation? last = null;
        for (var i = 0; i < LinesPerInvocation; i++)
        {
            last = workspace.Decide(corpus[next]);
            next = next + 1 == corpus.Length ? 0 : next + 1;
        }

        return last;
    }

    /// <summary>One representative line.</summary>
    [Benchmark]
    [ArgumentsSource(nameof(RepresentativeLines))]
    public PolicyEvaluation Line(SampleLine line) => workspace.Decide(line.Text);
}
