using AgentExec.Core.Commands;
using CsCheck;
using Xunit.Abstractions;

namespace AgentExec.Tests.Core.Commands.Properties;

/// <summary>
/// Issue 9, deliverable 7: the analyzer returns on any string, however long, nested or malformed, without throwing
/// and without its fail-closed net catching an exception of the parser's.
/// </summary>
public sealed class AnalyzerTerminationProperties(ITestOutputHelper output)
{
    // CommandAnalyzer's last resort turns an exception into this unknown reason; the line is still refused, but the
    // parser threw, which is the bug this property looks for.
    private const string SwallowedException = "the analysis failed";

    // The kernel's MAX_ARG_STRLEN, the analyzer's own limit: bash -c could not be given a longer line.
    private const int MaxLineLength = 128 * 1024;

    private static readonly string[] ShellTokens =
    [
        "'", "\"", "$", "(", ")", "{", "}", "\\", "`", "<<", "<<-", "<<'EOF'\n", "<<EOF\n", "\nEOF\n", "EOF", "\n", "\r", "\0",
        " ", "\t", ";", ";;", "&", "&&", "|", "||", "|&", ">", ">>", "<", "<>", ">&", "&>", "2>&1", "<<<", "<(", ">(", "$(", "${",
        "$((", "))", "$[", "[", "]", "[[", "]]", "*", "?", "~", "!", "#", "=", "+=", ",", "..", "-", "--", "-c", "$'", "\\x00",
        "@", "%", ":", "^", "a", "x", "{}", "\\;", "ls", "echo", "cat f", "bash -c ", "bash -lc ", "sh -c ", "env ", "sudo ",
        "find . -exec ", "xargs ", "eval ", "if", "then", "else", "fi", "case", "esac", "in", "do", "done", "for", "while",
        "function", "coproc", "time", "!(", "@(", "extglob", "é", "日本", "\u202E", "\u00A0", "\u2028", "😀", "\uD800", "\uFEFF",
    ];

    private static readonly (string Open, string Close)[] Nestings =
    [
        ("$(", ")"), ("(", ")"), ("{ ", "; }"), ("\"$(", ")\""), ("`", "`"), ("${x:-", "}"), ("$((", "))"), ("<(", ")"),
        (">(", ")"), ("bash -c '", "'"), ("bash -c \"", "\""), ("$(echo ", ")"), ("[[ ", " ]]"), ("if true; then ", "; fi"),
        ("\"", "\""), ("'", "'"), ("${x[", "]}"), ("{a,", "}"), ("((", "))"), ("eval ", ""), ("find . -exec ", " \\;"),
        ("xargs ", ""), ("sudo ", ""), ("<<EOF\n", "\nEOF\n"), ("$'", "'"), ("\\", ""),
    ];

    private static readonly Gen<string> Token = Gen.OneOf(
        Gen.OneOf(ShellTokens),
        Gen.Char.Select(c => c.ToString()));

    private static readonly Gen<string> Soup = Token.Array[0, 80].Select(string.Concat);

    [Fact]
    public void Analyzer_returns_without_throwing_on_any_string_over_a_shell_heavy_alphabet()
    {
        Soup.Sample(AssertAnalyses, iter: 4000, writeLine: output.WriteLine, print: BoundedAnalysis.Visible);
    }

    // Today's analyzer is quadratic on some lines: 20,000 characters of "[" take 4 s, 128 KiB of "a " about 25 s.
    [Fact]
    public void Analyzer_returns_without_throwing_on_lines_up_to_and_past_the_length_limit()
    {
        var lengths = Gen.OneOf(Gen.Int[1_000, MaxLineLength], Gen.OneOf(MaxLineLength - 1, MaxLineLength, MaxLineLength + 1));
        var fragments = Gen.OneOf(
            Token.Array[1, 12].Select(string.Concat),
            Gen.OneOf("ls | ", "a && ", "echo {a,b}", "x", "'", "\"$x\" ", "$(", "\\\n", "f; ", "\n", "{ ", "(", "<<E\n", "*?[a]"));
        var longLines =
            from prefix in Gen.OneOf("", "echo ", "ls ", "bash -c '", "cat <<EOF\n")
            from fragment in fragments
            from length in lengths
            select Repeat(prefix, fragment, length);

        longLines.Sample(AssertAnalyses, iter: 40, writeLine: output.WriteLine, print: BoundedAnalysis.Visible);
    }

    [Fact]
    public void Analyzer_returns_without_throwing_on_deep_nesting()
    {
        var nested =
            from kinds in Gen.Int[0, Nestings.Length - 1].Array[1, 3]
            from depth in Gen.Int[1, 5_000]
            from closed in Gen.Int[0, 2]
            select Nest(kinds, depth, closed);

        nested.Sample(AssertAnalyses, iter: 400, writeLine: output.WriteLine, print: BoundedAnalysis.Visible);
    }

    private static void AssertAnalyses(string line)
    {
        var analysis = BoundedAnalysis.Analyze(line, AnalysisContext.Detached);

        Assert.Equal(line, analysis.CommandLine);
        Assert.DoesNotContain(SwallowedException, analysis.UnknownReason ?? string.Empty, StringComparison.Ordinal);
        Assert.True(!analysis.IsUnknown || !KnownSafeJudge.IsKnownSafe(analysis), "an unknown line was judged known-safe");
    }

    private static string Repeat(string prefix, string fragment, int length)
    {
        var text = new System.Text.StringBuilder(length + fragment.Length).Append(prefix);
        while (text.Length < length)
        {
            text.Append(fragment);
        }

        return text.ToString(0, length);
    }

    // closed: 0 leaves every level open, 1 closes half of them, 2 closes them all.
    private static string Nest(int[] kinds, int depth, int closed)
    {
        var text = new System.Text.StringBuilder("echo ");
        for (var level = 0; level < depth; level++)
        {
            text.Append(Nestings[kinds[level % kinds.Length]].Open);
        }

        text.Append('x');
        var closing = closed switch { 0 => 0, 1 => depth / 2, _ => depth };
        for (var level = depth - 1; level >= depth - closing; level--)
        {
            text.Append(Nestings[kinds[level % kinds.Length]].Close);
        }

        return text.ToString();
    }
}
