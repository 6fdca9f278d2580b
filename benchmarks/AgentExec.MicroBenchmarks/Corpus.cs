namespace AgentExec.MicroBenchmarks;

/// <summary>
/// The command lines the read-only corpus tests judge (tests/AgentExec.Tests/Core/Commands/ReadOnlyCorpus), copied
/// beside this program by the project file: the read-only corpus and the build-tool lines, in file order.
/// </summary>
internal static class Corpus
{
    /// <summary>The read-only corpus followed by the build-tool lines (their <c>project:</c>/<c>toolchain:</c> tag removed).</summary>
    public static IReadOnlyList<CorpusLine> All { get; } = Load();

    private static List<CorpusLine> Load()
    {
        var readOnly = Lines("read-only-lines.txt").Select((line, index) => new CorpusLine("read-only", index + 1, line));
        var buildTools = Lines("build-tool-lines.txt")
            .Select(line => line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())
            .Select((line, index) => new CorpusLine("build-tool", index + 1, line));
        return [.. readOnly, .. buildTools];
    }

    private static IEnumerable<string> Lines(string name) =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "corpus", name))
            .Where(line => line.Length > 0 && !line.StartsWith('#'));
}
