using System.Globalization;
using AgentExec.Core.Configuration;
using AgentExec.Core.Credentials;
using AgentExec.Core.Text;

namespace AgentExec.Core.Commands;

/// <summary>
/// One run of <see cref="GitRepositoryConfig.FindProgramSetting(string, string?, IReadOnlyList{string})"/>: finds the repository git selects, reads its
/// configuration, includes, hooks and submodules, and the global configuration the agent could have written.
/// </summary>
/// <remarks>
/// Every path that cannot be followed to the end (unreadable, unparsable, too deep, too many) ends in a reason,
/// never in "nothing set": the caller asks the human then, which costs one question, not a program run unseen.
/// </remarks>
internal sealed class GitConfigInspection
{
    /// <summary>git's own limit on nested includes (MAX_INCLUDE_DEPTH).</summary>
    public const int MaximumIncludeDepth = 10;

    /// <summary>More repositories (the selected one and its submodules, nested ones included) than this are not checked.</summary>
    public const int MaximumRepositories = 64;

    /// <summary>More configuration files in one run than this are not read.</summary>
    public const int MaximumFiles = 256;

    /// <summary>More directories under <c>modules/</c> than this are not searched for submodule repositories.</summary>
    public const int MaximumModuleDirectories = 1024;

    // Hooks git runs during inspection: git status writes a refreshed index (post-index-change) when it can;
    // reference-transaction is listed because any ref update runs it, and nothing is lost by being strict.
    private static readonly string[] InspectionHooks = ["post-index-change", "reference-transaction"];

    private readonly string? _homeDirectory;
    private readonly IReadOnlyList<string> _writableRoots;
    private readonly HashSet<string> _repositories = new(StringComparer.Ordinal);

    // Each repository's common directory, read once per run (its configuration is checked, then git's validity test).
    private readonly Dictionary<string, string> _commonDirectories = new(StringComparer.Ordinal);

    // The links this run reads, each once: the same directories are resolved for every file of the repository.
    private readonly LinkResolver _links;

    // Each git directory's walk for links, once per analysis (git status; cd src && git log walks .git once).
    private readonly GitDirectoryLinks _gitDirectoryLinks;
    private int _files;
    private int _moduleDirectories;

    // The first reason found that concerns what git would read (a link in a git directory, a foreign core.worktree),
    // given only when no repository names a program: that reason says more, and the check goes on to find it.
    private string? _readReason;

    /// <summary>A run for a command whose <c>HOME</c> is <paramref name="homeDirectory"/> and that can write <paramref name="writableRoots"/>.</summary>
    public GitConfigInspection(string? homeDirectory, IReadOnlyList<string> writableRoots)
        : this(homeDirectory, writableRoots, new LinkResolver())
    {
    }

    /// <summary>A run that reads links through <paramref name="links"/>, which lives for one analysis.</summary>
    public GitConfigInspection(string? homeDirectory, IReadOnlyList<string> writableRoots, LinkResolver links)
        : this(homeDirectory, writableRoots, links, new GitDirectoryLinks())
    {
    }

    /// <summary>A run that reads links through <paramref name="links"/> and walks git directories through <paramref name="gitDirectoryLinks"/>, both living for one analysis.</summary>
    public GitConfigInspection(string? homeDirectory, IReadOnlyList<string> writableRoots, LinkResolver links, GitDirectoryLinks gitDirectoryLinks)
    {
        _links = links;
        _gitDirectoryLinks = gitDirectoryLinks;
        _homeDirectory = string.IsNullOrEmpty(homeDirectory) ? null : homeDirectory;
        _writableRoots = writableRoots;
    }

    /// <summary>The first reason found for git started in <paramref name="workingDirectory"/>, or null when none.</summary>
    public string? Run(string workingDirectory)
    {
        try
        {
            return CheckGlobalConfigs() ?? CheckSelectedRepository(Path.GetFullPath(workingDirectory)) ?? _readReason;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException or NotSupportedException)
        {
            // Paths past the ones read with their own labels (directories under modules/, a repository's layout).
            return $"the repository's layout cannot be read ({e.Message})";
        }
    }

    private string? CheckGlobalConfigs()
    {
        var candidates = new List<(string Path, string Label)> { ("/etc/gitconfig", "the system git config") };
        if (_homeDirectory is not null)
        {
            candidates.Add((Path.Join(_homeDirectory, ".gitconfig"), "the global git config"));
            candidates.Add((Path.Join(_homeDirectory, ".config", "git", "config"), "the global git config"));
        }

        // Read from this process: the command inherits the server's environment, and checking one more file only adds strictness.
        if (Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg))
        {
            candidates.Add((Path.Join(xdg, "git", "config"), "the global git config"));
        }

        foreach (var (path, label) in candidates)
        {
            if (CheckTrustedFile(path, label, depth: 0) is { } reason)
            {
                return reason;
            }
        }

        return null;
    }

    // A trusted file is not checked for program keys, but it is read like the repository's when it lies where the
    // agent can write, and so is any file it includes from there.
    private string? CheckTrustedFile(string path, string label, int depth)
    {
        if (depth > MaximumIncludeDepth)
        {
            return null; // git refuses the whole configuration then, so nothing runs.
        }

        if (Follow(path, $"{label} ({path})", out var real) is { } unfollowable)
        {
            return unfollowable;
        }

        // Only what it includes matters here, so bytes that are not UTF-8 (a Latin-1 user.name, which git reads) do not
        // hide the includes; a path made of them is refused below. A file that still cannot be read is a reason wherever it
        // lies, unless this user may not read it: git reads some that this reader refuses (over its size bound), and may
        // include a writable file from there (found by a review: a Latin-1 byte in ~/.gitconfig hid an include of a
        // workspace file that set core.fsmonitor).
        IReadOnlyList<GitConfigEntry>? entries;
        try
        {
            entries = GitConfigFileReader.ReadFileToleratingNonUtf8IfExists(real);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            // Where the agent cannot write, a file this user may not read is one git (the same user) reads nothing from.
            return IsWritable(path)
                ? $"{label} ({path}), which lies in a writable directory, cannot be read"
                : e is UnauthorizedAccessException ? null : $"{label} ({path}) cannot be read here, so what it makes git include is not known";
        }

        if (entries is null)
        {
            return null;
        }

        if (IsWritable(path))
        {
            var writableLabel = $"{label} ({path}), which lies in a writable directory,";
            return CheckFile(path, writableLabel, writableLabel, depth, [], entries: null);
        }

        foreach (var entry in entries)
        {
            if (GitConfigProgramKeys.SubmoduleEntering(entry) is { } entering)
            {
                return $"{label} sets {entering}, which makes git enter submodules that only a commit names";
            }

            if (entry.Key == "core.hookspath" && entry.Value is { Length: > 0 } hooksValue && HooksTheAgentMayWrite(hooksValue, label) is { } hooksReason)
            {
                return hooksReason;
            }

            if (IsInclude(entry) && entry.Value is { } value)
            {
                string target;
                try
                {
                    target = GitConfigPaths.IncludeTarget(value, path, _homeDirectory);
                }
                catch (InvalidDataException) when (value.Length == 0)
                {
                    continue; // An empty include names nothing.
                }
                catch (InvalidDataException e)
                {
                    // ~user/, %(prefix)/ or bytes that are not UTF-8: git opens it, and it may lie where the agent writes
                    // (found by a review: ~user/ws/team.gitconfig set core.fsmonitor with no question).
                    return $"{label} includes {UntrustedText.Escape(value)}, which this check cannot place: {e.Message}";
                }

                if (CheckTrustedFile(target, $"a file {label} includes", depth + 1) is { } reason)
                {
                    return reason;
                }
            }
        }

        return null;
    }

    // Where git, which hands a path it read from a file (include.path, gitdir:, commondir, core.worktree) to the kernel
    // as written, will really look: every link followed and each ".." applied to what is resolved so far, so "lnk/../x"
    // is x beside the link's target (Path.GetFullPath would say beside the link: an attack read a harmless file there
    // while git read one that set core.fsmonitor). Only the real path is used from then on. A path that cannot be
    // resolved, or that lies in or goes through /proc, is a reason: what /proc/self/cwd or /dev/fd/3 names depends on the
    // process that follows it (git's own, in the sandbox's pid namespace), so nothing read here through it is what git
    // reads (LinkResolver.EntersProcessFiles).
    private string? Follow(string path, string what, out string real)
    {
        real = path;
        if (_links.EntersProcessFiles(path) || !_links.TryRealPath(path, out var resolved))
        {
            return $"{what} cannot be followed as git will follow it: it goes through /proc (whose files depend on the process that reads them) or cannot be resolved";
        }

        real = resolved;
        return null;
    }

    // The user's own core.hooksPath names where git finds the hooks it runs (git status runs post-index-change): a relative
    // one is a directory of each work tree, the agent's; an absolute one may lie where the agent writes, or be spelt so
    // that this check cannot place it (~user/, found by a review: git status ran a hook planted under ~user/ws/.hooks).
    private string? HooksTheAgentMayWrite(string value, string label)
    {
        string directory;
        try
        {
            directory = GitConfigPaths.Pathname(value, "/", _homeDirectory);
        }
        catch (InvalidDataException e)
        {
            return $"{label} sets core.hooksPath to {UntrustedText.Escape(value)}, which this check cannot place: {e.Message}";
        }

        if (!Path.IsPathRooted(value) && !value.StartsWith('~'))
        {
            return $"{label} sets core.hooksPath to {UntrustedText.Escape(value)}, a directory of the work tree, where the agent can put the hooks git runs";
        }

        return IsWritable(directory) ? $"{label} sets core.hooksPath to {UntrustedText.Escape(directory)}, which lies in a writable directory, where the agent can put the hooks git runs" : null;
    }

    private bool IsWritable(string path)
    {
        string resolved;
        try
        {
            resolved = GitConfigPaths.Resolve(path, _links);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true; // Cannot tell where it really is: read it strictly.
        }

        return GitConfigPaths.IsInside(resolved, _writableRoots) || GitConfigPaths.IsInside(path, _writableRoots);
    }

    // git's discovery (setup_git_directory_gently): from the directory upwards, first DIR/.git (a directory or a
    // gitfile), then DIR itself as a bare repository. git stops at the first candidate its own validity test
    // (is_git_directory) accepts; the check never stops, but checks every candidate up to the root. An imitation of that
    // test can accept what git refuses (a HEAD past the 255 bytes git reads, objects/ git may not enter: two attacks
    // planted such decoys, one in /tmp above the workspace, where the agent can write too), and stopping at a clean
    // decoy would leave unchecked the repository git goes on to use. Checking every one costs a configuration that
    // git would not read the right to make the answer stricter, never looser.
    private string? CheckSelectedRepository(string workingDirectory)
    {
        if (Follow(workingDirectory, $"the directory git starts in ({workingDirectory})", out _) is { } unfollowable)
        {
            return unfollowable;
        }

        for (var directory = workingDirectory; directory is not null; directory = Path.GetDirectoryName(directory))
        {
            var dotGit = Path.Join(directory, ".git");
            string? gitDirectory;
            try
            {
                gitDirectory = GitConfigDirectories.Locate(dotGit);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                return $"the repository's .git file cannot be read ({dotGit})";
            }

            if (gitDirectory is not null && CheckRepository(gitDirectory, directory, "the repository") is { } reason)
            {
                return reason;
            }

            if (HasHeadEntry(directory) && CheckRepository(directory, workTree: null, "the repository") is { } bareReason)
            {
                return bareReason;
            }
        }

        return null;
    }

    // Any HEAD entry makes a directory a candidate, whatever it is (a link to refs/heads is a directory to File.Exists, and
    // git accepts it).
    private static bool HasHeadEntry(string directory)
    {
        var head = Path.Join(directory, "HEAD");
        return Path.Exists(head) || new FileInfo(head).LinkTarget is not null;
    }

    private string CommonDirectory(string gitDirectory)
    {
        if (!_commonDirectories.TryGetValue(gitDirectory, out var common))
        {
            common = GitConfigDirectories.CommonDirectory(gitDirectory);
            _commonDirectories[gitDirectory] = common;
        }

        return common;
    }

    private string? CheckRepository(string gitDirectory, string? workTree, string name)
    {
        // Before asking whether it exists: Directory.Exists would normalise "lnk/.." as text.
        if (Follow(gitDirectory, $"{name}'s git directory ({gitDirectory})", out var key) is { } unfollowable)
        {
            return unfollowable;
        }

        gitDirectory = key;
        if (!Directory.Exists(gitDirectory))
        {
            return null; // git stops with "not a git repository": nothing runs.
        }

        if (!_repositories.Add(key))
        {
            return null;
        }

        if (_repositories.Count > MaximumRepositories)
        {
            return $"more than {MaximumRepositories} repositories and submodules to check";
        }

        string commonDirectory;
        try
        {
            commonDirectory = CommonDirectory(gitDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return $"{name}'s commondir file cannot be read";
        }

        if (Follow(commonDirectory, $"{name}'s common directory ({commonDirectory})", out commonDirectory) is { } commonUnfollowable)
        {
            return commonUnfollowable;
        }

        var entries = new List<GitConfigEntry>();
        var ownEntries = new List<GitConfigEntry>();
        var reason = CheckFile(Path.Join(commonDirectory, "config"), $"{name}'s config", $"{name}'s config", 0, [], entries, ownEntries)
            ?? CheckFile(Path.Join(gitDirectory, "config.worktree"), $"{name}'s worktree config", $"{name}'s worktree config", 0, [], entries)
            ?? CheckHooks(commonDirectory, name)
            // The same directory twice (no commondir) would give the same answer.
            ?? (commonDirectory == gitDirectory ? null : CheckHooks(gitDirectory, name))
            ?? CheckModules(Path.Join(commonDirectory, "modules"))
            ?? (commonDirectory == gitDirectory ? null : CheckModules(Path.Join(gitDirectory, "modules")));
        if (reason is not null)
        {
            return reason;
        }

        // core.worktree moves the work tree (absorbed submodules always set it), relative to the git directory. git takes
        // it from the repository's own config file only (not from its includes, nor from config.worktree unless
        // extensions.worktreeConfig is set), which the merged entries no longer tell apart: so every value any of them
        // holds is judged, and the gitlinks of every work tree they name are checked, and of the one git would use
        // without it (an attack hid a submodule behind a decoy core.worktree in config.worktree).
        var workTrees = new List<string>();
        if (workTree is not null)
        {
            workTrees.Add(workTree);
        }

        foreach (var configuredWorkTree in entries.Where(entry => entry.Key == "core.worktree").Select(entry => entry.Value).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            var configured = Path.IsPathRooted(configuredWorkTree) ? configuredWorkTree : Path.Join(gitDirectory, configuredWorkTree);
            if (Follow(configured, $"{name}'s core.worktree ({configured})", out var realWorkTree) is { } workTreeUnfollowable)
            {
                return workTreeUnfollowable;
            }

            if (ForeignWorkTree(realWorkTree, workTree, gitDirectory) is { } foreign)
            {
                _readReason ??= $"{name}'s core.worktree ({configuredWorkTree}) makes git read {realWorkTree} as its work tree, {foreign}";
            }

            workTrees.Add(realWorkTree);
        }

        var objectFormat = RepositoryObjectFormat(ownEntries);
        foreach (var tree in workTrees.Distinct(StringComparer.Ordinal))
        {
            if (CheckGitlinks(gitDirectory, tree, objectFormat, name) is { } gitlinkReason)
            {
                return gitlinkReason;
            }
        }

        _readReason ??= _gitDirectoryLinks.Refute(commonDirectory, name, _links)
            // A linked worktree's own directory (worktrees/NAME) usually lies inside the common one, walked already.
            ?? (RealPath.IsSameOrInside(gitDirectory, commonDirectory) ? null : _gitDirectoryLinks.Refute(gitDirectory, name, _links));
        return null;
    }

    // A core.worktree elsewhere than the work tree git found makes git diff and git grep read any directory as tracked
    // files: an attack pointed it at the home, added an index entry .netrc, and git diff printed ~/.netrc. It is kept only
    // where it names the directory whose .git led git here, or, for a git directory met by itself (a submodule's under
    // modules/, or one git is started in), a directory whose .git leads back to it: git submodule sets it so, in
    // .git/modules/NAME/config, to the submodule's own directory.
    private string? ForeignWorkTree(string realWorkTree, string? workTree, string gitDirectory)
    {
        if (workTree is not null)
        {
            return _links.TryRealPath(workTree, out var realDiscovered) && realDiscovered == realWorkTree
                ? null
                : $"not the directory whose .git led to the repository ({workTree})";
        }

        string? ledTo;
        try
        {
            ledTo = GitConfigDirectories.Locate(Path.Join(realWorkTree, ".git"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            ledTo = null;
        }

        return ledTo is not null && _links.TryRealPath(ledTo, out var realLedTo) && realLedTo == gitDirectory
            ? null
            : "a directory whose .git does not lead back to the repository";
    }

    // The hash git reads the index with: extensions.objectFormat, taken by git from the repository's config file itself
    // (no include, no config.worktree) and only at repository format version 1 or more (version 0 with it is a fatal
    // error). Two attacks set it in config.worktree, which git ignores for it, so that the index was read with the wrong
    // hash size and a gitlink's name came out as another name.
    private static string? RepositoryObjectFormat(List<GitConfigEntry> ownEntries)
    {
        var version = ownEntries.LastOrDefault(entry => entry.Key == "core.repositoryformatversion").Value;
        return int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1
            ? ownEntries.LastOrDefault(entry => entry.Key == "extensions.objectformat").Value
            : null;
    }

    private static string? CheckHooks(string directory, string name)
    {
        foreach (var hook in InspectionHooks)
        {
            if (File.Exists(Path.Join(directory, "hooks", hook)))
            {
                return $"{name} has a {hook} hook, which git inspection can run";
            }
        }

        return null;
    }

    // Absorbed submodules live in modules/<name>/ (names may hold slashes); git diff --submodule=diff and git log
    // --submodule open them even when they are not checked out.
    private string? CheckModules(string modulesDirectory)
    {
        if (!Directory.Exists(modulesDirectory))
        {
            return null;
        }

        var pending = new Stack<string>();
        pending.Push(modulesDirectory);
        while (pending.Count > 0)
        {
            foreach (var directory in Directory.EnumerateDirectories(pending.Pop()))
            {
                if (++_moduleDirectories > MaximumModuleDirectories)
                {
                    return $"more than {MaximumModuleDirectories} directories under the repository's modules/";
                }

                if (HasHeadEntry(directory) || File.Exists(Path.Join(directory, "config")))
                {
                    var name = $"submodule repository {Path.GetRelativePath(modulesDirectory, directory)}";
                    if (CheckRepository(directory, workTree: null, name) is { } reason)
                    {
                        return reason;
                    }
                }
                else
                {
                    pending.Push(directory);
                }
            }
        }

        return null;
    }

    // git status and git diff run git in every populated submodule (a gitlink in the index whose directory has a .git).
    private string? CheckGitlinks(string gitDirectory, string workTree, string? objectFormat, string name)
    {
        IReadOnlyList<string> gitlinks;
        try
        {
            var hashBytes = objectFormat == "sha256" ? 32 : 20;
            gitlinks = GitConfigIndex.Gitlinks(Path.Join(gitDirectory, "index"), hashBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return $"{name}'s index cannot be read for submodules ({e.Message})";
        }

        foreach (var gitlink in gitlinks)
        {
            if (Path.IsPathRooted(gitlink) || gitlink.Split('/').Any(component => component is "" or "." or ".."))
            {
                // git refuses such index entries; a planted index could still hold one, and "lnk/.." is not text.
                return $"{name}'s index names the submodule path {gitlink}, which git would not write";
            }

            var submoduleTree = Path.Join(workTree, gitlink);
            var dotGit = Path.Join(submoduleTree, ".git");
            string? submoduleGitDirectory;
            try
            {
                submoduleGitDirectory = GitConfigDirectories.Locate(dotGit);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                return $"the .git file of submodule {gitlink} cannot be read";
            }

            if (submoduleGitDirectory is not null
                && CheckRepository(submoduleGitDirectory, submoduleTree, SubmoduleName(name, gitlink)) is { } reason)
            {
                return reason;
            }
        }

        return null;
    }

    // Nested submodules are named through their parents: "submodule lib/x of submodule lib".
    private static string SubmoduleName(string parent, string gitlink) =>
        parent == "the repository" ? $"submodule {gitlink}" : $"submodule {gitlink} of {parent}";

    // Reads one configuration file strictly and every file it includes, adding the entries to entries when given.
    private string? CheckFile(string path, string label, string origin, int depth, List<string> chain, List<GitConfigEntry>? entries, List<GitConfigEntry>? ownEntries = null)
    {
        if (depth > MaximumIncludeDepth)
        {
            return $"{label} nests includes deeper than {MaximumIncludeDepth}";
        }

        if (++_files > MaximumFiles)
        {
            return $"more than {MaximumFiles} git configuration files to read";
        }

        if (Follow(path, $"{label.TrimEnd(',')} ({path})", out var identity) is { } unfollowable)
        {
            return unfollowable;
        }

        IReadOnlyList<GitConfigEntry>? fileEntries;
        try
        {
            fileEntries = GitConfigFileReader.ReadFileIfExists(identity);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{label} cannot be read";
        }
        catch (InvalidDataException e)
        {
            return $"{label} cannot be parsed ({e.Message})";
        }

        if (fileEntries is null)
        {
            return null; // git reads a missing configuration file, and a missing include, as empty.
        }

        if (chain.Contains(identity))
        {
            return $"{label} includes itself";
        }

        entries?.AddRange(fileEntries);
        ownEntries?.AddRange(fileEntries);
        foreach (var entry in fileEntries)
        {
            if (GitConfigProgramKeys.Find(entry) is { } key)
            {
                return $"{label} sets {key}";
            }

            if (!IsInclude(entry))
            {
                continue;
            }

            if (entry.Value is not { } value)
            {
                return $"{label} has an include without a path";
            }

            string target;
            try
            {
                target = GitConfigPaths.IncludeTarget(value, path, _homeDirectory);
            }
            catch (InvalidDataException e)
            {
                return $"{label} has {e.Message}";
            }

            // Named where git will really read it, after the file at the top of the chain, which is the one a human knows;
            // checked as written, since git takes the included file's own relative includes beside its path as written
            // (beside the link, when it is one), not beside its target.
            if (Follow(target, $"{target}, included by {origin.TrimEnd(',')},", out var realTarget) is { } includeUnfollowable)
            {
                return includeUnfollowable;
            }

            if (CheckFile(target, $"{realTarget}, included by {origin.TrimEnd(',')},", origin, depth + 1, [.. chain, identity], entries) is { } reason)
            {
                return reason;
            }
        }

        return null;
    }

    // include.path, and includeIf.<condition>.path with every condition taken as true (stricter than git).
    private static bool IsInclude(GitConfigEntry entry) => entry.Section is "include" or "includeif" && entry.Name == "path";
}
