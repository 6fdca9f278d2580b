namespace AgentExec.Tests.Oracle;

/// <summary>The oracle's generator replays: a seed names its lines.</summary>
public sealed class CommandLineGeneratorTests
{
    [Fact]
    public void The_same_seed_generates_the_same_lines()
    {
        var first = new CommandLineGenerator(42);
        var second = new CommandLineGenerator(42);

        var lines = Enumerable.Range(0, 500).Select(_ => first.Next()).ToArray();

        Assert.Equal(lines, Enumerable.Range(0, 500).Select(_ => second.Next()));
    }

    [Fact]
    public void Generated_lines_use_braces_globs_nested_shells_pseudo_devices_and_the_marker_program()
    {
        var generator = new CommandLineGenerator(7);

        var lines = Enumerable.Range(0, 5000).Select(_ => generator.Next()).ToArray();

        Assert.Contains(lines, line => line.Contains(",x{}}", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("-[o]", StringComparison.Ordinal) || line.Contains("-o*", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("dash -c", StringComparison.Ordinal) || line.StartsWith("sh -c", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("bash -k -c", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("/dev/tcp/", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("@MARK@", StringComparison.Ordinal));
    }

    [Fact]
    public void The_seed_corpus_and_the_regression_rows_are_readable_and_the_corpus_is_not_empty()
    {
        var corpus = CorpusFile.Read("seed-corpus.txt");
        var regressions = CorpusFile.Read("regressions.txt");

        Assert.True(corpus.Count >= 50, $"the seed corpus has only {corpus.Count} lines");
        Assert.All(corpus.Concat(regressions), line => Assert.False(string.IsNullOrWhiteSpace(line)));
    }
}
