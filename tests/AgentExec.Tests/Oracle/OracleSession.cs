using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace AgentExec.Tests.Oracle;

/// <summary>One oracle run over several sources of lines, counting what was generated, judged known-safe and missed.</summary>
internal sealed class OracleSession(DifferentialOracle oracle)
{
    private const int ReportedMisses = 1000;

    private readonly Dictionary<string, bool> seen = new(StringComparer.Ordinal);
    private readonly List<(string Source, OracleOutcome Outcome)> misses = [];
    private readonly List<string> sources = [];
    private readonly Stopwatch running = new();
    private int runs;
    private int timedOut;

    /// <summary>Lines checked, duplicates included.</summary>
    public int Generated { get; private set; }

    /// <summary>Lines the analyzer judged known-safe, duplicates included.</summary>
    public int KnownSafe { get; private set; }

    /// <summary>The known-safe lines that did more than read, with where they came from.</summary>
    public IReadOnlyList<(string Source, OracleOutcome Outcome)> Misses => misses;

    /// <summary>The one line CI prints.</summary>
    public string Summary => $"oracle: {Generated} generated, {KnownSafe} judged known-safe, {misses.Count} with side effects";

    /// <summary>Where the lines came from, how many ran, how fast, and every miss with its side effects.</summary>
    public string Report
    {
        get
        {
            var report = new StringBuilder(Summary).AppendLine();
            var rate = running.Elapsed.TotalSeconds > 0 ? runs / running.Elapsed.TotalSeconds : 0;
            report.AppendLine(CultureInfo.InvariantCulture, $"  sources: {string.Join("; ", sources)}");
            report.AppendLine(CultureInfo.InvariantCulture, $"  ran {runs} distinct lines in the sandbox at {rate:F1} lines/s; {timedOut} hit the time limit");
            foreach (var (source, outcome) in misses.Take(ReportedMisses))
            {
                // Written back with the corpus placeholders, ready to paste into regressions.txt.
                var row = Escape(outcome.Line).Replace(oracle.Area.MarkerProgram, "@MARK@", StringComparison.Ordinal);
                report.AppendLine(CultureInfo.InvariantCulture, $"MISS [{source}] {row}");
                foreach (var effect in outcome.SideEffects.DistinctBy(effect => effect.ToString()).Take(8))
                {
                    report.AppendLine(CultureInfo.InvariantCulture, $"    {effect}");
                }
            }

            if (misses.Count > ReportedMisses)
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"… and {misses.Count - ReportedMisses} more");
            }

            return report.ToString();
        }
    }

    /// <summary>Checks every line of a checked-in corpus.</summary>
    public void CheckAll(string source, IEnumerable<string> lines)
    {
        var count = 0;
        foreach (var line in lines)
        {
            Check(source, CorpusFile.Expand(line, oracle.Area));
            count++;
        }

        sources.Add($"{source} {count} lines");
    }

    /// <summary>Checks generated lines of <paramref name="seed"/> until <paramref name="deadline"/> (at least one).</summary>
    public void Generate(string source, int seed, DateTime deadline)
    {
        var generator = new CommandLineGenerator(seed);
        var count = 0;
        do
        {
            count++;
            Check($"{source} {seed} #{count}", CorpusFile.Expand(generator.Next(), oracle.Area));
        }
        while (DateTime.UtcNow < deadline);

        sources.Add($"{source} {seed}: {count} lines");
    }

    private void Check(string source, string line)
    {
        Generated++;
        if (seen.TryGetValue(line, out var knownSafe))
        {
            KnownSafe += knownSafe ? 1 : 0;
            return;
        }

        knownSafe = oracle.IsKnownSafe(line);
        seen[line] = knownSafe;
        if (!knownSafe)
        {
            return;
        }

        KnownSafe++;
        running.Start();
        var outcome = oracle.RunAndTrace(line);
        running.Stop();
        runs++;
        timedOut += outcome.Run?.TimedOut == true ? 1 : 0;
        if (outcome.IsMiss)
        {
            misses.Add((source, outcome));
        }
    }

    // One report line per miss: newlines and other control characters shown, not obeyed.
    private static string Escape(string line)
    {
        var escaped = new StringBuilder();
        foreach (var c in line)
        {
            escaped.Append(c switch
            {
                '\n' => "@NL@",
                _ when char.IsControl(c) => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }
}
