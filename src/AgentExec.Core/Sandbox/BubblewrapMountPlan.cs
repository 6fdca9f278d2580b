using AgentExec.Core.Configuration;
using AgentExec.Core.Credentials;
using AgentExec.Core.Execution;

namespace AgentExec.Core.Sandbox;

/// <summary>
/// The mounts of one bubblewrap command line, computed from real paths and put in an order where each mount overrides
/// exactly what it should (SPEC.md "Sandbox").
/// </summary>
/// <remarks>
/// <para>
/// Order: bubblewrap applies mounts in argument order and a later mount covers everything beneath its destination, so
/// mounts are sorted by the depth of their destination (shallow first) and, at the same depth, by
/// <see cref="MountLayer"/>. Hence a workspace under <c>/tmp</c> is still there after <c>/tmp</c> is replaced by a
/// private tmpfs, a <c>.git</c> inside the workspace is read-only although the workspace is writable, and a credential
/// folder is hidden even inside a writable root. Read-only remounts of the hiding tmpfs come last, once every mount
/// point inside them has been created.
/// </para>
/// <para>
/// Every path to protect or hide is resolved through its symbolic links first and mounted at its real location: a link
/// that points at a protected directory reaches the protection, and a link can only ever make more read-only or
/// hidden. Writable roots are the opposite case: they arrive already resolved, and one that now resolves elsewhere is
/// refused (<see cref="RefusedWritableRoots"/>), so that a link planted where a root should be cannot make its target
/// writable. A path that does not exist is skipped and reported in <see cref="Skipped"/>.
/// </para>
/// <para>
/// Rename guard: a read-only bind stops writes to a protected path, and a mount point cannot be renamed or removed, but
/// the directories above it can be: a command could rename <c>state/</c> away and create a new
/// <c>state/audit.jsonl</c> for the host to write to. So each directory between a writable root and a protected or
/// hidden path inside it is bound onto itself (<see cref="MountLayer.Pinned"/>): it stays writable, and can no longer
/// be renamed.
/// </para>
/// </remarks>
internal sealed class BubblewrapMountPlan
{
    /// <summary>Kernel interfaces under <c>/proc</c> that uid 0 can write without any capability; bound read-only.</summary>
    /// <remarks>
    /// bubblewrap covers some of these itself, but only when it can tell they are writable; as root it was seen here to
    /// leave <c>/proc/sys</c> writable (a sandboxed root changed the host's <c>kernel.printk</c>). Writing
    /// <c>/proc/sysrq-trigger</c> needs no capability either.
    /// </remarks>
    private static readonly string[] KernelInterfaces = ["/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus", "/proc/fs", "/proc/pressure"];

    /// <summary>How many directory entries the expansion of one wildcard credential entry (<c>~/.cargo/credentials*</c>) reads.</summary>
    private const int MaxEntriesPerWildcardEntry = 10_000;

    private readonly List<BubblewrapMount> _mounts = [];
    private readonly HashSet<(string, MountLayer)> _planned = [];
    private readonly List<string> _readOnlyRemounts = [];
    private readonly List<string> _writableRoots = [];
    private readonly List<string> _skipped = [];
    private readonly List<string> _refused = [];
    private readonly List<string> _keptReadOnly = [];
    private readonly List<string> _missing = [];
    private readonly List<string> _placeholders = [];
    private readonly List<string> _refusals = [];
    private readonly HashSet<string> _keptRepositories = new(StringComparer.Ordinal);
    private GlobalGitConfiguration _globalGit = GlobalGitConfiguration.None;

    private BubblewrapMountPlan()
    {
    }

    /// <summary>Paths the plan wanted to protect or hide but skipped because they do not exist, for the log.</summary>
    public IReadOnlyList<string> Skipped => _skipped;

    /// <summary>Why the scan for credential names under the writable directories stopped early, or null when it saw everything.</summary>
    /// <remarks>What it found is hidden all the same; the rest is readable (docs/credentials.md, "The scan").</remarks>
    public string? IncompleteCredentialScan { get; private set; }

    /// <summary>Every <c>.git</c> entry the walk of the writable directories met, for the repository watch to start from.</summary>
    public WalkedRepositories? Repositories { get; private set; }

    /// <summary>How many credential files and folders the plan hides, for the log.</summary>
    public int HiddenCredentials { get; private set; }

    /// <summary>Writable roots left read-only because a symbolic link now stands in their path, for the log.</summary>
    public IReadOnlyList<string> RefusedWritableRoots => _refused;

    /// <summary>
    /// Paths to keep read-only that do not exist yet where a command could create them: each is the first missing
    /// component, which needs a placeholder (<see cref="WorkspacePlaceholders.StandIn"/>) and a new plan before the
    /// command may run (SPEC.md "Sandbox": protected paths stay read-only "whether or not they exist").
    /// </summary>
    public IReadOnlyList<string> MissingProtectedPaths => _missing;

    /// <summary>Paths kept read-only that are placeholders standing already (this run's or another's), for the last run to remove.</summary>
    public IReadOnlyList<string> StandingPlaceholders => _placeholders;

    /// <summary>
    /// Why the command must not run, when the plan cannot hold the sandbox's promises: a path to keep read-only that a
    /// command could redirect (a link in a writable directory on the way), a directory the credential scan cannot list
    /// but a command can reach into, a credential found that cannot be resolved. Empty when it can.
    /// </summary>
    public IReadOnlyList<string> Refusals => _refusals;

    /// <summary>Plans the mounts for <paramref name="invocation"/>.</summary>
    /// <param name="invocation">The command, its mode, workspace, writable roots, network setting and egress socket.</param>
    /// <param name="host">The host paths to hide or protect.</param>
    /// <param name="bridgeCommand">
    /// What starts the egress bridge (<see cref="BubblewrapSandbox.BridgeCommand"/>); its files are bound read-only where
    /// the sandbox would otherwise hide them. Used only when the invocation has an egress socket.
    /// </param>
    /// <returns>The plan.</returns>
    /// <exception cref="ArgumentException">The mode is not a sandbox, or the egress socket is refused (<see cref="BindEgressSocket"/>).</exception>
    public static BubblewrapMountPlan Create(SandboxInvocation invocation, SandboxHostPaths host, IReadOnlyList<string>? bridgeCommand = null)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        ArgumentNullException.ThrowIfNull(host);
        if (invocation.Mode is not (SandboxMode.ReadOnly or SandboxMode.WorkspaceWrite))
        {
            throw new ArgumentException($"bubblewrap enforces read-only and workspace-write, not {invocation.Mode}.", nameof(invocation));
        }

        var plan = new BubblewrapMountPlan();
        var workspaceWrite = invocation.Mode == SandboxMode.WorkspaceWrite;

        plan.Add("/", MountLayer.Base, "--ro-bind", "/", "/");
        plan.Add("/dev", MountLayer.Base, "--dev", "/dev");
        var tmpfsSizes = PrivateTmpfsSizes.For(invocation.Limits);
        plan.BoundSharedMemory(tmpfsSizes);
        plan.Add("/proc", MountLayer.Base, "--proc", "/proc");
        foreach (var path in KernelInterfaces)
        {
            if (Path.Exists(path))
            {
                plan.Add(path, MountLayer.Base, "--ro-bind", path, path);
            }
        }

        // Host Unix sockets (Docker, D-Bus, ssh-agent, X11) live here; a read-only mount does not stop connect().
        plan.HideDirectory("/tmp", remountReadOnly: !workspaceWrite, sizeBytes: tmpfsSizes.TmpBytes);
        plan.HideDirectory("/run", remountReadOnly: true);
        if (host.RuntimeDirectory is { } runtimeDirectory)
        {
            plan.HideDirectory(runtimeDirectory, remountReadOnly: true);
        }

        // The server's own temporary directory when it is not /tmp: other programs' sockets (a JIT-hosted .NET
        // runtime's diagnostic endpoints among them) live there. Hidden like /tmp, unless it is the workspace or a
        // writable root itself, which the command must keep.
        if (host.TemporaryDirectory is { } temporaryDirectory && !IsWorkspaceOrWritableRoot(temporaryDirectory, invocation))
        {
            plan.HideDirectory(temporaryDirectory, remountReadOnly: !workspaceWrite);
        }

        if (invocation.Network)
        {
            plan.KeepNameResolution();
        }

        if (workspaceWrite)
        {
            // A root inside another is writable already. Bound again it would be a second writable bind stacked at one
            // place, which the mount check (it reads the top mount at each place) could not see redirected beneath.
            IReadOnlyList<string> roots = [invocation.Workspace, .. invocation.WritableRoots];
            foreach (var root in roots.Where(root => !roots.Any(other => other != root && RealPath.IsSameOrInside(root, other))))
            {
                plan.BindWritable(root);
            }
        }
        else
        {
            // Nothing is writable, but the workspace must stay visible even if it lives under a hidden directory.
            plan.BindReadOnlyRoot(invocation.Workspace);
        }

        plan._globalGit = workspaceWrite ? RepositorySnapshot.GlobalConfiguration(host.GitGlobalConfigs) : GlobalGitConfiguration.None;
        foreach (var unknown in plan._globalGit.Unknown)
        {
            plan._refusals.Add($"your global git configuration names what cannot be kept read-only: {unknown}; git reads or runs it outside any sandbox, where a command could have written it. Write it as an absolute path (or fix the file) to run commands in the workspace-write sandbox");
        }

        plan.KeepRepository(WorkspaceProtectedPaths.DotGit(invocation.Workspace));
        foreach (var path in (IEnumerable<string>)[
            .. WorkspaceProtectedPaths.ReadOnly(invocation.Workspace),
            host.AuditLogPath,
            .. host.ReadOnlyFiles,
            .. plan._globalGit.Paths,
            .. AgentExecConfiguration(host),
            .. host.AgentExecPlaces])
        {
            plan.KeepReadOnly(path);
        }

        if (workspaceWrite)
        {
            // The placeholder lock and journal (WorkspacePlaceholders): under the hidden /tmp already, unless a writable
            // root brings them back into view, where a command could hold the lock or edit the journal.
            plan.HideIfInsideWritableRoot(WorkspacePlaceholders.StateDirectory);
        }

        plan.HideCredentials(Credentials(invocation, host), [invocation.Workspace, .. invocation.WritableRoots]);
        if (invocation.EgressSocketPath is { } egressSocket)
        {
            plan.BindEgressSocket(egressSocket, invocation);

            // Last, so that every hidden directory is known: the bridge's binary must run inside.
            foreach (var path in bridgeCommand ?? [])
            {
                plan.KeepVisible(path);
            }
        }

        return plan;
    }

    /// <summary>
    /// Binds the call's egress socket, and nothing else of its folder, at <see cref="BubblewrapSandbox.EgressSocketInside"/>:
    /// inside the hidden <c>/run</c>, which is remounted read-only after the bind (a read-only mount does not stop
    /// <c>connect()</c>). The folder holding the socket on the host is hidden like <c>/tmp</c>, so that neither other
    /// calls' sockets nor anything else of AgentExec's there is in reach wherever that folder lies.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The socket is not an absolute path free of symbolic links that names a Unix socket, or it lies where the command
    /// can write (the workspace or a writable root: it could be swapped before the bind), or its folder is <c>/</c> or
    /// holds the workspace or a writable root (hiding it would hide them).
    /// </exception>
    private void BindEgressSocket(string socket, SandboxInvocation invocation)
    {
        if (!Path.IsPathFullyQualified(socket)
            || !RealPath.TryResolve(socket, out var real, out var exists)
            || !exists
            || real != socket
            || !UnixSocketFile.IsSocket(socket))
        {
            throw new ArgumentException($"The egress socket {socket} is not an absolute, link-free path to a Unix socket.", nameof(invocation));
        }

        var folder = Path.GetDirectoryName(real);
        IEnumerable<string> roots = [invocation.Workspace, .. invocation.WritableRoots, invocation.WorkingDirectory];
        foreach (var root in roots)
        {
            var realRoot = RealPath.TryResolve(root, out var resolved, out _) ? resolved : root;
            if (RealPath.IsSameOrInside(real, realRoot) || folder is null || folder == "/" || RealPath.IsSameOrInside(realRoot, folder))
            {
                throw new ArgumentException($"The egress socket {socket} must lie in a folder of its own, outside the workspace and the writable roots.", nameof(invocation));
            }
        }

        HideDirectory(folder!, remountReadOnly: true);
        Add(BubblewrapSandbox.EgressSocketInside, MountLayer.ReadOnly, "--ro-bind", real, BubblewrapSandbox.EgressSocketInside);
    }

    /// <summary>
    /// Binds the file of <paramref name="path"/> read-only where a hiding mount covers it and no writable root brings it
    /// back; for a framework-dependent layout (<c>dotnet</c>, <c>agentexec.dll</c>, or an apphost beside it) its whole
    /// folder, which the runtime loads from. A path that is not absolute (an argument) is left alone.
    /// </summary>
    private void KeepVisible(string path)
    {
        if (!Path.IsPathFullyQualified(path) || !RealPath.TryResolve(path, out var real, out var exists) || !exists || Path.GetDirectoryName(real) is not { } folder)
        {
            return;
        }

        var frameworkDependent = Path.GetFileNameWithoutExtension(real) == "dotnet"
            || real.EndsWith(".dll", StringComparison.Ordinal)
            || File.Exists(Path.Join(folder, "agentexec.dll"));
        var keep = frameworkDependent ? folder : real;
        var hidden = _mounts.Any(mount => mount.Layer == MountLayer.Hidden && RealPath.IsSameOrInside(keep, mount.Destination));
        if (hidden && OutermostWritableRoot(keep) is null)
        {
            Add(keep, MountLayer.ReadOnly, "--ro-bind", keep, keep);
        }
    }

    private static bool IsWorkspaceOrWritableRoot(string directory, SandboxInvocation invocation) =>
        RealPath.TryResolve(directory, out var real, out _)
        && ((IEnumerable<string>)[invocation.Workspace, .. invocation.WritableRoots]).Any(root =>
            RealPath.TryResolve(root, out var realRoot, out _) && realRoot == real);

    /// <summary>
    /// The user config and AgentExec's config directory, which the next start reads as trusted configuration (it may
    /// choose <c>danger-full-access</c> or <c>allow</c> rules). Hidden as credentials where they exist; kept read-only
    /// too, so that where a writable root holds the place (the home as the workspace, <c>~/.config</c> as a writable
    /// root) a missing one gets a placeholder instead of being created by a command (found by an attack: a command
    /// wrote <c>~/.config/agentexec/config.json</c> and the next start ran everything unsandboxed).
    /// </summary>
    /// <remarks>
    /// Both folders a later start may read it from: <c>$XDG_CONFIG_HOME/agentexec</c> as set now, and
    /// <c>~/.config/agentexec</c>, which a start without that variable reads (<see cref="ConfigPaths.DefaultUserConfigDirectories"/>).
    /// </remarks>
    private static IEnumerable<string> AgentExecConfiguration(SandboxHostPaths host) =>
        ((IEnumerable<string?>)[host.UserConfigDirectory, .. host.HomeDirectories.Select(home => ConfigPaths.UserConfigDirectory(new Dictionary<string, string>(), home)), host.UserConfigPath])
            .OfType<string>()
            .Where(Path.IsPathFullyQualified)
            .Distinct(StringComparer.Ordinal);

    /// <summary>The one credential list (SPEC.md "Policy", step 3a) for the server's and the command's home directories, with AgentExec's own files.</summary>
    internal static CredentialList Credentials(SandboxInvocation invocation, SandboxHostPaths host)
    {
        var credentials = host.Credentials ?? CredentialList.For(null);
        foreach (var home in host.HomeDirectories)
        {
            credentials = credentials.WithHomeDirectory(home);
        }

        if (invocation.Environment.TryGetValue("HOME", out var childHome))
        {
            credentials = credentials.WithHomeDirectory(childHome);
        }

        return credentials.WithPaths(host.UserConfigPath, host.UserConfigDirectory, host.AuditLogPath, Audit.JsonLinesAuditLog.LockPathFor(host.AuditLogPath));
    }

    /// <summary>The bubblewrap arguments for the planned mounts, in the order that makes each one override what it should.</summary>
    public IReadOnlyList<string> ToArguments()
    {
        var arguments = new List<string>();
        foreach (var mount in EmittedMounts())
        {
            arguments.AddRange(mount.Arguments);
        }

        foreach (var path in _readOnlyRemounts)
        {
            arguments.Add("--remount-ro");
            arguments.Add(path);
        }

        return arguments;
    }

    /// <summary>
    /// What the sandbox's own mount table must show once bubblewrap has built it, for <see cref="BubblewrapMountCheck"/>:
    /// each writable root (<c>R</c>), each mount inside one that binds a directory of the root onto itself (a pin or a
    /// read-only keep: <c>M</c>, with its root), and each hiding mount inside one (<c>D</c>).
    /// </summary>
    /// <remarks>
    /// bubblewrap resolves every path again when it mounts, following links, after this plan resolved it: a command
    /// already running in the workspace can swap a directory for a link in between, and the pin of <c>sub</c> became a
    /// writable bind of the home directory (found by an attack). Only the mounts inside writable roots can be moved so.
    /// </remarks>
    public IReadOnlyList<BubblewrapMountCheck.Expectation> MountExpectations()
    {
        // No root lies inside another (Create binds only the outermost), so each is a root of the check.
        var expectations = _writableRoots.Select(BubblewrapMountCheck.Expectation.Root).ToList();
        foreach (var mount in EmittedMounts())
        {
            if (mount.Layer == MountLayer.Writable || OutermostWritableRoot(mount.Destination) is not { } root)
            {
                continue;
            }

            var bindsItself = mount.Arguments is [_, var source, var destination] && source == destination;
            expectations.Add(bindsItself ? BubblewrapMountCheck.Expectation.SelfBind(mount.Destination, root) : BubblewrapMountCheck.Expectation.Hiding(mount.Destination));
        }

        return expectations;
    }

    private IEnumerable<BubblewrapMount> EmittedMounts() =>
        _mounts.Where(mount => !IsCoveredPin(mount) && !IsHiddenAnyway(mount)).OrderBy(mount => mount.Depth).ThenBy(mount => mount.Layer);

    /// <summary>
    /// True for a read-only bind of a path that is also hidden (a missing <c>.env</c>'s placeholder, which is a
    /// credential name): the hiding mount at the same path comes later, is itself read-only and a mount point, and
    /// so keeps everything the bind kept. bubblewrap reads the whole mount table for every mount, so each one saved is
    /// time off every sandboxed call (issue 12).
    /// </summary>
    private bool IsHiddenAnyway(BubblewrapMount mount) =>
        mount.Layer == MountLayer.ReadOnly
        && _mounts.Any(other => other.Layer == MountLayer.Hidden && other.Destination == mount.Destination);

    /// <summary>
    /// True for a pin whose innermost enclosing mount is read-only or hidden: there nothing can be renamed anyway, and
    /// the pin, a writable bind of the host directory, would undo the protection (a worktree's git directory under
    /// <c>.git</c>).
    /// </summary>
    private bool IsCoveredPin(BubblewrapMount pin)
    {
        if (pin.Layer != MountLayer.Pinned)
        {
            return false;
        }

        var innermost = _mounts
            .Where(mount => mount.Layer != MountLayer.Pinned && RealPath.IsSameOrInside(pin.Destination, mount.Destination))
            .OrderBy(mount => mount.Depth)
            .ThenBy(mount => mount.Layer)
            .LastOrDefault();
        return innermost is null || innermost.Layer is not MountLayer.Writable;
    }

    /// <summary>Hides every fixed credential location that exists, and every credential name the scan finds under <paramref name="roots"/>.</summary>
    /// <remarks>
    /// <c>/proc/*/environ</c> and its kin need nothing: with <c>--unshare-pid</c> and a fresh <c>/proc</c> the command
    /// sees only its own processes, whose environment is the allow-listed one it was given.
    /// </remarks>
    private void HideCredentials(CredentialList credentials, IReadOnlyList<string> roots)
    {
        var before = _mounts.Count(mount => mount.Layer == MountLayer.Hidden);
        var hidden = new List<string>();
        foreach (var location in credentials.Locations)
        {
            if (location.Components.Length > 0 && location.Components[0].Literal == "proc")
            {
                continue;
            }

            var paths = location.Expand(MaxEntriesPerWildcardEntry, out var complete);
            foreach (var path in paths)
            {
                Hide(path);
                hidden.Add(path);
            }

            if (!complete)
            {
                // A match past the listing bound would stay readable: refused, as the scan's own bounds are.
                _refusals.Add($"the credential location {location.Entry.Text} has more matches than can be listed (more than {MaxEntriesPerWildcardEntry} entries, or a folder on the way that cannot be read), so not all of them could be hidden; narrow the entry in credential_paths to run sandboxed commands");
            }
        }

        var realRoots = roots.Select(root => RealPath.TryResolve(root, out var real, out var exists) && exists ? real : null).OfType<string>().ToList();
        var scan = CredentialScan.Run(credentials, realRoots);
        if (scan.StoppedByNamesAlone)
        {
            // Past this bound a credential stays readable and a nested .git writable, and a command reaches it with
            // empty files alone (2,000 .env.N made the next command read config/.env and rewrite sub/.git/config): not
            // a large tree to be warned about but a hole a command can open, so the run is refused.
            _refusals.Add($"the scan of the writable directories for credential names and repositories {scan.Incomplete}, so a credential or a nested .git past that point could be neither hidden nor kept read-only, and a command can reach that bound by creating names alone; remove the surplus (files named like credentials, directories holding a file named HEAD) to run sandboxed commands here");
        }

        foreach (var path in scan.Found)
        {
            if (!RealPath.TryResolve(path, out var real, out var exists))
            {
                // Found by name, so it is there; not knowing where it leads (a directory on the way that cannot be
                // searched, which its owner can change) must not leave it readable.
                _refusals.Add($"{path} is named like a credential and cannot be resolved to hide it (a directory on the way that cannot be searched?); make the way to it readable to run commands in the workspace-write sandbox");
            }
            else if (exists && (realRoots.Any(root => RealPath.IsSameOrInside(real, root)) || IsTheUsersOwn(real)))
            {
                Hide(real);
                hidden.Add(real);
            }
        }

        HideOtherNames(hidden, realRoots);

        // Nested repositories found by the same walk stay read-only like the workspace's own .git (issue 10, item 4).
        foreach (var dotGit in scan.Repositories)
        {
            KeepRepository(dotGit);
        }

        // After the nested repositories' paths are kept: a placeholder standing in for one of theirs is sealed, not blind.
        if (UnlistedDirectories.FirstReachable(scan.Unlisted, _keptReadOnly) is { } unlisted)
        {
            _refusals.Add(UnlistedDirectories.Refusal(unlisted));
        }

        IncompleteCredentialScan = scan.Incomplete ?? IncompleteCredentialScan;
        Repositories = WalkedRepositories.From(scan, [.. _keptReadOnly]);
        HiddenCredentials = _mounts.Count(mount => mount.Layer == MountLayer.Hidden) - before;
    }

    // A hidden credential file with more than one name (a hard link) stays readable under its other names, which the
    // list does not match: each of them in the writable directories is hidden too (HardLinkNames). A command can make
    // such a name only where it can write, so these are the names it could have made.
    private void HideOtherNames(IReadOnlyList<string> hidden, IReadOnlyList<string> realRoots)
    {
        var linked = new HashSet<(ulong Device, ulong Inode)>();
        foreach (var path in hidden)
        {
            try
            {
                if (RealPath.TryResolve(path, out var real, out var exists) && exists
                    && UnixFileStatus.OfPath(real) is { IsRegularFile: true, LinkCount: > 1, Identity: { } identity })
                {
                    linked.Add(identity);
                }
            }
            catch (IOException)
            {
                // Gone, or not to be examined: no second name of it to look for.
            }
        }

        if (linked.Count == 0)
        {
            return;
        }

        var names = HardLinkNames.Find(linked, realRoots, out var incomplete);
        foreach (var name in names)
        {
            Hide(name);
        }

        if (incomplete is not null)
        {
            IncompleteCredentialScan = incomplete;
        }
    }

    // A credential-named link in a root is followed to its target: a .env linked to the user's secrets file elsewhere is
    // hidden with it. But the agent chooses where such a link points, so outside the roots only a file of the user's own
    // is hidden: a file of another owner (root's /usr/bin/true, which an attack hid with x.pem -> /usr/bin/true to break
    // every sandbox's start) is no secret of the user's, and a root-only key is unreadable to the command anyway. When
    // the owner cannot be read, the target is hidden.
    private static bool IsTheUsersOwn(string realPath)
    {
        try
        {
            return UnixFileStatus.OfPath(realPath).Owner == Libc.GetEffectiveUserId();
        }
#pragma warning disable CA1031 // Not knowing the owner hides the file, the stricter side.
        catch (Exception)
#pragma warning restore CA1031
        {
            return true;
        }
    }

    /// <summary>
    /// Gives <c>/dev/shm</c> its own sized tmpfs and makes the rest of the <c>/dev</c> tmpfs read-only, since bubblewrap
    /// cannot size it and writes there would be unbounded memory (the private <c>/tmp</c> is sized in <see cref="HideDirectory"/>).
    /// </summary>
    /// <remarks>Device nodes stay writable on a read-only mount (the kernel's read-only check spares them).</remarks>
    private void BoundSharedMemory(PrivateTmpfsSizes sizes)
    {
        Add("/dev/shm", MountLayer.Base, "--perms", "1777", "--size", Bytes(sizes.SharedMemoryBytes), "--tmpfs", "/dev/shm");
        _readOnlyRemounts.Add("/dev");
    }

    private static string Bytes(long bytes) => bytes.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private void HideDirectory(string path, bool remountReadOnly, long? sizeBytes = null)
    {
        if (!TryResolveExisting(path, out var real))
        {
            return;
        }

        if (!Directory.Exists(real))
        {
            _skipped.Add(path);
            return;
        }

        string[] arguments = sizeBytes is { } size ? ["--size", Bytes(size), "--tmpfs", real] : ["--tmpfs", real];
        if (Add(real, MountLayer.Hidden, arguments) && remountReadOnly)
        {
            _readOnlyRemounts.Add(real);
        }
    }

    private void HideIfInsideWritableRoot(string path)
    {
        if (RealPath.TryResolve(path, out var real, out var exists) && exists && OutermostWritableRoot(real) is not null)
        {
            Hide(real);
        }
    }

    private void Hide(string path)
    {
        if (!TryResolveExisting(path, out var real))
        {
            return;
        }

        PinAncestors(real);
        if (Directory.Exists(real))
        {
            if (Add(real, MountLayer.Hidden, "--tmpfs", real))
            {
                _readOnlyRemounts.Add(real);
            }
        }
        else
        {
            // An empty, read-only stand-in for a file: reads see nothing, and the real file cannot be replaced.
            Add(real, MountLayer.Hidden, "--ro-bind", "/dev/null", real);
        }
    }

    private void KeepReadOnly(string path)
    {
        // Read as the kernel walks the spelling: what a command could create or replace on the way is found too.
        var lookup = ProtectedPathLookup.Look(path, CanBeChangedBelow, IsFixedInPlace);
        switch (lookup.Result)
        {
            case ProtectedPathLookup.Kind.Present:
                PinAncestors(lookup.Path);
                Add(lookup.Path, MountLayer.ReadOnly, "--ro-bind", lookup.Path, lookup.Path);
                _keptReadOnly.Add(lookup.Path);
                if (HasNoPermissions(lookup.Path) && PlaceholderEntry.IsPlaceholder(lookup.Path))
                {
                    // One a run that crashed left (or another run's, still going): the last run to end removes it.
                    _placeholders.Add(lookup.Path);
                }

                break;
            case ProtectedPathLookup.Kind.Missing:
                _missing.Add(lookup.Path);
                break;
            case ProtectedPathLookup.Kind.BehindLink or ProtectedPathLookup.Kind.Unknowable:
                _refusals.Add(new UnprotectablePath(path, lookup.Path, lookup.Result == ProtectedPathLookup.Kind.BehindLink).Reason);
                break;
            default:
                // Outside every writable root (or inside a path kept read-only) it cannot change already.
                break;
        }
    }

    // A repository's .git entry, what its configuration names (read once) and a relative global core.hooksPath in its
    // work tree stay read-only, and so does each file that decides what it runs (RefuseOtherNames). Nothing is writable
    // in a read-only run, so nothing is read for one.
    private void KeepRepository(string dotGit)
    {
        if (_writableRoots.Count == 0)
        {
            return;
        }

        // The workspace's own .git is met again by the walk: read and kept once.
        if (!_keptRepositories.Add(dotGit))
        {
            return;
        }

        var configured = RepositorySnapshot.ConfiguredPaths(dotGit, out var unknown);
        foreach (var problem in unknown)
        {
            _refusals.Add($"the repository's configuration names what cannot be kept read-only: {problem}; git reads or runs it outside any sandbox, where a command could write it. Write it as a path relative to the repository or an absolute one (or fix the file) to run commands in the workspace-write sandbox");
        }

        foreach (var path in WorkspaceProtectedPaths.GitEntry(dotGit, configured).Concat(_globalGit.HooksPathsIn(dotGit)))
        {
            KeepReadOnly(path);
        }

        RefuseOtherNames(dotGit, configured);
    }

    // A file that decides what git runs, bound read-only, must have no other name in a writable place (a hard link the
    // command made while the repository was new edits it through the mount). Only regular files can have such names.
    // Each such file is also kept read-only where it really is: a config or hook that is a link into the workspace
    // (mv config ../../cfg && ln -s ../../cfg config, or hooks/pre-commit -> ../../tools/hooks/pre-commit) was edited
    // through its target (found by attacks).
    private void RefuseOtherNames(string dotGit, IReadOnlyList<string> configuredPaths)
    {
        var files = RepositorySnapshot.FilesThatDecideWhatRuns(dotGit, configuredPaths);
        foreach (var group in files.GroupBy(Path.GetDirectoryName).Where(group => group.Count() > RepositorySnapshot.MaximumHookFilesListed - 1))
        {
            _refusals.Add($"{group.Key} holds more files than the sandbox checks in a hooks directory ({RepositorySnapshot.MaximumHookFilesListed - 1}), so one of them could be changed unseen; remove the extra files to run commands in the workspace-write sandbox");
            return;
        }

        foreach (var file in files)
        {
            KeepReadOnly(file);
            try
            {
                if (!RealPath.TryResolve(file, out var real, out var exists) || !exists)
                {
                    continue;
                }

                var status = UnixFileStatus.OfPath(real);
                if (status.IsRegularFile && status.LinkCount > 1 && OutermostWritableRoot(real) is not null)
                {
                    _refusals.Add($"{file} decides what git runs and has {status.LinkCount} names (hard links), so a sandboxed command could change it through another one; give it a single name (cp it and replace it) to run commands in the workspace-write sandbox");
                    return;
                }
            }
            catch (IOException)
            {
                // Missing or unreadable: nothing to edit through another name.
            }
        }
    }

    // One statx before the placeholder test's several calls: almost every protected path has some permission bit.
    private static bool HasNoPermissions(string path)
    {
        try
        {
            return UnixFileStatus.OfPath(path).Permissions == 0;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Whether a command could create, remove or replace entries of the real directory <paramref name="directory"/>.</summary>
    private bool CanBeChangedBelow(string directory) => OutermostWritableRoot(directory) is not null && !IsKeptReadOnly(directory);

    private bool IsKeptReadOnly(string path) => _keptReadOnly.Any(kept => RealPath.IsSameOrInside(path, kept));

    // A mount point of this plan (kept read-only, or pinned against renaming) cannot be renamed or replaced by a link.
    private bool IsFixedInPlace(string path) =>
        _keptReadOnly.Contains(path) || _mounts.Any(mount => mount.Layer == MountLayer.Pinned && mount.Destination == path);

    private void BindWritable(string root)
    {
        if (!TryResolveExisting(root, out var real))
        {
            return;
        }

        if (real != Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)))
        {
            // The settings hold writable roots resolved at start-up. A root that resolves elsewhere now has had a link
            // put in its way since — by a command, if it lies inside another writable root — and following it would
            // make the link's target writable.
            _refused.Add($"{root} now resolves to {real}");
            return;
        }

        if (Add(real, MountLayer.Writable, "--bind", real, real))
        {
            _writableRoots.Add(real);
        }
    }

    private void BindReadOnlyRoot(string root)
    {
        if (TryResolveExisting(root, out var real))
        {
            Add(real, MountLayer.Writable, "--ro-bind", real, real);
        }
    }

    /// <summary>With network on, a resolver configuration that lives under a hidden directory (systemd-resolved's <c>/run/systemd/resolve</c>) stays readable.</summary>
    private void KeepNameResolution()
    {
        const string resolverConfiguration = "/etc/resolv.conf";
        if (RealPath.TryResolve(resolverConfiguration, out var real, out var exists) && exists && real != resolverConfiguration)
        {
            Add(real, MountLayer.ReadOnly, "--ro-bind", real, real);
        }
    }

    /// <summary>Binds each directory strictly between the outermost writable root holding <paramref name="real"/> and <paramref name="real"/> onto itself.</summary>
    private void PinAncestors(string real)
    {
        if (OutermostWritableRoot(real) is not { } root)
        {
            return;
        }

        for (var directory = Path.GetDirectoryName(real); directory is not null && directory.Length > root.Length && RealPath.IsSameOrInside(directory, root); directory = Path.GetDirectoryName(directory))
        {
            Add(directory, MountLayer.Pinned, "--bind", directory, directory);
        }
    }

    private string? OutermostWritableRoot(string real)
    {
        string? outermost = null;
        foreach (var root in _writableRoots)
        {
            if (RealPath.IsSameOrInside(real, root) && (outermost is null || root.Length < outermost.Length))
            {
                outermost = root;
            }
        }

        return outermost;
    }

    private bool TryResolveExisting(string path, out string real)
    {
        if (RealPath.TryResolve(path, out var resolved, out var exists) && exists)
        {
            real = resolved;
            return true;
        }

        _skipped.Add(path);
        real = string.Empty;
        return false;
    }

    private bool Add(string destination, MountLayer layer, params string[] arguments)
    {
        if (!_planned.Add((destination, layer)))
        {
            return false;
        }

        _mounts.Add(new BubblewrapMount(destination, layer, arguments));
        return true;
    }
}
