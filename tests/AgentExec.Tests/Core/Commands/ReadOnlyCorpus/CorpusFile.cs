namespace AgentExec.Tests.Core.Commands.ReadOnlyCorpus;

/// <summary>Reads a corpus file copied beside the test assembly: one command line per line, blank and <c>#</c> lines skipped.</summary>
internal static class CorpusFile
{
    /// <summary>The read-only lines an agent runs on a repository.</summary>
    public const string ReadOnlyLines = "read-only-lines.txt";

    /// <summary>The build-tool lines, each tagged <c>project:</c> or <c>toolchain:</c>.</summary>
    public const string BuildToolLines = "build-tool-lines.txt";

    /// <summary>The command lines of <paramref name="name"/>, in file order.</summary>
    public static IReadOnlyList<string> Lines(string name) =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Core", "Commands", "ReadOnlyCorpus", name))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .ToList();
}
