using System.Diagnostics.CodeAnalysis;

namespace AgentExec.Core.Credentials;

/// <summary>
/// One entry of the credential list as written: an absolute path, a <c>~/</c> path or a bare name pattern; a trailing
/// <c>/</c> makes it a directory. <c>*</c>, <c>?</c> and <c>[…]</c> are patterns within a component; <c>\</c> escapes.
/// </summary>
public sealed class CredentialEntry
{
    private CredentialEntry(string text, CredentialEntryKind kind, bool homeRelative, GlobPattern[] components, GlobPattern? except)
    {
        Text = text;
        Kind = kind;
        IsHomeRelative = homeRelative;
        Components = components;
        Except = except;
    }

    /// <summary>The entry as written (<c>~/.ssh/</c>, <c>*.pem</c>).</summary>
    public string Text { get; }

    /// <summary>Whether it is a fixed file, a fixed directory or a name pattern.</summary>
    public CredentialEntryKind Kind { get; }

    /// <summary>True for a <c>~/</c> entry, resolved against each home directory the list knows.</summary>
    public bool IsHomeRelative { get; }

    /// <summary>The path components below <c>/</c> or the home directory; for a name pattern, the one name.</summary>
    internal GlobPattern[] Components { get; }

    /// <summary>Names a name pattern leaves out (<c>id_*</c> but not <c>*.pub</c>); null for none.</summary>
    internal GlobPattern? Except { get; }

    /// <inheritdoc />
    public override string ToString() => Text;

    /// <summary>Parses an entry; the problem is a phrase such as "is empty".</summary>
    /// <param name="text">The entry as written.</param>
    /// <param name="entry">The entry, when valid.</param>
    /// <param name="problem">Why it is not valid.</param>
    /// <returns>Whether it is valid.</returns>
    public static bool TryParse(string text, [NotNullWhen(true)] out CredentialEntry? entry, [NotNullWhen(false)] out string? problem) =>
        TryParse(text, except: null, out entry, out problem);

    /// <summary>Parses a built-in entry, which is known to be valid.</summary>
    internal static CredentialEntry BuiltIn(string text, string? except = null) =>
        TryParse(text, except, out var entry, out var problem) ? entry : throw new InvalidOperationException($"Built-in credential entry {text}: {problem}");

    private static bool TryParse(string text, string? except, [NotNullWhen(true)] out CredentialEntry? entry, [NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        entry = null;
        if (text.Length == 0)
        {
            problem = "is empty";
            return false;
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            problem = "holds a NUL character";
            return false;
        }

        var isDirectory = text.EndsWith('/');
        var body = isDirectory ? text.TrimEnd('/') : text;
        bool homeRelative;
        if (text.StartsWith("~/", StringComparison.Ordinal))
        {
            homeRelative = true;
            body = body.Length > 2 ? body[2..] : "";
        }
        else if (text.StartsWith('/'))
        {
            homeRelative = false;
        }
        else if (!body.Contains('/', StringComparison.Ordinal))
        {
            if (body is "" or "." or ".." or "~")
            {
                problem = $"'{text}' is not a name pattern; write an absolute path, a ~/ path or a file name such as *.p12";
                return false;
            }

            entry = new CredentialEntry(text, CredentialEntryKind.Name, false, [GlobPattern.Parse(body)], except is null ? null : GlobPattern.Parse(except));
            problem = null;
            return true;
        }
        else
        {
            problem = $"'{text}' is a relative path; write an absolute path, a ~/ path, or a bare file name pattern without a slash";
            return false;
        }

        var components = LexicalPath.Components("/" + body);
        if (components.Count == 0)
        {
            problem = $"'{text}' names {(homeRelative ? "the whole home directory" : "the root directory")}; name something inside it";
            return false;
        }

        entry = new CredentialEntry(
            text,
            isDirectory ? CredentialEntryKind.Directory : CredentialEntryKind.File,
            homeRelative,
            components.Select(GlobPattern.Parse).ToArray(),
            except: null);
        problem = null;
        return true;
    }
}
