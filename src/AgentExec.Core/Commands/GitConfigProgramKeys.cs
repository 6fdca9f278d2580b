namespace AgentExec.Core.Commands;

/// <summary>
/// The configuration keys whose value can name a program git runs (SPEC.md "Policy", step 3a; the list and a
/// reason per key are in docs/git-inspection.md).
/// </summary>
/// <remarks>
/// Matching is deliberately looser than git's: a key is matched on its section and variable name whatever
/// its subsection (<c>[core "x"] pager</c> counts though git ignores it), and any variable whose name ends
/// like a command setting (<c>…cmd</c>, <c>…command</c>, <c>…program</c>, …) counts in every section, so a
/// key added to git after this list was written is caught as long as it is named the usual way.
/// </remarks>
internal static class GitConfigProgramKeys
{
    // (section, variable) pairs that name a program (or a file of hooks) whatever their value.
    private static readonly HashSet<(string Section, string Name)> AlwaysPrograms =
    [
        ("core", "pager"), ("core", "sshcommand"), ("core", "askpass"), ("core", "editor"), ("core", "hookspath"),
        ("core", "gitproxy"), ("core", "alternaterefscommand"), ("sequence", "editor"),
        ("diff", "external"), ("diff", "command"), ("diff", "textconv"),
        ("filter", "clean"), ("filter", "smudge"), ("filter", "process"),
        ("gpg", "program"), ("gpg", "defaultkeycommand"), ("credential", "helper"), ("interactive", "difffilter"),
        ("merge", "driver"), ("remote", "uploadpack"), ("remote", "receivepack"), ("remote", "vcs"),
        ("uploadpack", "packobjectshook"), ("difftool", "cmd"), ("difftool", "path"), ("mergetool", "cmd"),
        ("mergetool", "path"), ("man", "cmd"), ("man", "path"), ("browser", "cmd"), ("browser", "path"),
        ("guitool", "cmd"), ("instaweb", "httpd"), ("imap", "tunnel"), ("sendemail", "smtpserver"),
        ("lfs", "path"), ("lfs", "clean"), ("lfs", "smudge"),
    ];

    // Sections in which every variable names a program: aliases (strict: git never lets one replace a built-in).
    private static readonly HashSet<string> ProgramSections = ["alias"];

    // How git names command settings; matched at the end of any variable name. And "file": a file git reads where the
    // agent chose (blame.ignoreRevsFile made git blame print the first line of ~/.git-credentials; mailmap.file,
    // core.excludesFile, core.attributesFile and diff.orderFile are read by inspection too), which may be a credential
    // or a link to one.
    private static readonly string[] ProgramNameEndings = ["cmd", "command", "program", "helper", "editor", "pager", "hook", "file"];

    /// <summary>The key of <paramref name="entry"/> when its value could name a program to run, otherwise null.</summary>
    public static string? Find(GitConfigEntry entry)
    {
        if (SubmoduleEntering(entry) is { } entering)
        {
            return entering;
        }

        var section = entry.Section;
        var name = entry.Name;
        var value = entry.Value;
        var names = (section, name) switch
        {
            // true is the built-in daemon (or, on older git, the fsmonitor-watchman hook): strict, a program too.
            ("core", "fsmonitor") => !IsFalse(value),

            // Showing signatures runs gpg.program (or gpg itself) on every signed commit git log prints.
            ("log", "showsignature") => !IsFalse(value),

            // A boolean only switches the pager on or off (core.pager decides which); anything else is the pager command.
            ("pager", _) => !IsBoolean(value),

            // "always" or "user" lets a remote URL such as ext::sh -c … run a command on a lazy fetch of a partial clone.
            ("protocol", "allow") => !string.Equals(value, "never", StringComparison.OrdinalIgnoreCase),

            // A pretty format with a signature placeholder verifies signatures: git log runs gpg (GitInspection's rule for
            // --format and --pretty, here for the formats a configuration names).
            ("format", "pretty") or ("pretty", _) => GitInspection.NamesSignature(value),

            // "!command" runs a command on git submodule update.
            ("submodule", "update") => value is null || value.StartsWith('!'),

            // A partial clone fetches a missing object on demand when git log -p or git show needs it: that runs the
            // remote's transport (a network connection, git-upload-pack, git maintenance) from a plain inspection.
            ("extensions", "partialclone") => true,
            ("remote", "promisor") => !IsFalse(value),
            _ => AlwaysPrograms.Contains((section, name))
                || ProgramSections.Contains(section)
                || ProgramNameEndings.Any(ending => name.EndsWith(ending, StringComparison.Ordinal)),
        };

        return names ? entry.Key : null;
    }

    /// <summary>
    /// The key of <paramref name="entry"/> when it makes an inspection enter submodules that only a commit names (none in
    /// the index, which is what the check reads for submodules): <c>diff.submodule</c> other than <c>short</c> (git
    /// log -p then runs git diff in each), <c>status.submoduleSummary</c> not false (git status then runs git submodule
    /// summary, which runs git log there), <c>submodule.recurse</c> not false (git grep of a commit enters the
    /// submodules that commit names). A directory the agent planted under such a name would be entered unchecked,
    /// so this counts even in the user's own configuration, where no other key is checked.
    /// </summary>
    public static string? SubmoduleEntering(GitConfigEntry entry) => (entry.Section, entry.Name) switch
    {
        ("diff", "submodule") when !string.Equals(entry.Value, "short", StringComparison.Ordinal) => entry.Key,
        ("status", "submodulesummary") when !IsFalse(entry.Value) => entry.Key,
        ("submodule", "recurse") when !IsFalse(entry.Value) => entry.Key,
        _ => null,
    };

    /// <summary>True for the values git reads as boolean false: empty, <c>false</c>, <c>no</c>, <c>off</c> or an integer zero.</summary>
    public static bool IsFalse(string? value)
    {
        if (value is null)
        {
            return false;
        }

        // No trimming: git compares the value as parsed, and a quoted " false" is a command named " false".
        return value.Length == 0
            || value.Equals("false", StringComparison.OrdinalIgnoreCase)
            || value.Equals("no", StringComparison.OrdinalIgnoreCase)
            || value.Equals("off", StringComparison.OrdinalIgnoreCase)
            || (IsInteger(value) && value.TrimStart('+', '-').All(c => c == '0'));
    }

    private static bool IsBoolean(string? value)
    {
        if (value is null || IsFalse(value))
        {
            return true;
        }

        return value.Equals("true", StringComparison.OrdinalIgnoreCase)
            || value.Equals("yes", StringComparison.OrdinalIgnoreCase)
            || value.Equals("on", StringComparison.OrdinalIgnoreCase)
            || IsSmallInteger(value);
    }

    private static bool IsInteger(string value)
    {
        var digits = value.StartsWith('+') || value.StartsWith('-') ? value[1..] : value;
        return digits.Length > 0 && digits.All(char.IsAsciiDigit);
    }

    // git reads a boolean-or-integer as an int: a number too large for one is not a number to git, and pager.<cmd> then
    // takes it as the pager's command line. Nine significant digits always fit.
    private static bool IsSmallInteger(string value) =>
        IsInteger(value) && value.TrimStart('+', '-').TrimStart('0').Length <= 9;
}
