using System.Text;
using AgentExec.Core.Configuration;

namespace AgentExec.Core.Commands;

/// <summary>
/// Reads git's configuration format the way git's own parser does (config.c): sections, quoted and
/// old-style subsections, bare keys, quoting, escapes, <c>\</c> line continuations and comments.
/// </summary>
/// <remarks>
/// A file git would refuse is refused here too (<see cref="InvalidDataException"/>), so the caller fails
/// closed: a value hidden by a trick this reader does not follow must not read as "nothing set".
/// </remarks>
internal sealed class GitConfigFileReader
{
    /// <summary>Files larger than this are refused rather than read: a real configuration is a few kilobytes.</summary>
    public const int MaximumBytes = 1024 * 1024;

    /// <summary>Files with more entries than this are refused.</summary>
    public const int MaximumEntries = 20_000;

    // The same few files are read for every git command line: each one's entries are remembered with the bytes they were
    // parsed from, and used again only for the same bytes (ContentMemory says why not for the same stamp).
    private static readonly ContentMemory<string, GitConfigEntry[]> Remembered = new(maximumFileBytes: 64 * 1024, budgetBytes: 4 * 1024 * 1024);
    private static readonly ContentMemory<string, GitConfigEntry[]> RememberedTolerant = new(maximumFileBytes: 64 * 1024, budgetBytes: 1024 * 1024);

    private readonly string _text;
    private int _position;
    private int _line = 1;
    private bool _atEnd;

    private GitConfigFileReader(string text)
    {
        // git skips a UTF-8 byte order mark at the start of a file.
        _text = text.StartsWith('\uFEFF') ? text[1..] : text;
    }

    /// <summary>Every entry of the file's <paramref name="text"/>, in order.</summary>
    /// <exception cref="InvalidDataException">The text is not a configuration git would accept, or is over the bounds.</exception>
    public static IReadOnlyList<GitConfigEntry> Parse(string text) => new GitConfigFileReader(text).ReadAll();

    /// <summary>Every entry of the file at <paramref name="path"/> (symlinks followed), in order, or null when there is no such file.</summary>
    /// <exception cref="InvalidDataException">The file is not a configuration git would accept.</exception>
    /// <exception cref="IOException">The file cannot be read, is over the size bound, or is not a regular file.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be read.</exception>
    public static IReadOnlyList<GitConfigEntry>? ReadFileIfExists(string path) => ReadFileIfExists(path, tolerateNonUtf8: false);

    /// <summary>
    /// <see cref="ReadFileIfExists(string)"/> for a reader that needs only what the file names elsewhere (includes, a hooks
    /// path, a template directory): bytes that are not UTF-8 read as U+FFFD instead of refusing the file, since git reads
    /// a comment or a <c>user.name</c> in Latin-1 without complaint, and refusing it lost sight of everything the file
    /// names (found by a review: a hooks path the sandbox then left writable). A path value holding U+FFFD cannot be
    /// placed (<see cref="GitConfigPaths.Pathname"/>), which its reader must treat as unknown, never as nothing.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a configuration git would accept.</exception>
    /// <exception cref="IOException">The file cannot be read, is over the size bound, or is not a regular file.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be read.</exception>
    public static IReadOnlyList<GitConfigEntry>? ReadFileToleratingNonUtf8IfExists(string path) => ReadFileIfExists(path, tolerateNonUtf8: true);

    private static GitConfigEntry[]? ReadFileIfExists(string path, bool tolerateNonUtf8)
    {
        byte[]? bytes;
        try
        {
            bytes = GitConfigFileBytes.ReadIfExists(path, MaximumBytes);
        }
        catch (IOException) when (IsNullDevice(path))
        {
            // git reads the null device as an empty file: GIT_CONFIG_GLOBAL=/dev/null, or ~/.gitconfig linked to it, is
            // the usual way to switch the user's configuration off (a review found it refused as unreadable).
            return [];
        }

        if (bytes is null)
        {
            return null;
        }

        var memory = tolerateNonUtf8 ? RememberedTolerant : Remembered;
        if (memory.TryRecall(path, bytes, out var remembered))
        {
            return remembered;
        }

        var text = tolerateNonUtf8 ? GitConfigFileBytes.DecodeReplacingUndecodable(bytes, path) : GitConfigFileBytes.DecodeStrictly(bytes, path);
        GitConfigEntry[] entries = [.. Parse(text)];
        memory.Remember(path, bytes, entries);
        return entries;
    }

    private static bool IsNullDevice(string path) => RealPath.TryResolve(path, out var real, out var exists) && exists && real == "/dev/null";

    private List<GitConfigEntry> ReadAll()
    {
        var entries = new List<GitConfigEntry>();
        string? section = null;
        while (true)
        {
            var c = Next();
            if (_atEnd)
            {
                return entries;
            }

            if (c == '\n' || IsSpace(c))
            {
                continue;
            }

            if (c is '#' or ';')
            {
                SkipLine();
                continue;
            }

            if (c == '[')
            {
                // What follows "]" on the same line is read as ordinary content, as git does: "[core] pager = x" sets core.pager.
                section = ReadSection();
                continue;
            }

            if (!char.IsAsciiLetter(c))
            {
                throw Invalid("a line that is neither a section, a key nor a comment");
            }

            if (section is null)
            {
                throw Invalid("a key before any section");
            }

            entries.Add(ReadEntry(section, c));
            if (entries.Count > MaximumEntries)
            {
                throw Invalid($"more than {MaximumEntries} entries");
            }
        }
    }

    private string ReadSection()
    {
        var name = new StringBuilder();
        while (true)
        {
            var c = Next();
            if (_atEnd)
            {
                throw Invalid("an unterminated section header");
            }

            if (c == ']')
            {
                return name.Length == 0 ? throw Invalid("an empty section name") : name.ToString();
            }

            if (IsSpace(c))
            {
                return name.Length == 0 ? throw Invalid("an empty section name") : ReadSubsection(name);
            }

            if (!IsKeyChar(c) && c != '.')
            {
                throw Invalid("a section name with a character git refuses");
            }

            // An old-style subsection ([diff.X]) is lower-cased with the section, as git does.
            name.Append(char.ToLowerInvariant(c));
        }
    }

    private string ReadSubsection(StringBuilder name)
    {
        char c;
        do
        {
            c = Next();
        }
        while (!_atEnd && IsSpace(c));

        if (c != '"')
        {
            throw Invalid("a subsection that is not quoted");
        }

        name.Append('.');
        while (true)
        {
            c = Next();
            if (c == '\n')
            {
                throw Invalid("a subsection that runs past the end of its line");
            }

            if (c == '"')
            {
                break;
            }

            if (c == '\\')
            {
                c = Next();
                if (c == '\n')
                {
                    throw Invalid("a subsection that runs past the end of its line");
                }
            }

            name.Append(c);
        }

        if (Next() != ']')
        {
            throw Invalid("a subsection not followed by ']'");
        }

        return name.ToString();
    }

    private GitConfigEntry ReadEntry(string section, char first)
    {
        var name = new StringBuilder().Append(char.ToLowerInvariant(first));
        char c;
        while (true)
        {
            c = Next();
            if (_atEnd || !IsKeyChar(c))
            {
                break;
            }

            name.Append(char.ToLowerInvariant(c));
        }

        while (c is ' ' or '\t')
        {
            c = Next();
        }

        var key = section + "." + name;
        if (c == '\n')
        {
            return new GitConfigEntry(key, null);
        }

        return c == '=' ? new GitConfigEntry(key, ReadValue()) : throw Invalid($"a key ({key}) followed by neither '=' nor the end of the line");
    }

    private string ReadValue()
    {
        var value = new StringBuilder();
        var quoted = false;
        var comment = false;
        var pendingSpaces = 0;
        while (true)
        {
            var c = Next();
            if (c == '\n')
            {
                return quoted ? throw Invalid("a quoted value that runs past the end of its line") : value.ToString();
            }

            if (comment)
            {
                continue;
            }

            if (IsSpace(c) && !quoted)
            {
                // Leading blanks are dropped; inner ones kept (as single spaces each, as git does); trailing ones dropped at the end.
                if (value.Length > 0)
                {
                    pendingSpaces++;
                }

                continue;
            }

            if (!quoted && c is ';' or '#')
            {
                comment = true;
                continue;
            }

            value.Append(' ', pendingSpaces);
            pendingSpaces = 0;
            if (c == '\\')
            {
                c = Next();
                switch (c)
                {
                    case '\n':
                        continue;
                    case 't':
                        c = '\t';
                        break;
                    case 'b':
                        c = '\b';
                        break;
                    case 'n':
                        c = '\n';
                        break;
                    case '\\' or '"':
                        break;
                    default:
                        throw Invalid("an escape git does not know in a value");
                }

                value.Append(c);
                continue;
            }

            if (c == '"')
            {
                quoted = !quoted;
                continue;
            }

            value.Append(c);
        }
    }

    // Like git's get_next_char: CR LF reads as LF, and the end of the text reads as a final LF.
    private char Next()
    {
        if (_position >= _text.Length)
        {
            _atEnd = true;
            return '\n';
        }

        var c = _text[_position++];
        if (c == '\r' && _position < _text.Length && _text[_position] == '\n')
        {
            c = _text[_position++];
        }

        if (c == '\n')
        {
            _line++;
        }

        return c;
    }

    private void SkipLine()
    {
        while (Next() != '\n')
        {
        }
    }

    private InvalidDataException Invalid(string what) => new($"{what} on line {_line}");

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\r';

    private static bool IsKeyChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '-';
}
