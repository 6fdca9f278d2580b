using System.Runtime.CompilerServices;
using AgentExec.Core.Configuration;

namespace AgentExec.Core.Credentials;

/// <summary>
/// The one list of credential locations (SPEC.md "Policy", step 3a, and "Sandbox"): what bubblewrap hides and
/// what the command analyzer refuses to call a harmless read.
/// </summary>
/// <remarks>
/// <para>
/// Entries are fixed files, fixed directories (everything below them) and name patterns that apply in any directory;
/// <c>docs/credentials.md</c> lists them. <c>~/</c> entries are made concrete for every home directory the list is
/// given (<see cref="WithHomeDirectory"/>), and every fixed entry also under the real path of its directory when a
/// symbolic link stands in it (a dotfiles manager's <c>~/.ssh</c> → <c>~/dotfiles/ssh</c>), resolved when the list is
/// built.
/// </para>
/// <para>
/// Security caveats: a hard link to a credential file under another name is not recognised; the analysis of a
/// pattern looks at the disk when it runs (<see cref="MayMatch(string)"/>), so a file created between the analysis and the
/// run is not seen there (bubblewrap hides it anyway when it exists when the command starts).
/// </para>
/// </remarks>
public sealed class CredentialList
{
    /// <summary>How many directory entries <see cref="MayMatch(string)"/> reads before it gives up and answers true.</summary>
    public const int MaxEntriesExamined = 10_000;

    private static readonly CredentialEntry[] BuiltInEntries =
    [
        CredentialEntry.BuiltIn("~/.ssh/"),
        CredentialEntry.BuiltIn("~/.aws/"),
        CredentialEntry.BuiltIn("~/.gnupg/"),

        // The SPEC names ~/.docker/config.json; the folder also holds Docker contexts' TLS keys, and was hidden whole before.
        CredentialEntry.BuiltIn("~/.docker/"),
        CredentialEntry.BuiltIn("~/.config/gh/"),
        CredentialEntry.BuiltIn("~/.config/gcloud/"),
        CredentialEntry.BuiltIn("~/.azure/"),
        CredentialEntry.BuiltIn("~/.password-store/"),
        CredentialEntry.BuiltIn("~/.local/share/keyrings/"),
        CredentialEntry.BuiltIn("~/.netrc"),
        CredentialEntry.BuiltIn("~/.kube/config"),
        CredentialEntry.BuiltIn("~/.npmrc"),
        CredentialEntry.BuiltIn("~/.pypirc"),
        CredentialEntry.BuiltIn("~/.cargo/credentials*"),
        CredentialEntry.BuiltIn("~/.git-credentials"),
        CredentialEntry.BuiltIn("~/.config/git/credentials"),
        CredentialEntry.BuiltIn("~/.codex/auth.json"),
        CredentialEntry.BuiltIn("~/.pgpass"),
        CredentialEntry.BuiltIn("~/.gem/credentials"),
        CredentialEntry.BuiltIn("~/.terraform.d/credentials.tfrc.json"),

        // Found missing by an attack (2026-12-05): tokens and passwords other common tools keep in the home.
        CredentialEntry.BuiltIn("~/.vault-token"),
        CredentialEntry.BuiltIn("~/.m2/settings.xml"),
        CredentialEntry.BuiltIn("~/.m2/settings-security.xml"),
        CredentialEntry.BuiltIn("~/.s3cfg"),
        CredentialEntry.BuiltIn("~/.boto"),
        CredentialEntry.BuiltIn("~/.config/rclone/rclone.conf"),
        CredentialEntry.BuiltIn("~/.pulumi/credentials.json"),
        CredentialEntry.BuiltIn("~/.databrickscfg"),
        CredentialEntry.BuiltIn("~/.oci/"),
        CredentialEntry.BuiltIn("/etc/shadow"),
        CredentialEntry.BuiltIn("/etc/shadow-"),
        CredentialEntry.BuiltIn("/etc/gshadow"),
        CredentialEntry.BuiltIn("/etc/gshadow-"),
        CredentialEntry.BuiltIn("/etc/ssh/ssh_host_*_key"),
        CredentialEntry.BuiltIn("/proc/*/environ"),
        CredentialEntry.BuiltIn("/proc/*/task/*/environ"),
        CredentialEntry.BuiltIn("/proc/*/mem"),
        CredentialEntry.BuiltIn("/proc/*/task/*/mem"),
        CredentialEntry.BuiltIn(".env"),
        CredentialEntry.BuiltIn(".env.*"),
        CredentialEntry.BuiltIn("id_*", except: "*.pub"),
        CredentialEntry.BuiltIn("*.pem"),
        CredentialEntry.BuiltIn("*.key"),
        CredentialEntry.BuiltIn("*.p12"),
        CredentialEntry.BuiltIn("*.pfx"),
    ];

    private readonly string[] _homes;
    private readonly CredentialEntry[] _added;
    private readonly CredentialLocation[] _locations;
    private readonly CredentialEntry[] _names;

    private CredentialList(string[] homes, IReadOnlyList<string> extraEntries, CredentialEntry[] added)
    {
        _homes = homes;
        ExtraEntries = extraEntries;
        _added = added;
        Entries = [.. BuiltInEntries, .. added];
        _names = Entries.Where(entry => entry.Kind == CredentialEntryKind.Name).ToArray();
        _locations = Concretise(Entries.Where(entry => entry.Kind != CredentialEntryKind.Name), homes);
    }

    /// <summary>The built-in entries, in the order <c>docs/credentials.md</c> lists them.</summary>
    public static IReadOnlyList<CredentialEntry> BuiltIn => BuiltInEntries;

    /// <summary>The home directory the <c>~/</c> entries are resolved against, or null when unknown.</summary>
    public string? HomeDirectory => _homes.Length > 0 ? _homes[0] : null;

    /// <summary>Every home directory the <c>~/</c> entries are resolved against (the command's and the server's).</summary>
    public IReadOnlyList<string> HomeDirectories => _homes;

    /// <summary>The entries the user config added (<c>credential_paths</c>), as written.</summary>
    public IReadOnlyList<string> ExtraEntries { get; }

    /// <summary>Every entry: the built-in ones, <c>credential_paths</c>, and the paths added with <see cref="WithPaths"/>.</summary>
    public IReadOnlyList<CredentialEntry> Entries { get; }

    /// <summary>The fixed entries made concrete for every home directory and resolved spelling.</summary>
    internal IReadOnlyList<CredentialLocation> Locations => _locations;

    /// <summary>The built-in list for <paramref name="homeDirectory"/>, plus <paramref name="extraEntries"/>.</summary>
    /// <exception cref="ArgumentException">An extra entry is not valid (the settings check them at start-up).</exception>
    public static CredentialList For(string? homeDirectory, IReadOnlyList<string>? extraEntries = null)
    {
        var extra = extraEntries ?? [];
        return new CredentialList(Homes([], homeDirectory), extra, [.. ParseExtraEntries(extra)]);
    }

    /// <summary>
    /// The list the settings describe: <c>credential_paths</c>, the server's <c>HOME</c>, and AgentExec's own files (the
    /// user config unless it lies in the workspace, its config directory, the audit log).
    /// </summary>
    /// <param name="settings">The resolved settings.</param>
    /// <param name="hostEnvironment">The server's environment (<c>HOME</c>, <c>XDG_CONFIG_HOME</c>).</param>
    /// <returns>The list; add the command's own <c>HOME</c> with <see cref="WithHomeDirectory"/> when it differs.</returns>
    public static CredentialList ForSettings(AgentExecSettings settings, IReadOnlyDictionary<string, string> hostEnvironment)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(hostEnvironment);
        var home = hostEnvironment.TryGetValue("HOME", out var value) && Path.IsPathFullyQualified(value) ? value : null;
        var configDirectory = ConfigPaths.UserConfigDirectory(hostEnvironment, home);
        if (ListsBySettings.TryGetValue(settings, out var built) && built.Home == home && built.ConfigDirectory == configDirectory)
        {
            return built.List;
        }

        // A config inside the workspace is the agent's own file, which it may read (SPEC.md "Who may loosen the policy").
        var userConfig = settings.ConfigIsInsideWorkspace ? null : settings.ConfigPath;
        var extra = settings.CredentialPaths;

        // One list built once, not For(...).WithPaths(...): each construction resolves every location's spellings on
        // disk, which every start of agentexec pays (issue 12: about 0.6 ms of a `run`).
        var added = ParseExtraEntries(extra);
        AddPaths(added, [userConfig, configDirectory, settings.AuditLogPath, Audit.JsonLinesAuditLog.LockPathFor(settings.AuditLogPath)]);
        var list = new CredentialList(Homes([], home), extra, [.. added]);
        ListsBySettings.AddOrUpdate(settings, new BuiltForSettings(home, configDirectory, list));
        return list;
    }

    // ForSettings' lists by the settings they were built from. bubblewrap's mount plan and the policy's known-safe proof
    // each ask for it once per process, with the same settings (SPEC.md step 3a: one list), and every build resolves
    // each location's spellings on disk: about 0.7 ms of every start (issue 12, perf). The settings are immutable; the
    // two values read from the environment are kept with the list and compared. An entry lives as long as its settings.
    private static readonly ConditionalWeakTable<AgentExecSettings, BuiltForSettings> ListsBySettings = new();

    /// <summary>A list <see cref="ForSettings"/> built, with the environment values it was built from.</summary>
    private sealed record BuiltForSettings(string? Home, string? ConfigDirectory, CredentialList List);

    /// <summary>A copy whose <c>~/</c> entries also apply under <paramref name="homeDirectory"/>; unchanged for null or a relative path.</summary>
    public CredentialList WithHomeDirectory(string? homeDirectory)
    {
        var homes = Homes(_homes, homeDirectory);
        return homes.Length == _homes.Length ? this : new CredentialList(homes, ExtraEntries, _added);
    }

    /// <summary>A copy that also covers each of <paramref name="absolutePaths"/> (a file, or a directory and everything in it); nulls and relative paths are ignored.</summary>
    /// <remarks>For AgentExec's own files: the user config, its directory and the audit log.</remarks>
    public CredentialList WithPaths(params string?[] absolutePaths)
    {
        ArgumentNullException.ThrowIfNull(absolutePaths);
        var added = new List<CredentialEntry>(_added);
        var count = added.Count;
        AddPaths(added, absolutePaths);
        return added.Count == count ? this : new CredentialList(_homes, ExtraEntries, added.ToArray());
    }

    /// <summary>Parses the <c>credential_paths</c> entries; one that is not an entry is an error, not skipped.</summary>
    private static List<CredentialEntry> ParseExtraEntries(IReadOnlyList<string> extraEntries)
    {
        var added = new List<CredentialEntry>(extraEntries.Count + 4);
        foreach (var text in extraEntries)
        {
            if (!CredentialEntry.TryParse(text, out var entry, out var problem))
            {
                throw new ArgumentException($"credential entry {problem}", nameof(extraEntries));
            }

            added.Add(entry);
        }

        return added;
    }

    /// <summary>Adds each absolute path as an exact entry (wildcards escaped) unless it is already there; nulls and relative paths are ignored.</summary>
    private static void AddPaths(List<CredentialEntry> added, string?[] absolutePaths)
    {
        foreach (var path in absolutePaths)
        {
            if (path is null || !Path.IsPathFullyQualified(path) || path.Contains('\0', StringComparison.Ordinal))
            {
                continue;
            }

            if (CredentialEntry.TryParse(EscapeWildcards(LexicalPath.Normalize(path)), out var entry, out _)
                && !added.Any(existing => existing.Text == entry.Text))
            {
                added.Add(entry);
            }
        }
    }

    /// <summary>True when <paramref name="absolutePath"/> (lexically, or after resolving its symlinks) is, or lies inside, a credential location.</summary>
    /// <remarks>
    /// Lexically: doubled slashes, <c>.</c> and <c>..</c> are normalised by spelling (<c>/w/sub/../.env</c> is
    /// <c>/w/.env</c>). Then the existing part of the path is resolved like <c>realpath</c> (where <c>..</c> follows
    /// the links) and checked again. A name pattern makes a path covered when any of its components matches
    /// (<c>/w/.env</c>, <c>/w/k.pem/notes</c>). A path that is not absolute, or cannot be resolved (a loop, a directory
    /// that cannot be read), is covered: nothing can be proved about it. An ancestor of a credential location (<c>~</c>)
    /// is not covered.
    /// </remarks>
    public bool Covers(string absolutePath) => Covers(absolutePath, new LinkResolver());

    /// <summary><see cref="Covers(string)"/>, with the links resolved (and remembered) by <paramref name="links"/>, which lives for one analysis.</summary>
    internal bool Covers(string absolutePath, LinkResolver links)
    {
        ArgumentNullException.ThrowIfNull(absolutePath);
        if (!Path.IsPathFullyQualified(absolutePath) || absolutePath.Contains('\0', StringComparison.Ordinal))
        {
            return true;
        }

        var lexical = LexicalPath.Components(absolutePath);
        if (CoversComponents(lexical))
        {
            return true;
        }

        if (!links.TryResolve(absolutePath, out var real, out _))
        {
            return true;
        }

        // Most paths have no link in them: the same components need not be split again, nor matched twice.
        if (string.Equals(real, absolutePath, StringComparison.Ordinal))
        {
            return false;
        }

        var physical = LexicalPath.Components(real);
        return !System.Runtime.InteropServices.CollectionsMarshal.AsSpan(physical).SequenceEqual(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(lexical))
            && CoversComponents(physical);
    }

    /// <summary>
    /// True when the bash pathname pattern <paramref name="pattern"/> (absolute, unquoted glob characters
    /// marked as such) could expand to a credential location.
    /// </summary>
    /// <remarks>
    /// <para>
    /// <paramref name="pattern"/> is a word as bash would glob it, with every glob character that was quoted escaped by a
    /// backslash (<c>\*</c> is a literal star). Bash's default options are assumed (see <see cref="GlobPattern"/>): no
    /// <c>*</c>, <c>?</c> or <c>[…]</c> matches a leading dot, so <c>*</c> never matches <c>.env</c>.
    /// </para>
    /// <para>
    /// True when: the pattern has no wildcard and <see cref="Covers(string)"/> the path; the directory before the first
    /// wildcard component is covered; the pattern could reach a fixed entry by its shape, whether or not the entry
    /// exists now (<c>~/.ss*/*</c>, <c>/proc/*/env*</c>); a <c>..</c> follows a wildcard component, or a wildcard
    /// component other than the last could match <c>..</c> (bash before 5.2 lets <c>.*</c> do so); or the expansion
    /// bash would do now, done here by reading the directories (at most <see cref="MaxEntriesExamined"/> entries in all;
    /// past that, true), yields a covered path. The last step looks at the disk at analysis time: a file created
    /// between the analysis and the run is not seen (bubblewrap still hides it when it exists when the command starts).
    /// A pattern that is not absolute is true.
    /// </para>
    /// </remarks>
    public bool MayMatch(string pattern) => MayMatch(pattern, new LinkResolver());

    /// <summary><see cref="MayMatch(string)"/>, with the links resolved (and remembered) by <paramref name="links"/>, which lives for one analysis.</summary>
    internal bool MayMatch(string pattern, LinkResolver links)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (!pattern.StartsWith('/') || pattern.Contains('\0', StringComparison.Ordinal))
        {
            return true;
        }

        var components = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Where(component => component != ".")
            .Select(GlobPattern.Parse)
            .ToArray();
        if (components.Any(component => !component.Matches(GlobPattern.Unescaped(component.Text), hidesDotNames: true))
            && Covers(GlobPattern.Unescaped(pattern), links))
        {
            // A pattern that matches nothing is passed on as written: a workspace name "[x]", a link to ~/.netrc, is
            // what "cat [x]" opens when no "x" exists (found by an attack). Only a pattern that does not match its own
            // text can leave such a name to be opened ("*.pem" would match a file called "*.pem"); asked whatever the
            // pattern matches, which is merely strict.
            return true;
        }

        var firstWildcard = Array.FindIndex(components, component => !component.IsLiteral);
        if (firstWildcard < 0)
        {
            return Covers(LexicalPath.Join(components.Select(component => component.Literal!)), links);
        }

        // As written, `..` included: the kernel resolves it physically when bash reads the directory.
        var prefix = "/" + string.Join('/', components.Take(firstWildcard).Select(component => component.Literal!));
        if (Covers(prefix, links))
        {
            return true;
        }

        var rest = components.AsSpan(firstWildcard).ToArray();
        for (var i = 0; i < rest.Length; i++)
        {
            if (rest[i].Literal == ".." || (i < rest.Length - 1 && !rest[i].IsLiteral && rest[i].Matches("..", hidesDotNames: true)))
            {
                return true;
            }
        }

        if (MayReachLocation(LexicalPath.Components(prefix), rest)
            || (links.TryResolve(prefix, out var realPrefix, out _) && MayReachLocation(LexicalPath.Components(realPrefix), rest)))
        {
            return true;
        }

        var budget = MaxEntriesExamined;
        return ExpansionMayCover(prefix, rest, 0, links, ref budget);
    }

    /// <summary>True when a file or folder called <paramref name="name"/> is a credential wherever it is (<c>.env</c>, <c>k.pem</c>, <c>id_rsa</c>).</summary>
    internal bool IsCredentialName(string name)
    {
        foreach (var entry in _names)
        {
            if (entry.Components[0].Matches(name, hidesDotNames: false) && !(entry.Except?.Matches(name, hidesDotNames: false) ?? false))
            {
                return true;
            }
        }

        return false;
    }

    private static string[] Homes(string[] existing, string? added)
    {
        if (added is null || !Path.IsPathFullyQualified(added))
        {
            return existing;
        }

        var normalised = LexicalPath.Normalize(added);
        return existing.Contains(normalised, StringComparer.Ordinal) ? existing : [.. existing, normalised];
    }

    private static string EscapeWildcards(string path)
    {
        var builder = new System.Text.StringBuilder(path.Length);
        foreach (var character in path)
        {
            if (character is '*' or '?' or '[' or '\\' or '(')
            {
                builder.Append('\\');
            }

            builder.Append(character);
        }

        return builder.ToString();
    }

    private static CredentialLocation[] Concretise(IEnumerable<CredentialEntry> entries, string[] homes)
    {
        var locations = new List<CredentialLocation>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var bases = entry.IsHomeRelative ? homes.Cast<string?>().ToArray() : new string?[] { null };
            foreach (var home in bases)
            {
                GlobPattern[] components = home is null
                    ? entry.Components
                    : [.. LexicalPath.Components(home).Select(name => GlobPattern.Parse(EscapeWildcards(name))), .. entry.Components];
                Add(components, entry);

                // The same location under its real directory: a link in its path (~/.ssh → ~/dotfiles/ssh) must not
                // let `cat ~/dotfiles/ssh/id_rsa` through.
                var literalCount = Array.FindIndex(components, component => !component.IsLiteral);
                literalCount = literalCount < 0 ? components.Length : literalCount;
                var written = LexicalPath.Join(components.Take(literalCount).Select(component => component.Literal!));
                if (RealPath.TryResolve(written, out var real, out _) && real != written)
                {
                    Add([.. LexicalPath.Components(real).Select(name => GlobPattern.Parse(EscapeWildcards(name))), .. components.Skip(literalCount)], entry);
                }
            }
        }

        return locations.ToArray();

        void Add(GlobPattern[] components, CredentialEntry entry)
        {
            var key = entry.Text + "\0" + string.Join('/', components.Select(component => component.Text));
            if (seen.Add(key))
            {
                locations.Add(new CredentialLocation(components, entry));
            }
        }
    }

    private bool CoversComponents(List<string> components)
    {
        foreach (var location in _locations)
        {
            if (location.Contains(components))
            {
                return true;
            }
        }

        return IsDeviceOrKernelMemory(components) || components.Any(IsCredentialName);
    }

    /// <summary>
    /// The devices that never end (<c>/dev/zero</c>, <c>/dev/urandom</c>…): covered like a credential so that the proof
    /// sees every spelling of them, and then read as ordinary rather than dangerous (fed to sort or tac, an endless input
    /// spills to temporary files without end: <c>cat /dev/urandom | sort</c>).
    /// </summary>
    public static IReadOnlySet<string> EndlessDevices { get; } = new HashSet<string>(StringComparer.Ordinal) { "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom" };

    // The device files a read-only line may name: the empty one and the process's own streams. bash's /dev/tcp and
    // /dev/udp are no files; the proof refuses them as network access, which says more.
    private static readonly HashSet<string> PlainDevices = new(StringComparer.Ordinal) { "null", "stdin", "stdout", "stderr", "fd", "tcp", "udp" };

    // Any other entry of /dev is read like a credential: a disk (/dev/vda, /dev/loop0, /dev/mapper/…) holds every file
    // on it, credentials included, raw, and root or the disk group can read it (an attack grepped ~/.netrc's contents
    // out of a loop device); /dev/mem, a terminal's input, a shared-memory file; and the endless ones (EndlessDevices).
    // /proc/kcore is the kernel's memory. Accepted by name, not by device type: the proof does not stat what it reads.
    // The kernel's trace buffers (tracefs at /sys/kernel/tracing, and under debugfs at /sys/kernel/debug) are read like
    // /proc/kmsg: "regular" files such as trace_pipe block until the kernel logs an event and consume what they return
    // (cat /sys/kernel/tracing/trace_pipe ran as known-safe until the call's timeout, found by an attack), and debugfs
    // holds the kernel's own state.
    private static bool IsDeviceOrKernelMemory(List<string> components) =>
        components.Count >= 2
        && ((components[0] == "dev" && !PlainDevices.Contains(components[1]))
            || (components[0] == "proc" && (components[1] is "kcore" or "kmsg" || IsPageMap(components)))
            || (components.Count >= 3 && components[0] == "sys" && components[1] == "kernel" && components[2] is "tracing" or "debug"));

    /// <summary>
    /// True for <c>/proc/PID/pagemap</c> (and a task's): a "regular" file of size 0 that yields 8 bytes per page of the
    /// process's address space, gigabytes (an attack fed one to sort). Endless for the proof's purposes.
    /// </summary>
    public static bool IsPageMap(IReadOnlyList<string> components) =>
        components.Count >= 3 && components[0] == "proc" && components[^1] == "pagemap"
        && (components.Count == 3 || (components.Count == 5 && components[2] == "task"));

    /// <summary>True when a path spelt <paramref name="prefix"/> + an expansion of <paramref name="rest"/> could be, or lie inside, a fixed location, judged by the shapes alone.</summary>
    private bool MayReachLocation(List<string> prefix, GlobPattern[] rest)
    {
        var length = prefix.Count + rest.Length;
        foreach (var location in _locations)
        {
            var target = location.Components;
            if (length < target.Length)
            {
                continue;
            }

            var meets = true;
            for (var i = 0; i < target.Length && meets; i++)
            {
                meets = i < prefix.Count
                    ? target[i].Matches(prefix[i], hidesDotNames: false)
                    : rest[i - prefix.Count] is var component && (component.IsLiteral
                        ? target[i].Matches(component.Literal!, hidesDotNames: false)
                        : component.Intersects(target[i], hidesDotNames: true));
            }

            if (meets)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Expands <paramref name="rest"/> below <paramref name="directory"/> as bash would now, and says whether any result is covered.</summary>
    private bool ExpansionMayCover(string directory, GlobPattern[] rest, int index, LinkResolver links, ref int budget)
    {
        if (index == rest.Length)
        {
            return Covers(directory, links);
        }

        var component = rest[index];
        if (component.IsLiteral)
        {
            return ExpansionMayCover(Path.Join(directory, component.Literal), rest, index + 1, links, ref budget);
        }

        var last = index == rest.Length - 1;
        var matches = new List<string>();
        switch (PathnameExpansion.MatchNames(directory, component, matches, ref budget))
        {
            case NameListing.Missing or NameListing.Unreadable:
                // Bash, run as the same user, cannot read it either: the pattern expands to nothing there.
                return false;
            case NameListing.Unknown:
                return true;
        }

        foreach (var child in matches)
        {
            if (last ? Covers(child, links) : Directory.Exists(child) && ExpansionMayCover(child, rest, index + 1, links, ref budget))
            {
                return true;
            }
        }

        return false;
    }
}
