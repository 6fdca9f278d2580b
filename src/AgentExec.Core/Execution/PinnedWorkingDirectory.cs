using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.InteropServices;
using AgentExec.Core.Configuration;
using AgentExec.Core.Text;

namespace AgentExec.Core.Execution;

/// <summary>
/// The working directory a call was judged and asked about, held open while its command starts, so that the command
/// starts in that directory and not wherever its path leads by then.
/// </summary>
/// <remarks>
/// <para>
/// The call's working directory is resolved to its real path when the call arrives; the policy judges it and the
/// question shows it. A human may take minutes to answer, and meanwhile another call's sandboxed command can rename a
/// directory of that path inside the workspace and put a symbolic link in its place: a start by path would then
/// follow the link, and a command the human approved "in /ws/build" would run (unsandboxed, if that was approved) in
/// whatever directory the link names, the home directory for instance.
/// </para>
/// <para>
/// So right before the start the path is opened (<c>O_PATH</c>) and the kernel's own name of what was opened
/// (<c>/proc/self/fd/N</c>) must still be that real path: a path that now passes through a link names something else,
/// and the command does not start. The child then changes into <c>/proc/self/fd/N</c> — the descriptor is inherited
/// across the fork and closed at <c>exec</c> — so a swap after the check cannot move it either.
/// </para>
/// </remarks>
internal sealed class PinnedWorkingDirectory : IDisposable
{
    private const int PathOnly = 0x200000; // O_PATH: a handle on the inode, no read right needed.
    private const int CloseOnExec = 0x80000; // O_CLOEXEC: the command never inherits it.
    private const int AtCurrentDirectory = -100; // AT_FDCWD

    private int _descriptor;

    private PinnedWorkingDirectory(string realPath, int descriptor, string startPath)
    {
        RealPath = realPath;
        _descriptor = descriptor;
        StartPath = startPath;
    }

    /// <summary>The real path the call was judged with.</summary>
    public string RealPath { get; }

    /// <summary>The path to start the process in: the held descriptor on Linux, the real path elsewhere.</summary>
    public string StartPath { get; }

    /// <summary>Opens <paramref name="realPath"/> and checks that it still names itself, without a link on the way.</summary>
    /// <param name="realPath">The working directory as the call's intake resolved it.</param>
    /// <param name="pinned">The held directory.</param>
    /// <param name="problem">Why the command must not start in it.</param>
    public static bool TryPin(string realPath, [NotNullWhen(true)] out PinnedWorkingDirectory? pinned, [NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(realPath);
        pinned = null;
        if (!OperatingSystem.IsLinux())
        {
            // No /proc/self/fd to start in: resolve again, which narrows the window to the start itself.
            if (Configuration.RealPath.TryResolve(realPath, out var again, out var exists) && exists && again == realPath && Directory.Exists(realPath))
            {
                pinned = new PinnedWorkingDirectory(realPath, -1, realPath);
                problem = null;
                return true;
            }

            problem = Moved(realPath);
            return false;
        }

        var descriptor = Libc.OpenAt(AtCurrentDirectory, realPath, PathOnly | CloseOnExec, 0);
        if (descriptor < 0)
        {
            problem = $"The working directory {UntrustedText.Escape(realPath)} can no longer be opened (errno {Marshal.GetLastPInvokeError().ToString(CultureInfo.InvariantCulture)}), so the command was not run.";
            return false;
        }

        var startPath = "/proc/self/fd/" + descriptor.ToString(CultureInfo.InvariantCulture);
        string? opened;
        try
        {
            opened = new FileInfo(startPath).LinkTarget;
        }
        catch (IOException)
        {
            opened = null;
        }

        if (opened != realPath || !Directory.Exists(startPath))
        {
            _ = Libc.Close(descriptor);
            problem = Moved(realPath);
            return false;
        }

        pinned = new PinnedWorkingDirectory(realPath, descriptor, startPath);
        problem = null;
        return true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        var descriptor = Interlocked.Exchange(ref _descriptor, -1);
        if (descriptor >= 0)
        {
            _ = Libc.Close(descriptor);
        }
    }

    private static string Moved(string realPath) =>
        $"The working directory {UntrustedText.Escape(realPath)} is no longer the directory this call was judged and asked about "
        + "(it was moved, removed or replaced by a symbolic link since), so the command was not run.";
}
