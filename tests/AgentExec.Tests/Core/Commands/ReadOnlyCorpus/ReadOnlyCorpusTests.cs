using System.Globalization;
using Xunit.Abstractions;

namespace AgentExec.Tests.Core.Commands.ReadOnlyCorpus;

/// <summary>
/// Issue 9, deliverable 9: the proof of known-safe must not ask about ordinary work. The realistic read-only lines
/// stay at least 95% known-safe; build-tool lines are counted apart, and those that run project-defined code are never
/// known-safe.
/// </summary>
public sealed class ReadOnlyCorpusTests(RepositoryWorkspace workspace, ITestOutputHelper output) : IClassFixture<RepositoryWorkspace>
{
    private const double RequiredShare = 0.95;

    [Fact]
    public void The_corpus_holds_at_least_220_distinct_lines()
    {
        var lines = CorpusFile.Lines(CorpusFile.ReadOnlyLines);

        Assert.True(lines.Count >= 220, $"only {lines.Count} lines");
        Assert.Equal(lines.Count, lines.Distinct(StringComparer.Ordinal).Count());
    }

    // Today's analyzer scores 278 of 312 (89.1%): it knows no git inspection beyond status, log, diff, show and branch.
    [Fact]
    public void At_least_95_percent_of_the_realistic_read_only_lines_are_known_safe()
    {
        var lines = CorpusFile.Lines(CorpusFile.ReadOnlyLines);

        var refused = Refusals(lines);

        var share = (double)(lines.Count - refused.Count) / lines.Count;
        var report = Report("read-only corpus", lines.Count, refused) + $"; {share.ToString("P1", CultureInfo.InvariantCulture)} known-safe";
        output.WriteLine(report);
        Assert.True(share >= RequiredShare, report);
    }

    [Fact]
    public void No_build_tool_line_that_runs_project_defined_code_is_known_safe()
    {
        var tagged = CorpusFile.Lines(CorpusFile.BuildToolLines).Select(Tagged).ToList();
        var project = tagged.Where(t => t.Tag == "project").Select(t => t.Line).ToList();
        var toolchain = tagged.Where(t => t.Tag == "toolchain").Select(t => t.Line).ToList();

        var projectRefused = Refusals(project);
        var toolchainRefused = Refusals(toolchain);

        output.WriteLine(Report("project-defined build-tool lines", project.Count, projectRefused));
        output.WriteLine(Report("toolchain lines", toolchain.Count, toolchainRefused));
        var knownSafe = project.Where(line => !projectRefused.ContainsKey(line)).ToList();
        Assert.True(knownSafe.Count == 0, "known-safe although they run project-defined code: " + string.Join(" | ", knownSafe));
    }

    private static (string Tag, string Line) Tagged(string entry)
    {
        var colon = entry.IndexOf(':', StringComparison.Ordinal);
        var tag = colon < 0 ? string.Empty : entry[..colon];
        Assert.True(tag is "project" or "toolchain", $"a build-tool line must be tagged project: or toolchain: ({entry})");
        return (tag, entry[(colon + 1)..].Trim());
    }

    // The lines that are not known-safe, each with the reason the judge gives.
    private Dictionary<string, string> Refusals(IEnumerable<string> lines)
    {
        var refused = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var evaluation = KnownSafeJudge.Evaluate(line, workspace.Context);
            if (evaluation.Verdict != AgentExec.Core.Policy.PolicyVerdict.Run)
            {
                refused[line] = KnownSafeJudge.Explain(evaluation);
            }
        }

        return refused;
    }

    private static string Report(string name, int count, Dictionary<string, string> refused) =>
        $"{name}: {count - refused.Count} of {count} known-safe"
        + string.Concat(refused.Select(r => $"\n  not known-safe: {r.Key.Replace("\n", "\\n", StringComparison.Ordinal)}  <-  {r.Value}"));
}
