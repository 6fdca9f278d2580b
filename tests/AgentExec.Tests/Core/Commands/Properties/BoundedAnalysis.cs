using System.Globalization;
using System.Text;
using AgentExec.Core.Commands;

namespace AgentExec.Tests.Core.Commands.Properties;

/// <summary>Runs the analyzer with a hang detector, and prints generated lines so that a shrunk counterexample is legible.</summary>
internal static class BoundedAnalysis
{
    /// <summary>
    /// Far beyond any line's analysis time (microseconds, see the benchmark): exceeding it means the analyzer loops or
    /// backtracks without bound, not that the machine is slow. It is a hang detector, not a speed goal.
    /// </summary>
    public static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(10);

    /// <summary>Analyses <paramref name="line"/> on a thread of its own and fails when it does not return within <see cref="HangLimit"/>.</summary>
    public static CommandAnalysis Analyze(string line, AnalysisContext context)
    {
        // A dedicated thread with the default stack, as the server's request threads have, so that a recursion the
        // depth limit does not stop shows as it would in production. A hung thread is left behind as a background thread.
        var analysis = Task.Factory.StartNew(
            () => CommandAnalyzer.Analyze(line, context),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        if (!analysis.Wait(HangLimit))
        {
            throw new TimeoutException($"the analysis did not finish within {HangLimit.TotalSeconds} s: {Visible(line)}");
        }

        return analysis.Result;
    }

    /// <summary>
    /// <paramref name="line"/> with control, format and non-ASCII characters escaped as <c>\uXXXX</c> (newline as
    /// <c>\n</c>), and long lines cut in the middle, so that a counterexample prints readably on one line.
    /// </summary>
    public static string Visible(string line)
    {
        const int Shown = 160;
        var text = line.Length <= 2 * Shown ? line : $"{line[..Shown]}[...cut, {line.Length} chars in all...]{line[^Shown..]}";
        var visible = new StringBuilder(text.Length + 2).Append('[');
        foreach (var c in text)
        {
            visible.Append(c switch
            {
                '\n' => "\\n",
                '\t' => "\\t",
                '\\' => "\\\\",
                < ' ' or > '~' => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"),
                _ => c.ToString(),
            });
        }

        return visible.Append(']').ToString();
    }
}
