using System.Diagnostics;
using System.Globalization;
using AgentExec.Core.Commands;
using AgentExec.Core.Credentials;

namespace AgentExec.Benchmarks;

/// <summary>
/// The time <see cref="CommandAnalyzer.Analyze(string, AnalysisContext)"/> takes per command line (issue 9: "well under
/// a millisecond"): the read-only corpus and the build-tool lines of the tests, and a few long or deeply nested lines,
/// each analysed in a git workspace many times over.
/// </summary>
internal static class AnalysisBenchmark
{
    private const int WarmupPasses = 3;

    /// <summary>Runs the measurement and prints the table; returns the process exit code.</summary>
    public static int Run(int passes)
    {
        var corpus = Lines("read-only-lines.txt");
        var buildTools = Lines("build-tool-lines.txt").Select(line => line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()).ToList();
        var stress = StressLines();

        var root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "agentexec-bench-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            var context = Workspace(root);
            var all = corpus.Concat(buildTools).Concat(stress.Select(s => s.Line)).ToList();
            var samples = all.Distinct(StringComparer.Ordinal).ToDictionary(line => line, _ => new List<double>(passes), StringComparer.Ordinal);
            for (var pass = 0; pass < WarmupPasses + passes; pass++)
            {
                foreach (var (line, times) in samples)
                {
                    var start = Stopwatch.GetTimestamp();
                    var analysis = CommandAnalyzer.Analyze(line, context);
                    var elapsed = Stopwatch.GetElapsedTime(start);
                    GC.KeepAlive(analysis);
                    if (pass >= WarmupPasses)
                    {
                        times.Add(elapsed.TotalMicroseconds);
                    }
                }
            }

            Console.WriteLine($"CommandAnalyzer.Analyze in a git workspace, {passes} passes after {WarmupPasses} warm-up passes, {Environment.ProcessorCount} CPUs.");
            Console.WriteLine("Per line: its median over the passes; then over the lines of a set:");
            Console.WriteLine($"{"set",-22} {"lines",6} {"mean µs",9} {"median µs",10} {"p90 µs",8} {"max µs",9}");
            Row("read-only corpus", corpus, samples);
            Row("build-tool lines", buildTools, samples);
            Console.WriteLine();
            Console.WriteLine($"{"long or nested line",-48} {"chars",7} {"median µs",10} {"p90 µs",9}");
            foreach (var (name, line) in stress)
            {
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{name,-48} {line.Length,7} {Percentiles.Of(samples[line], 0.5),10:F1} {Percentiles.Of(samples[line], 0.9),9:F1}"));
            }

            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void Row(string name, List<string> lines, Dictionary<string, List<double>> samples)
    {
        var medians = lines.Select(line => Percentiles.Of(samples[line], 0.5)).ToList();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{name,-22} {lines.Count,6} {medians.Average(),9:F1} {Percentiles.Of(medians, 0.5),10:F1} {Percentiles.Of(medians, 0.9),8:F1} {medians.Max(),9:F1}"));
    }

    // The corpus files of the tests, copied beside this program by the project file.
    private static List<string> Lines(string name) =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "corpus", name))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .ToList();

    private static List<(string Name, string Line)> StressLines()
    {
        static string Repeat(string text, int count) => string.Concat(Enumerable.Repeat(text, count));
        return
        [
            ("pipeline of 50 read-only parts", "cat README.md" + Repeat(" | grep -v x", 49)),
            ("echo with 1,000 words", "echo" + Repeat(" word", 1_000)),
            ("cat of 500 paths", "cat" + Repeat(" src/Core/OrderService.cs", 500)),
            ("$( ) nested 8 deep", Repeat("echo $(", 8) + "pwd" + Repeat(")", 8)),
            ("\"$( )\" nested 8 deep", "echo " + Repeat("\"$(echo ", 8) + "x" + Repeat(")\"", 8)),
            ("bash -lc nested 3 deep", "bash -lc \"bash -lc 'bash -c \\\"ls -la | head\\\"'\""),
            ("brace words nested 50 deep", "echo " + Repeat("{a,", 50) + "b" + Repeat("}", 50)),
            ("heredoc of 2,000 lines", "cat <<'EOF'\n" + Repeat("some text $(not run)\n", 2_000) + "EOF"),
            ("16 KiB of 'echo a && '", Repeat("echo a && ", 1_638) + "pwd"),
        ];
    }

    // A repository the proof can consult (git selects it from the working directory), and a home beside it.
    private static AnalysisContext Workspace(string root)
    {
        var workspace = Directory.CreateDirectory(Path.Combine(root, "workspace")).FullName;
        var home = Directory.CreateDirectory(Path.Combine(root, "home")).FullName;
        Directory.CreateDirectory(Path.Combine(workspace, "src", "Core"));
        File.WriteAllText(Path.Combine(workspace, "README.md"), "# Shop\n");
        using (var git = Process.Start(new ProcessStartInfo("git", ["init", "-q", workspace]) { RedirectStandardError = true }))
        {
            git?.WaitForExit();
            if (git is not { ExitCode: 0 })
            {
                Console.Error.WriteLine("git init failed: the lines are analysed outside a repository");
            }
        }

        return new AnalysisContext(workspace, home, "/usr/local/bin:/usr/bin:/bin", [workspace], CredentialList.For(home), CredentialsHidden: true);
    }
}
