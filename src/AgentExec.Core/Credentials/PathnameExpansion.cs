using System.IO.Enumeration;
using AgentExec.Core.Configuration;

namespace AgentExec.Core.Credentials;

/// <summary>
/// Expands a bash pathname pattern whose wildcards all lie in its last component, the way bash does with its default
/// options, by listing that one directory now: what a program will receive as its command-line operands.
/// </summary>
/// <remarks>
/// Only the last component is expanded: a pattern with a wildcard in a directory component (<c>*/x</c>) is not, and
/// the caller then assumes the worst. Bash's defaults are assumed, as <see cref="GlobPattern"/> assumes them (the
/// analyzer refuses <c>shopt</c>, <c>set</c> and <c>GLOBIGNORE</c>): no <c>dotglob</c>, so a leading-dot name is matched
/// only by a pattern starting with a literal <c>.</c>. Bash before 5.2 (or with <c>globskipdots</c> off) also lets such
/// a pattern match <c>.</c> and <c>..</c>, which a directory listing never holds: they are added whenever the pattern
/// matches them, which is merely strict on a newer bash.
/// </remarks>
internal static class PathnameExpansion
{
    /// <summary>
    /// The paths <paramref name="pattern"/> (a bash pattern, quoted wildcards escaped with a backslash; relative ones
    /// taken from <paramref name="directory"/>) expands to now; null when that cannot be told: a wildcard before the last
    /// component, a directory that exists but cannot be listed, a name that is not valid UTF-8, or more than
    /// <paramref name="maxEntries"/> entries.
    /// </summary>
    /// <returns>The matches, each the directory joined with the name; when nothing matches, the one path bash then
    /// passes on: the pattern as written, escapes removed (which may name a file: "[q]" does not match "[q]").</returns>
    public static IReadOnlyList<string>? TryExpand(string directory, string pattern, int maxEntries)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(pattern);
        var trimmed = pattern.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        var directoryPart = slash < 0 ? string.Empty : trimmed[..(slash + 1)];
        var last = GlobPattern.Parse(trimmed[(slash + 1)..]);
        var parent = trimmed.StartsWith('/') ? "/" : directory;
        foreach (var component in directoryPart.Split('/'))
        {
            if (component.Length == 0)
            {
                continue;
            }

            if (GlobPattern.Parse(component).Literal is not { } literal)
            {
                return null;
            }

            parent = Path.Join(parent, literal);
        }

        if (last.Literal is { } literalName)
        {
            // An unmatched "[" alone made the word a pattern: it names itself.
            return [Path.Join(parent, literalName)];
        }

        // The directory is listed where the kernel finds it: ".." after a link is the parent of where the link leads
        // ("h/../hom*" with h a link to the home matches the home), where a listing of the written path would take ".."
        // away first. The matches keep the written directory, as bash passes them on.
        if (!RealPath.TryResolve(parent, out var physical, out var exists))
        {
            return null;
        }

        // What bash passes on when nothing matches: the pattern as written, escapes removed, which is a name like any
        // other ("[q]" is no match for a file called "[q]": grep -r x [q] read through such a link to the home, found by
        // an attack).
        string[] unmatched = [Path.Join(parent, GlobPattern.Unescaped(trimmed[(slash + 1)..]))];
        if (!exists)
        {
            // Nothing there: bash passes the pattern on unexpanded, naming a file that does not exist.
            return unmatched;
        }

        var budget = maxEntries;
        var listed = new List<string>();
        switch (MatchNames(physical, last, listed, ref budget))
        {
            case NameListing.Missing:
                return unmatched;
            case NameListing.Unreadable or NameListing.Unknown:
                return null;
        }

        var matches = listed.Select(match => Path.Join(parent, Path.GetFileName(match))).ToList();

        foreach (var dots in (string[])[".", ".."])
        {
            if (last.Matches(dots, hidesDotNames: true))
            {
                matches.Add(Path.Join(parent, dots));
            }
        }

        return matches.Count == 0 ? unmatched : matches;
    }

    /// <summary>
    /// Adds to <paramref name="matches"/> the path of every name in <paramref name="directory"/> that
    /// <paramref name="component"/> matches as bash's expansion does (a leading dot needs a literal one), each name read
    /// counted against <paramref name="budget"/>.
    /// </summary>
    internal static NameListing MatchNames(string directory, GlobPattern component, List<string> matches, ref int budget)
    {
        try
        {
            var names = new FileSystemEnumerable<string>(
                directory,
                (ref FileSystemEntry entry) => entry.FileName.ToString(),
                new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false, RecurseSubdirectories = false });
            foreach (var name in names)
            {
                // A name that is not valid UTF-8 reaches us with U+FFFD in place of its bad bytes: neither the path nor how
                // bash's pattern matches those bytes is known.
                if (--budget < 0 || name.Contains('\uFFFD', StringComparison.Ordinal))
                {
                    return NameListing.Unknown;
                }

                if (component.Matches(name, hidesDotNames: true))
                {
                    matches.Add(Path.Join(directory, name));
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
            return NameListing.Missing;
        }
        catch (UnauthorizedAccessException)
        {
            return NameListing.Unreadable;
        }
        catch (IOException)
        {
            return NameListing.Unknown;
        }

        return NameListing.Listed;
    }
}
