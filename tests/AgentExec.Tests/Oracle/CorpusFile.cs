using System.Runtime.CompilerServices;

namespace AgentExec.Tests.Oracle;

/// <summary>
/// The checked-in lists of command lines the oracle always runs (<c>seed-corpus.txt</c>, <c>regressions.txt</c>):
/// one command line per line, <c>#</c> starts a comment line, blank lines are skipped. <c>@NL@</c> stands for a
/// newline inside a command line (here-documents, multi-line scripts) and <c>@MARK@</c> for the absolute path of
/// the marker program.
/// </summary>
internal static class CorpusFile
{
    /// <summary>The command lines of <paramref name="fileName"/>, next to this source file, still with their placeholders.</summary>
    public static IReadOnlyList<string> Read(string fileName)
    {
        var path = Path.Combine(SourceDirectory(), fileName);
        if (!File.Exists(path))
        {
            // Read from the source tree (no project-file change needed); a test run without it must not pass quietly.
            throw new FileNotFoundException($"the oracle's corpus {fileName} was not found beside its source", path);
        }

        return [.. File.ReadAllLines(path).Where(line => line.Length > 0 && !line.StartsWith('#')).Where(line => !string.IsNullOrWhiteSpace(line))];
    }

    /// <summary>The command line <paramref name="line"/> with its placeholders replaced for <paramref name="area"/>.</summary>
    public static string Expand(string line, ScratchArea area) =>
        line.Replace("@NL@", "\n", StringComparison.Ordinal).Replace("@MARK@", area.MarkerProgram, StringComparison.Ordinal);

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
