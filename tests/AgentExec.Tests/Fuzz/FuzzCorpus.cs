using System.Runtime.CompilerServices;

namespace AgentExec.Tests.Fuzz;

/// <summary>
/// The checked-in corpus beside this file: <c>Corpus/answers/*.json</c> (one elicitation answer per file, any JSON
/// text) and <c>Corpus/jsonrpc/*.txt</c> (one batch of raw lines per file, exact bytes). The fuzzers start from it
/// and replay it as regression cases; every finding is added to it (docs/fuzzing.md).
/// </summary>
internal static class FuzzCorpus
{
    /// <summary>The answer files: name and text.</summary>
    public static IReadOnlyList<(string Name, string Text)> Answers() =>
        [.. Files("answers", "*.json").Select(path => (Path.GetFileName(path), File.ReadAllText(path)))];

    /// <summary>The JSON-RPC batches: name and exact bytes.</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> JsonRpcBatches() =>
        [.. Files("jsonrpc", "*.txt").Select(path => (Path.GetFileName(path), File.ReadAllBytes(path)))];

    private static string[] Files(string folder, string pattern)
    {
        // Read from the source tree, like the oracle's corpus: adding a file needs no project-file change.
        var directory = Path.Combine(SourceDirectory(), "Corpus", folder);
        var files = Directory.Exists(directory) ? Directory.GetFiles(directory, pattern) : [];
        if (files.Length == 0)
        {
            // A run that cannot find its corpus must not pass quietly.
            throw new FileNotFoundException($"the fuzz corpus {folder}/{pattern} was not found beside its source", directory);
        }

        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
