// BenchmarkDotNet micro-benchmarks of the work in Core that every call does (issue 12):
//
//   AnalysisAndDecisionBenchmarks  analysis + policy decision: mean per line over the corpus, and representative lines
//   CorpusLineBenchmarks           analysis + policy decision of every corpus line (short in-process job), summarised
//                                  below BenchmarkDotNet's tables as the median over the corpus's lines
//   AnswerParsingBenchmarks        the elicitation answer table
//   AuditAppendBenchmarks          one audit event appended with fsync, on tmpfs, and encoded without the file
//
//   dotnet run -c Release --project benchmarks/AgentExec.MicroBenchmarks -- --filter '*'
//   dotnet run -c Release --project benchmarks/AgentExec.MicroBenchmarks -- --filter '*' --job short   # quicker, rougher
//   dotnet run -c Release --project benchmarks/AgentExec.MicroBenchmarks -- --filter '*Answer*'        # one class
//
// Any BenchmarkDotNet option works after `--` (--list flat, --exporters json, …). Reports go to BenchmarkDotNet.Artifacts/.

using System.Globalization;
using AgentExec.MicroBenchmarks;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Perfolizer.Horology;

var config = DefaultConfig.Instance
    // BenchmarkDotNet's default job runs each case until its results settle: up to 50 warm-up and 100 measured
    // iterations of half a second. On the shared 2-core machine that made the suite 18 minutes, 8 of them for the
    // answer table alone. Quarter-second iterations, at most 8 warm-ups and 20 measurements keep it to a few minutes.
    // A mutator: it shapes the default job, or the one --job names, instead of adding a job.
    .AddJob(Job.Default
        .WithIterationTime(TimeInterval.FromMilliseconds(250))
        .WithMaxWarmupCount(8)
        .WithMaxIterationCount(20)
        .AsMutator())
    // Wide enough for a corpus line's name (CorpusLine.ToString), which BenchmarkDotNet would cut at 20 characters.
    .WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(60));
var summaries = BenchmarkSwitcher.FromAssembly(typeof(CorpusLineBenchmarks).Assembly).Run(args, config);

// The issue's goal is a median over the corpus's lines: BenchmarkDotNet reports each line on its own, so take the
// median (and the spread) of the per-line medians here.
var perLine = summaries
    .SelectMany(summary => summary.Reports)
    .Where(report => report.BenchmarkCase.Descriptor.Type == typeof(CorpusLineBenchmarks) && report.ResultStatistics is not null)
    .Select(report => (Line: (CorpusLine)report.BenchmarkCase.Parameters.Items[0].Value, MedianMicroseconds: report.ResultStatistics!.Median / 1_000))
    .ToList();
if (perLine.Count > 0)
{
    Console.WriteLine();
    Console.WriteLine("Analysis + policy decision per line, summarised over the lines of each set (each line's median):");
    Console.WriteLine($"{"set",-12} {"lines",6} {"mean µs",9} {"median µs",10} {"p90 µs",8} {"max µs",9}");
    foreach (var set in perLine.GroupBy(entry => entry.Line.Set).Append(perLine.GroupBy(_ => "all").Single()))
    {
        var medians = set.Select(entry => entry.MedianMicroseconds).Order().ToList();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{set.Key,-12} {medians.Count,6} {medians.Average(),9:F1} {Quantile(medians, 0.5),10:F1} {Quantile(medians, 0.9),8:F1} {medians[^1],9:F1}"));
    }
}

return summaries.Any(summary => summary.HasCriticalValidationErrors || summary.Reports.Any(report => !report.Success)) ? 1 : 0;

// Linear interpolation between the closest ranks of a sorted list.
static double Quantile(List<double> sorted, double fraction)
{
    var position = (sorted.Count - 1) * fraction;
    var below = (int)Math.Floor(position);
    var above = Math.Min(below + 1, sorted.Count - 1);
    return sorted[below] + ((sorted[above] - sorted[below]) * (position - below));
}
