using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;
using AgentExec.Core.Audit;
using AgentExec.Core.Configuration;
using AgentExec.Core.Crypto;
using AgentExec.Core.Execution;
using Microsoft.Win32.SafeHandles;

namespace AgentExec.Core.Sandbox;

/// <summary>
/// Stand-ins that make the workspace's protected names uncreatable under bubblewrap when they do not exist
/// (SPEC.md "Sandbox": <c>.git</c>, <c>.env</c> and <c>agentexec.json</c> stay read-only "whether or not they exist").
/// </summary>
/// <remarks>
/// <para>
/// A mount needs a mount point, and inside a writable bind of the workspace every mount point is a real entry of the
/// host's directory: there is no way to mount over a name that does not exist without creating it on the host. So for
/// one run a missing name gets a <em>placeholder</em> — an empty directory (<c>.git</c>) or an empty file (the others)
/// with mode <c>000</c> — which the mount plan then binds read-only onto itself. Inside, the name exists, cannot be
/// written, removed, renamed or replaced (a mount point), and is not a repository or a config; on the host, during the
/// run, git skips an empty <c>.git</c> directory as it would a missing one and AgentExec reads a placeholder config as
/// absent (<see cref="PlaceholderEntry.IsPlaceholder"/>). When the run is over the placeholder is removed, so the workspace is left as it
/// was and a later <c>git init</c> works.
/// </para>
/// <para>
/// When to remove is the delicate part. Removing a directory that is a mount point in <em>another</em> mount namespace
/// succeeds on Linux and silently unmounts it there: removing a placeholder while a second run in the same workspace
/// still has it mounted would take that run's protection away mid-run. So every run holds a shared <c>flock</c> on the
/// workspace's lock file for as long as its placeholders may be mounted, and a run removes the placeholders only when,
/// after its own run, it can take that lock exclusively: then no run in this workspace is active anywhere. The last run
/// to end removes them; one that crashed leaves them for the next run in the workspace to remove. The lock lives in
/// <c>/tmp/agentexec-UID/</c>, named after the workspace's path, a place every AgentExec of the user agrees on
/// whatever its state directory or <c>TMPDIR</c>, and hidden from bubblewrap commands (the real <c>/tmp</c> is; the
/// plan hides it again where a writable root would expose it).
/// </para>
/// <para>
/// Only entries that still look exactly like a placeholder (<see cref="PlaceholderEntry.IsPlaceholder"/>: empty, mode <c>000</c>, not a
/// link) are removed, so a human's <c>git init</c> or a real <c>.env</c> written on the host during the run is kept.
/// A placeholder is never something the sandboxed command could have made: inside, the name is a read-only mount.
/// </para>
/// </remarks>
internal sealed class WorkspacePlaceholders
{
    /// <summary>How long a run waits for the shared lock before it refuses to start; the exclusive holder only ever removes a few entries.</summary>
    public static readonly TimeSpan LockWait = TimeSpan.FromSeconds(5);


    private readonly SafeFileHandle _lock;
    private readonly string _lockPath;
    private readonly string _workspace;

    private WorkspacePlaceholders(SafeFileHandle lockHandle, string lockPath, string workspace, IReadOnlyList<string> created)
    {
        _lock = lockHandle;
        _lockPath = lockPath;
        _workspace = workspace;
        Created = created;
    }

    /// <summary>The directory of the workspaces' lock files, hidden from every bubblewrap command.</summary>
    public static string StateDirectory => $"/tmp/agentexec-{Libc.GetEffectiveUserId()}";

    /// <summary>The most placeholders one run puts for missing protected paths besides the fixed names (<see cref="StandIn"/>).</summary>
    public const int MaximumStandIns = 64;

    // Placeholders for other protected paths (a core.hooksPath not made yet): those this run made and those it found
    // standing, all removed by the last run to end.
    private readonly List<string> _standIns = [];

    /// <summary>The placeholders this run created (others may already have stood there for another run).</summary>
    public IReadOnlyList<string> Created { get; }

    /// <summary>
    /// Takes the shared lock and puts a placeholder where a protected name of <paramref name="workspace"/> is missing.
    /// </summary>
    /// <param name="workspace">The workspace (real path).</param>
    /// <param name="stateDirectory">Where the lock files live; <see cref="StateDirectory"/> except in tests.</param>
    /// <returns>The placeholders, to <see cref="Release"/> once the run is over.</returns>
    /// <exception cref="IOException">The lock could not be taken in <see cref="LockWait"/>, or a placeholder could not be made: the command must not run.</exception>
    public static WorkspacePlaceholders Prepare(string workspace, string? stateDirectory = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(workspace);
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Workspace placeholders are for bubblewrap, on Linux.");
        }

        var directory = stateDirectory ?? StateDirectory;
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        EnsurePrivate(directory);
        var lockPath = LockPath(directory, workspace);
        var lockHandle = AcquireShared(lockPath);
        try
        {
            // All refusals before anything is created, so that a refused run leaves nothing behind.
            foreach (var name in WorkspaceProtectedPaths.MustExist)
            {
                RefuseLink(Path.Join(workspace, name.Name));
            }

            var created = new List<string>();
            foreach (var name in WorkspaceProtectedPaths.MustExist)
            {
                if (Create(Path.Join(workspace, name.Name), name.IsDirectory))
                {
                    created.Add(Path.Join(workspace, name.Name));
                }
            }

            return new WorkspacePlaceholders(lockHandle, lockPath, workspace, created);
        }
        catch
        {
            // A placeholder made before the failure stays: another run may have started since and mounted it, and
            // removing it would unmount it there. The next run here that ends alone removes it.
            lockHandle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Puts an empty directory with mode <c>000</c> at each of <paramref name="paths"/>, the first missing component of a
    /// path to keep read-only (<see cref="BubblewrapMountPlan.MissingProtectedPaths"/>), for the plan to bind read-only:
    /// nothing can then be made at or below it. A directory, whatever the path's last component will be: a hooks
    /// directory, a gitdir or a folder on the way are directories, and git treats an included config it cannot read
    /// as it would any unreadable file.
    /// </summary>
    /// <param name="paths">Real paths whose parent directory exists.</param>
    /// <exception cref="IOException">More than <see cref="MaximumStandIns"/>, or one could not be made: the command must not run.</exception>
    public void StandIn(IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Workspace placeholders are for bubblewrap, on Linux.");
        }

        if (_standIns.Count + paths.Count > MaximumStandIns)
        {
            throw new IOException($"the repositories' configuration names {paths.Count} paths to keep read-only that do not exist (at most {MaximumStandIns} are held by placeholders)");
        }

        foreach (var path in paths.Distinct(StringComparer.Ordinal))
        {
            MakeDirectoryWithoutLinks(path);
            _standIns.Add(path);
        }
    }

    // mkdirat through a descriptor of the parent opened without following any link: a command running beside this one
    // swapped a directory on the way for a link to the home between the plan and the mkdir, and the placeholder landed
    // outside the workspace, where it stayed and broke the human's git (found by an attack). Something already there
    // (EEXIST) is left for the next plan to read and decide on.
    [SupportedOSPlatform("linux")]
    private static void MakeDirectoryWithoutLinks(string path)
    {
        const int AlreadyExists = 17; // EEXIST
        var parent = Path.GetDirectoryName(path);
        var fd = parent is null ? -1 : LinkFreeLookup.OpenDirectoryWithoutLinks(parent);
        if (fd < 0)
        {
            throw new IOException($"{path} must stay read-only, and the way to it has changed (a link, or a directory gone) since it was planned, so the command did not run");
        }

        try
        {
            if (Libc.MkdirAt(fd, Path.GetFileName(path), 0) != 0 && Marshal.GetLastPInvokeError() is var error && error != AlreadyExists)
            {
                throw new IOException($"the placeholder {path} could not be made (errno {error}), so the command did not run");
            }
        }
        finally
        {
            _ = Libc.Close(fd);
        }
    }

    /// <summary>Takes <paramref name="paths"/>, placeholders found standing at protected paths, into this run's cleanup.</summary>
    public void Adopt(IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        _standIns.AddRange(paths.Where(path => !_standIns.Contains(path, StringComparer.Ordinal)));
    }

    /// <summary>
    /// Ends this run's hold: when no other run in the workspace holds the lock, removes every placeholder still standing
    /// there (this run's, or one a crashed run left). Never throws; what it could not remove is returned.
    /// </summary>
    /// <returns>Problems met, for the log; empty when all went well or another run will clean up.</returns>
    public IReadOnlyList<string> Release()
    {
        var problems = new List<string>();
        try
        {
            // Converting shared to exclusive is not atomic (flock(2)), so failing it may drop the shared lock too: either
            // way this run is over, and whoever holds the lock now will clean up when it ends.
            if (!OperatingSystem.IsLinux() || !PosixFileCalls.TryFlock(_lock, PosixFileCalls.LockExclusive, _lockPath))
            {
                return problems;
            }

            foreach (var name in WorkspaceProtectedPaths.MustExist)
            {
                RemoveIfPlaceholder(Path.Join(_workspace, name.Name), name.IsDirectory, problems);
            }

            foreach (var path in _standIns)
            {
                RemoveIfPlaceholder(path, Directory.Exists(path), problems);
            }
        }
#pragma warning disable CA1031 // Cleanup must not throw; a placeholder left behind is reported and removed by a later run.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            problems.Add("placeholder cleanup failed: " + exception.Message);
        }
        finally
        {
            _lock.Dispose();
        }

        return problems;
    }

    /// <summary>The workspace's lock file: one per workspace path, so that runs elsewhere never delay a cleanup here.</summary>
    internal static string LockPath(string directory, string workspace)
    {
        var digest = Sha256Hash.HexOf(Encoding.UTF8.GetBytes(workspace));
        return Path.Join(directory, $"placeholders-{digest[..32]}.lock");
    }

    /// <summary>
    /// Refuses a lock directory that is not this user's own private directory: <c>/tmp/agentexec-UID</c> is a name in a
    /// world-writable directory, and <see cref="Directory.CreateDirectory(string, UnixFileMode)"/> accepts whatever
    /// already stands there. One that another user made (or a link to one) would let that user hold, remove or replace
    /// the lock files, and a replaced lock file splits the runs of one workspace in two, so that one run's cleanup
    /// unmounts the placeholders of a run still going.
    /// </summary>
    /// <exception cref="IOException">The directory is a link, not a directory, not owned by this user, or open to others.</exception>
    internal static void EnsurePrivate(string directory)
    {
        const int openToOthers = 0x3F; // group and other: rwx each
        UnixFileStatus status;
        try
        {
            status = UnixFileStatus.OfPath(directory);
        }
        catch (IOException exception)
        {
            throw new IOException($"the placeholder lock directory: {exception.Message}", exception);
        }

        if (!status.IsDirectory || status.Owner != Libc.GetEffectiveUserId() || (status.Permissions & openToOthers) != 0)
        {
            throw new IOException(
                $"the placeholder lock directory {directory} is not a private directory of this user (owner {status.Owner}, mode {Convert.ToString(status.Permissions, 8)}, "
                + $"{(status.IsDirectory ? "a directory" : "not a directory")}); remove it so that AgentExec can make its own");
        }
    }

    private static SafeFileHandle AcquireShared(string lockPath)
    {
        if (!OperatingSystem.IsLinux())
        {
            // Placeholders serve bubblewrap, which is Linux only.
            throw new PlatformNotSupportedException("workspace placeholders need Linux");
        }

        var deadline = DateTime.UtcNow + LockWait;
        while (true)
        {
            SafeFileHandle? handle = null;
            try
            {
                handle = File.OpenHandle(lockPath, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite);
                if (PosixFileCalls.TryFlock(handle, PosixFileCalls.LockShared, lockPath))
                {
                    return handle;
                }
            }
            catch (IOException)
            {
                // The runtime takes its own non-blocking flock on open and reports a conflict this way: wait as for ours.
            }

            handle?.Dispose();
            if (DateTime.UtcNow >= deadline)
            {
                throw new IOException($"the workspace placeholder lock {lockPath} is held by someone else (waited {LockWait.TotalSeconds:0} s)");
            }

            Thread.Sleep(TimeSpan.FromMilliseconds(5));
        }
    }

    /// <summary>
    /// Refuses a protected name that is a symbolic link. The mounts protect the link's target, but the link itself is an
    /// ordinary entry of the writable workspace: a command could remove it and put its own <c>.env</c>, config or
    /// repository in its place (a <c>.env -> .env.local</c> is common; a dangling link is worse, its target could be
    /// created). There is no mounting onto a link, so the run is refused with the fix named.
    /// </summary>
    private static void RefuseLink(string path)
    {
        if (new FileInfo(path).LinkTarget is { } target)
        {
            throw new IOException(
                $"{path} is a symbolic link (to {target}), which a sandboxed command could replace with a file of its own; "
                + "replace the link with the real file or directory (for a repository elsewhere, a .git file with a 'gitdir:' line) to run commands in the workspace-write sandbox");
        }
    }

    /// <summary>Creates a placeholder at <paramref name="path"/> unless something is there; true when this call created it.</summary>
    [SupportedOSPlatform("linux")]
    private static bool Create(string path, bool isDirectory)
    {
        if (Path.Exists(path) || new FileInfo(path).LinkTarget is not null)
        {
            return false;
        }

        if (isDirectory)
        {
            // mkdir(2) fails on anything already there, a link included; a race with the host creating it is harmless,
            // since what exists is protected as it is.
            try
            {
                Directory.CreateDirectory(path, UnixFileMode.None);
            }
            catch (IOException) when (Path.Exists(path))
            {
                return false;
            }

            return PlaceholderEntry.IsPlaceholder(path);
        }

        try
        {
            // O_CREAT|O_EXCL: never follows a link, never opens what someone else just made.
            using var stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.ReadWrite | FileShare.Delete,
                UnixCreateMode = UnixFileMode.None,
            });
        }
        catch (IOException) when (Path.Exists(path))
        {
            return false;
        }

        return true;
    }

    private static void RemoveIfPlaceholder(string path, bool isDirectory, List<string> problems)
    {
        if (!PlaceholderEntry.IsPlaceholder(path))
        {
            return;
        }

        try
        {
            // rmdir removes only an empty directory and unlink never follows the last component: whatever was swapped in
            // since the check, nothing beyond this one name can go.
            if (isDirectory)
            {
                Directory.Delete(path, recursive: false);
            }
            else
            {
                File.Delete(path);
            }
        }
        catch (IOException) when (!PlaceholderEntry.IsPlaceholder(path))
        {
            // Filled on the host during the run (a root `git init`): it is the human's repository now, and stays.
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            problems.Add($"could not remove the placeholder {path}: {exception.Message}");
        }
    }
}
