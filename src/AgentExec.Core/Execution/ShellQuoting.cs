using System.Buffers;
using System.Collections.Frozen;
using System.Text;

namespace AgentExec.Core.Execution;

/// <summary>POSIX shell quoting: turns an argv into one command line that <c>bash -c</c> runs as exactly that argv.</summary>
/// <remarks>
/// Used by <c>agentexec run -- CMD ARG…</c> (SPEC.md "Command line"), so that <c>agentexec run -- echo '$(rm x)'</c>
/// prints <c>$(rm x)</c> and runs nothing else. A word made only of <c>[A-Za-z0-9_@%+=:,./-]</c> stays bare; any other
/// word, and the empty word, is put in single quotes, where bash interprets nothing, with each embedded <c>'</c>
/// written as <c>'\''</c>. The first word is also quoted when bare it would not name a program: a word containing
/// <c>=</c> (an assignment), a word starting with <c>%</c> (a job), or a reserved word such as <c>time</c> or
/// <c>if</c>; quoted, bash looks each of them up as a command.
/// </remarks>
public static class ShellQuoting
{
    private static readonly SearchValues<char> SafeCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@%+=:,./-");

    // bash's reserved words made only of safe characters; the others ({ } ! [[ ]]) are quoted anyway.
    private static readonly FrozenSet<string> ReservedWords = FrozenSet.Create(
        StringComparer.Ordinal,
        "case", "coproc", "do", "done", "elif", "else", "esac", "fi", "for", "function", "if", "in", "select", "then",
        "time", "until", "while");

    /// <summary>Quotes each word of <paramref name="argv"/> and joins them with single spaces.</summary>
    /// <exception cref="ArgumentException">A word contains a NUL character, which no shell word can carry.</exception>
    public static string Join(IReadOnlyList<string> argv)
    {
        ArgumentNullException.ThrowIfNull(argv);

        var line = new StringBuilder();
        for (var index = 0; index < argv.Count; index++)
        {
            var word = argv[index];
            if (word.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException($"Word {index} contains a NUL character, which a shell word cannot carry.", nameof(argv));
            }

            if (index > 0)
            {
                line.Append(' ');
            }

            if (CanStayBare(word, isCommandWord: index == 0))
            {
                line.Append(word);
            }
            else
            {
                AppendSingleQuoted(line, word);
            }
        }

        return line.ToString();
    }

    /// <summary>Quotes one word; the result is a single shell word meaning exactly <paramref name="word"/>.</summary>
    public static string Quote(string word) => Join([word]);

    private static bool CanStayBare(string word, bool isCommandWord)
    {
        if (word.Length == 0 || word.AsSpan().ContainsAnyExcept(SafeCharacters))
        {
            return false;
        }

        return !isCommandWord || (!word.Contains('=', StringComparison.Ordinal) && word[0] != '%' && !ReservedWords.Contains(word));
    }

    private static void AppendSingleQuoted(StringBuilder line, string word)
    {
        line.Append('\'');
        line.Append(word.Replace("'", @"'\''", StringComparison.Ordinal));
        line.Append('\'');
    }
}
