using AgentExec.Core.Commands;
using AgentExec.Core.Configuration;
using AgentExec.Core.Credentials;
using AgentExec.Core.Crypto;

namespace AgentExec.Core.Sandbox;

/// <summary>
/// What every repository in the writable directories could make git run, at one moment: per <c>.git</c> entry, the
/// configuration settings that name a program and the fingerprints of its hooks (SPEC.md "Sandbox": a repository
/// configuration or hook that appears or changes during a run and names a program is reported).
/// </summary>
/// <remarks>
/// <para>
/// Taken before and after each run in a writable sandbox; <see cref="ChangesSince"/> compares the two. Under bubblewrap
/// the repositories that existed before are read-only, so what it finds there is a new <c>.git</c>; under Landlock,
/// which cannot make anything read-only, it is the only line of defence and covers changes too.
/// </para>
/// <para>
/// The walk is <see cref="CredentialScan"/>'s (same bounds); past a bound the rest is not seen, which the report says
/// (<see cref="Incomplete"/>): fail-open for a <c>.git</c> beyond it. Configuration is read with the spawn-free reader of
/// the git check (<see cref="GitConfigFileReader"/>, <see cref="GitConfigProgramKeys"/>), includes followed; a file that
/// cannot be read or parsed counts as a setting of its own, so turning a config unreadable is reported rather than
/// hidden. Hooks: every file in <c>hooks/</c> (of the git directory, its common directory and a configured
/// <c>core.hooksPath</c>) whose name does not end in <c>.sample</c>, by content hash and mode.
/// </para>
/// </remarks>
public sealed class RepositorySnapshot
{
    private const int MaximumHookBytes = 1024 * 1024;

    // git runs a fixed set of about thirty hook names; a directory with more files than this is reported as such.
    private const int MaximumHookFiles = 256;
    private const string SampleSuffix = ".sample";

    private readonly IReadOnlyList<string> _roots;

    // What the sandbox kept read-only for the run (WalkedRepositories.ReadOnlyPaths), for the walk after it.
    private readonly IReadOnlyList<string> _readOnlyPaths;

    private RepositorySnapshot(IReadOnlyList<string> roots, IReadOnlyList<string> readOnlyPaths, IReadOnlyDictionary<string, RepositoryState> repositories, string? incomplete)
    {
        _roots = roots;
        _readOnlyPaths = readOnlyPaths;
        Repositories = repositories;
        Incomplete = incomplete;
    }

    /// <summary>Every <c>.git</c> entry found, by its path, with what it could make git run.</summary>
    internal IReadOnlyDictionary<string, RepositoryState> Repositories { get; }

    /// <summary>Why the walk stopped early (a bound), or null when it saw every directory.</summary>
    public string? Incomplete { get; }

    /// <summary>Walks <paramref name="roots"/> (the workspace and the writable roots) for <c>.git</c> entries and records each one.</summary>
    public static RepositorySnapshot Take(IReadOnlyList<string> roots) => Take(roots, walked: null, readOnlyPaths: []);

    /// <summary>Records each <c>.git</c> entry under <paramref name="roots"/>: those of <paramref name="walked"/> when given (the same walk, done already), else a walk's.</summary>
    private static RepositorySnapshot Take(IReadOnlyList<string> roots, WalkedRepositories? walked, IReadOnlyList<string> readOnlyPaths)
    {
        ArgumentNullException.ThrowIfNull(roots);
        var realRoots = roots
            .Select(root => Configuration.RealPath.TryResolve(root, out var real, out var exists) && exists ? real : null)
            .OfType<string>()
            .ToList();
        if (walked is null)
        {
            var scan = CredentialScan.Run(static _ => false, realRoots);
            walked = WalkedRepositories.From(scan, readOnlyPaths);
        }

        var repositories = new Dictionary<string, RepositoryState>(StringComparer.Ordinal);

        // A global core.hooksPath names hooks directories for every repository: read with each one's own.
        var global = GlobalConfiguration(SandboxHostPaths.GitGlobalConfigsOf(Environment.GetEnvironmentVariable));

        // A placeholder (WorkspacePlaceholders, only ever a root's own .git) is no repository: it comes and goes with
        // parallel runs, and as a non-root user its mode 000 would read as an unreadable config that never changed.
        // A directory git would take for a git directory itself (bare-shaped: HEAD, objects/, refs/) is read like a .git
        // directory: with core.worktree it is a repository with a work tree and no .git anywhere.
        var rootSet = realRoots.ToHashSet(StringComparer.Ordinal);
        foreach (var dotGit in walked.DotGits.Where(dotGit => !(rootSet.Contains(Path.GetDirectoryName(dotGit) ?? "") && PlaceholderEntry.IsPlaceholder(dotGit))))
        {
            repositories[dotGit] = ReadOrMarkUnreadable(dotGit, walked.ReadOnlyPaths, [.. global.AbsoluteHooksPaths, .. global.HooksPathsIn(dotGit)]);
        }

        return new RepositorySnapshot(roots, walked.ReadOnlyPaths, repositories, walked.Incomplete);
    }

    /// <summary>
    /// The snapshot to compare after a run, or null when the run cannot write anything (no sandbox, which the human
    /// approved as such, or <c>read-only</c>).
    /// </summary>
    /// <param name="backend">The backend the run uses.</param>
    /// <param name="mode">The sandbox mode.</param>
    /// <param name="workspace">The workspace.</param>
    /// <param name="writableRoots">The writable roots.</param>
    /// <param name="walked">The <c>.git</c> entries the sandbox met preparing the run, over the same roots (bubblewrap), so that they are not walked twice; null to walk.</param>
    public static RepositorySnapshot? BeforeWritableRun(SandboxBackendKind backend, SandboxMode mode, string workspace, IReadOnlyList<string> writableRoots, WalkedRepositories? walked = null)
    {
        ArgumentNullException.ThrowIfNull(writableRoots);
        return backend != SandboxBackendKind.None && mode == SandboxMode.WorkspaceWrite ? Take([workspace, .. writableRoots], walked, readOnlyPaths: []) : null;
    }

    /// <summary>Walks the same roots again and reports what appeared or changed since this snapshot.</summary>
    public RepositoryReport CompareWithNow() => Take(_roots, walked: null, _readOnlyPaths).ChangesSince(this);

    /// <summary>
    /// What appeared or changed since <paramref name="before"/> and names a program: a setting (key and value) or a
    /// non-sample hook that is new or different. Removals are not reported: they make git run less, not more.
    /// </summary>
    public RepositoryReport ChangesSince(RepositorySnapshot before)
    {
        ArgumentNullException.ThrowIfNull(before);
        var changes = new List<RepositoryChange>();
        foreach (var (dotGit, state) in Repositories.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            before.Repositories.TryGetValue(dotGit, out var earlier);
            foreach (var (identity, what) in state.Settings.OrderBy(pair => pair.Value, StringComparer.Ordinal))
            {
                if (earlier is null || !earlier.Settings.ContainsKey(identity))
                {
                    changes.Add(new RepositoryChange(dotGit, what, earlier is null));
                }
            }

            foreach (var (hook, fingerprint) in state.Hooks.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                if (earlier is null || !earlier.Hooks.TryGetValue(hook, out var old))
                {
                    changes.Add(new RepositoryChange(dotGit, $"hook {hook} added", earlier is null));
                }
                else if (old != fingerprint)
                {
                    changes.Add(new RepositoryChange(dotGit, $"hook {hook} changed", earlier is null));
                }
            }
        }

        return new RepositoryReport(changes, Incomplete ?? before.Incomplete);
    }

    // Everything here reads what the agent wrote: a shape no reader above expected must end in a reportable state,
    // never in an exception that would fail the call after its command has already run.
    private static RepositoryState ReadOrMarkUnreadable(string dotGit, IReadOnlyList<string> readOnlyPaths, IReadOnlyList<string> globalHooksPaths)
    {
        try
        {
            return Read(dotGit, configuredPaths: null, readOnlyPaths, globalHooksPaths);
        }
#pragma warning disable CA1031 // Any failure is recorded as a setting of its own, which a change then reports.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return new RepositoryState(new Dictionary<string, string>(StringComparer.Ordinal) { [$"unreadable\0{e.GetType().Name}"] = "repository cannot be read" }, new Dictionary<string, string>());
        }
    }

    /// <summary>
    /// The files and directories outside <paramref name="dotGit"/>'s git directories that its configuration makes git
    /// read or run: every configuration file an include names, and a configured <c>core.hooksPath</c>. Kept read-only
    /// beside <c>.git</c> (an attack wrote a hook into <c>.husky</c>, the hooks path husky configures, and git ran it
    /// outside any sandbox). Best effort: what cannot be read yields nothing more.
    /// </summary>
    /// <param name="dotGit">The repository's <c>.git</c> entry.</param>
    /// <param name="unknown">
    /// What the configuration names that cannot be placed or read (an include or hooks path spelt <c>~user/</c>, a
    /// configuration this reader refuses): git may read or run it from anywhere, a writable directory included, so the
    /// caller must not take the paths for the whole answer.
    /// </param>
    internal static IReadOnlyList<string> ConfiguredPaths(string dotGit, out IReadOnlyList<string> unknown)
    {
        var paths = new List<string>();
        var problems = new List<string>();
        unknown = problems;
        try
        {
            _ = Read(dotGit, paths, readOnlyPaths: [], globalHooksPaths: [], problems);
        }
#pragma warning disable CA1031 // A repository this reader cannot make out is an unknown of its own.
        catch (Exception e)
#pragma warning restore CA1031
        {
            problems.Add($"{dotGit} cannot be read ({e.GetType().Name})");
        }

        return paths;
    }

    /// <summary>The most files of one hooks directory <see cref="FilesThatDecideWhatRuns"/> lists.</summary>
    internal const int MaximumHookFilesListed = MaximumHookFiles + 1;

    /// <summary>
    /// The files whose content decides what git runs for <paramref name="dotGit"/>: the gitfile, the configuration files
    /// (with the ones they include), <c>commondir</c>, and every hook that is not a sample (in <c>hooks/</c> and a
    /// configured <c>core.hooksPath</c>). Bound read-only, each must have no other name: a hard link made while the
    /// repository was still writable (it was new) edits the file through the mount (found by an attack).
    /// </summary>
    internal static IReadOnlyList<string> FilesThatDecideWhatRuns(string dotGit, IReadOnlyList<string> configuredPaths)
    {
        var files = new List<string> { dotGit };
        try
        {
            var gitDirectory = GitConfigDirectories.Locate(dotGit) ?? dotGit;
            var commonDirectory = GitConfigDirectories.CommonDirectory(gitDirectory);
            files.AddRange([Path.Join(commonDirectory, "config"), Path.Join(gitDirectory, "config.worktree"), Path.Join(gitDirectory, "commondir")]);
            foreach (var directory in (string[])[Path.Join(commonDirectory, "hooks"), Path.Join(gitDirectory, "hooks"), .. configuredPaths])
            {
                files.Add(directory);
                if (Directory.Exists(directory))
                {
                    // One more than the bound, so that the caller sees a directory too crowded to vouch for.
                    files.AddRange(Directory.EnumerateFiles(directory).Take(MaximumHookFiles + 1).Where(file => !file.EndsWith(SampleSuffix, StringComparison.Ordinal)));
                }
            }
        }
#pragma warning disable CA1031 // What cannot be read is not bound either; the plan and the report deal with it.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        return files;
    }

    /// <summary>
    /// The user's global git configuration files with what they make git read or run from elsewhere: the files they
    /// include, an absolute <c>core.hooksPath</c>, and a relative one, which git takes relative to each repository's work
    /// tree (<see cref="GlobalGitConfiguration.HooksPathsIn"/>). Best effort, like <see cref="ConfiguredPaths"/>.
    /// </summary>
    internal static GlobalGitConfiguration GlobalConfiguration(IReadOnlyList<string> configFiles)
    {
        var paths = new List<string>();
        var relativeHooksPaths = new List<string>();
        var absoluteHooksPaths = new List<string>();
        var templateDirectories = new List<string>();
        var unknown = new List<string>();
        foreach (var configFile in configFiles)
        {
            paths.Add(configFile);
            var entries = new List<GitConfigEntry>();
            try
            {
                ReadConfig(configFile, depth: 0, new Dictionary<string, string>(StringComparer.Ordinal), entries, paths, unknown);
            }
#pragma warning disable CA1031 // A configuration this reader cannot make out is an unknown, never "nothing named".
            catch (Exception e)
#pragma warning restore CA1031
            {
                unknown.Add($"{configFile} cannot be read ({e.GetType().Name})");
            }

            foreach (var entry in entries.Where(entry => entry.Key is "core.hookspath" or "init.templatedir" && entry.Value is { Length: > 0 }))
            {
                var value = entry.Value!;
                string placed;
                try
                {
                    placed = GitConfigPaths.Pathname(value, "/", Environment.GetEnvironmentVariable("HOME"));
                }
                catch (InvalidDataException e)
                {
                    // ~user/, %(prefix)/ or bytes that are not UTF-8: git finds it, this reader cannot (found by a review:
                    // ~user/ws/.hooks was left writable, and the user's next commit ran a hook a command had put there).
                    unknown.Add($"{configFile} sets {entry.Key} to {value}, which cannot be placed: {e.Message}");
                    continue;
                }

                var absolute = Path.IsPathRooted(value) || value.StartsWith('~');
                if (entry.Key == "init.templatedir")
                {
                    // git init and git clone copy its hooks/ into every new repository (found by a review: a hook a command
                    // wrote there ran at the user's next clone). A relative one is taken from wherever git runs.
                    if (absolute)
                    {
                        templateDirectories.Add(placed);
                    }
                    else
                    {
                        unknown.Add($"{configFile} sets init.templateDir to {value}, relative to wherever git init or git clone runs");
                    }
                }
                else if (absolute)
                {
                    absoluteHooksPaths.Add(placed);
                }
                else
                {
                    // "core.hooksPath = .githooks" in ~/.gitconfig: each repository's own .githooks, nested ones included.
                    relativeHooksPaths.Add(value);
                }
            }
        }

        return new GlobalGitConfiguration([.. paths, .. absoluteHooksPaths, .. templateDirectories], relativeHooksPaths, absoluteHooksPaths) { Unknown = unknown };
    }

    private static RepositoryState Read(string dotGit, List<string>? configuredPaths, IReadOnlyList<string> readOnlyPaths, IReadOnlyList<string> globalHooksPaths, List<string>? unknown = null)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        var hooks = new Dictionary<string, string>(StringComparer.Ordinal);
        string gitDirectory;
        string commonDirectory;
        try
        {
            gitDirectory = GitConfigDirectories.Locate(dotGit) ?? dotGit;
            commonDirectory = GitConfigDirectories.CommonDirectory(gitDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException)
        {
            settings["unreadable .git"] = ".git cannot be read";
            return new RepositoryState(settings, hooks);
        }

        var entries = new List<GitConfigEntry>();
        ReadConfig(Path.Join(commonDirectory, "config"), depth: 0, settings, entries, configuredPaths, unknown);
        ReadConfig(Path.Join(gitDirectory, "config.worktree"), depth: 0, settings, entries, configuredPaths, unknown);

        List<string> hookDirectories = [Path.Join(commonDirectory, "hooks"), Path.Join(gitDirectory, "hooks"), .. globalHooksPaths];
        foreach (var entry in entries.Where(entry => entry.Key == "core.hookspath" && entry.Value is { Length: > 0 }))
        {
            // Relative to where hooks run: the work tree's top, the directory holding .git; joined as written, since the
            // kernel applies a ".." after a link to the link's target. Every value is kept read-only (the last one is
            // git's); the last one's hooks are read.
            string hooksPath;
            try
            {
                hooksPath = GitConfigPaths.Pathname(entry.Value!, Path.GetDirectoryName(dotGit) ?? "/", Environment.GetEnvironmentVariable("HOME"));
            }
            catch (InvalidDataException e)
            {
                // ~user/, %(prefix)/ or bytes that are not UTF-8: git runs hooks from there, this reader cannot find it.
                // An unknown for the sandbox plan, and never vouched for after a run (a fingerprint no later one matches).
                unknown?.Add($"{dotGit}'s config sets core.hooksPath to {entry.Value}, which cannot be placed: {e.Message}");
                hooks[$"(hooks path {entry.Value} cannot be placed)"] = $"unplaced:{Guid.NewGuid():N}";
                continue;
            }

            configuredPaths?.Add(hooksPath);
            if (entry == entries.Last(other => other.Key == "core.hookspath"))
            {
                hookDirectories.Add(hooksPath);
            }
        }

        if (configuredPaths is not null)
        {
            // Only the paths were asked for (ConfiguredPaths): the hooks' contents need not be hashed. The hooks themselves,
            // links included, are FilesThatDecideWhatRuns'.
            return new RepositoryState(settings, hooks);
        }

        foreach (var directory in hookDirectories.Distinct(StringComparer.Ordinal))
        {
            ReadHooks(directory, hooks, readOnlyPaths);
        }

        return new RepositoryState(settings, hooks);
    }

    private static void ReadConfig(string path, int depth, Dictionary<string, string> settings, List<GitConfigEntry> entries, List<string>? configuredPaths, List<string>? unknown)
    {
        if (depth > GitConfigInspection.MaximumIncludeDepth)
        {
            return; // git refuses the whole configuration then, so nothing runs.
        }

        IReadOnlyList<GitConfigEntry>? fileEntries;
        try
        {
            // Only where it points and which keys it sets matter here: a Latin-1 comment or user.name, which git reads,
            // must not hide a hooks path (found by a review).
            fileEntries = GitConfigFileReader.ReadFileToleratingNonUtf8IfExists(path);
        }
        catch (Exception e) when ((e is IOException or UnauthorizedAccessException or InvalidDataException) && Directory.Exists(path))
        {
            // A directory: git stops with a fatal error where it expects a configuration, so nothing runs from it. The
            // sandbox's placeholder for a missing include is one.
            return;
        }
        catch (UnauthorizedAccessException)
        {
            // git runs as the same user and cannot read it either: it warns (a global file) or stops (an include) and reads
            // nothing from it. Making a config unreadable is still a change worth hearing about, once.
            settings[$"unreadable\0{path}"] = $"config cannot be read ({Path.GetFileName(path)})";
            return;
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            // A config git may read but this reader cannot (over the size bound, a FIFO, a syntax this reader refuses): an
            // unknown for the plan, and never vouched for after a run (an identity no later snapshot has), since what
            // changed inside it cannot be seen.
            unknown?.Add($"{path} cannot be read: {e.Message}");
            settings[$"unreadable\0{path}\0{Guid.NewGuid():N}"] = $"config cannot be read ({Path.GetFileName(path)})";
            return;
        }

        if (fileEntries is null)
        {
            return;
        }

        entries.AddRange(fileEntries);
        foreach (var entry in fileEntries)
        {
            if (GitConfigProgramKeys.Find(entry) is { } key)
            {
                settings[$"{entry.Key}\0{entry.Value}"] = $"config sets {key}";
            }
            else if (entry.Section is "include" or "includeif" && entry.Name == "path" && entry.Value is { } value)
            {
                // An include can bring in anything; it counts itself, and what it brings is read too.
                settings[$"{entry.Key}\0{value}"] = $"config sets {entry.Key}";
                string target;
                try
                {
                    target = GitConfigPaths.IncludeTarget(value, path, Environment.GetEnvironmentVariable("HOME"));
                }
                catch (InvalidDataException) when (value.Length == 0)
                {
                    continue; // An empty include names nothing; the include itself is recorded above.
                }
                catch (InvalidDataException e)
                {
                    // ~user/, %(prefix)/ or bytes that are not UTF-8: git reads it, this reader cannot find it (found by a
                    // review: a ~user/ include into the workspace was left writable, and the user's next git ran what a
                    // command added to it).
                    unknown?.Add($"{path} includes {value}, which cannot be placed: {e.Message}");
                    settings[$"unplaced\0{value}\0{Guid.NewGuid():N}"] = $"config includes {value}, which cannot be placed";
                    continue;
                }

                configuredPaths?.Add(target);
                ReadConfig(target, depth + 1, settings, entries, configuredPaths, unknown);
            }
        }
    }

    private static void ReadHooks(string directory, Dictionary<string, string> hooks, IReadOnlyList<string> readOnlyPaths)
    {
        List<string> files;
        try
        {
            files = Directory.EnumerateFiles(directory).Take(MaximumHookFiles + 1).ToList();
        }
        catch (DirectoryNotFoundException)
        {
            return; // No hooks directory: git runs no hook from it.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // There but not listable (an attack under Landlock planted a hook, then chmod 111 hooks: git still runs it by
            // name). Never vouched for, like a directory with too many files: reported after every run while it lasts;
            // unless the sandbox sealed it for the run (a placeholder), when nothing in it can run or change.
            if (!UnlistedDirectories.IsSealed(directory, readOnlyPaths))
            {
                hooks[$"(the hooks directory {directory} cannot be listed)"] = $"unlisted:{Guid.NewGuid():N}";
            }

            return;
        }

        if (files.Count > MaximumHookFiles)
        {
            // The files past the bound are not fingerprinted (which ones depends on directory order, which a command can
            // arrange), so such a directory is never vouched for: a fingerprint no later snapshot matches.
            hooks[$"(more than {MaximumHookFiles} files in {Path.GetFileName(Path.GetDirectoryName(directory))}/hooks)"] = $"too many:{Guid.NewGuid():N}";
            files = files.Take(MaximumHookFiles).ToList();
        }

        foreach (var file in files)
        {
            var name = Path.GetFileName(file);
            if (!name.EndsWith(SampleSuffix, StringComparison.Ordinal))
            {
                hooks[name] = Fingerprint(file);
            }
        }
    }

    private static string Fingerprint(string file)
    {
        try
        {
            // stat only: a FIFO planted as a hook must not hang the server (GitConfigFileBytes opens without blocking).
            var info = new FileInfo(file);
            var mode = OperatingSystem.IsWindows() ? 0 : (int)File.GetUnixFileMode(file);
            if (info.Length > MaximumHookBytes)
            {
                // Not hashed, so never vouched for: length and modification time are the command's to restore (touch -d)
                // after rewriting the content. A fingerprint no later snapshot can match reports such a hook after
                // every run; git hooks this large are not written by hand.
                return $"{mode}:{info.Length}:unverified:{Guid.NewGuid():N}";
            }

            var bytes = GitConfigFileBytes.ReadIfExists(file, MaximumHookBytes) ?? [];
            return $"{mode}:{Sha256Hash.HexOf(bytes)}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "unreadable";
        }
    }
}

/// <summary>What one repository could make git run, for <see cref="RepositorySnapshot"/>.</summary>
/// <param name="Settings">Each program-naming setting by its identity (key and value), with what to report when it is new (<c>config sets core.fsmonitor</c>).</param>
/// <param name="Hooks">Each non-sample hook by name, with its fingerprint (mode and content hash).</param>
internal sealed record RepositoryState(IReadOnlyDictionary<string, string> Settings, IReadOnlyDictionary<string, string> Hooks);
