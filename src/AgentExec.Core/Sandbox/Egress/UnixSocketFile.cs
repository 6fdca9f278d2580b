using System.Runtime.InteropServices;

namespace AgentExec.Core.Sandbox;

/// <summary>Tells whether a path names a Unix socket itself (not a link to one), which .NET's file APIs cannot say.</summary>
internal static unsafe partial class UnixSocketFile
{
    // statx(2) (linux/stat.h, fcntl.h): its buffer layout is the same on every architecture, unlike struct stat's.
    private const int CurrentDirectory = -100;
    private const int DoNotFollowLinks = 0x100;
    private const uint RequestType = 0x1;
    private const int StatxBytes = 256;
    private const int ModeOffset = 28;
    private const int FileTypeMask = 0xF000;
    private const int SocketType = 0xC000;

    /// <summary>True when <paramref name="path"/> is a Unix socket; false for anything else, a link, or a path that cannot be read.</summary>
    public static bool IsSocket(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        var buffer = stackalloc byte[StatxBytes];
        if (Statx(CurrentDirectory, path, DoNotFollowLinks, RequestType, buffer) != 0)
        {
            return false;
        }

        var mode = *(ushort*)(buffer + ModeOffset);
        return (mode & FileTypeMask) == SocketType;
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directoryFd, string path, int flags, uint mask, byte* buffer);
}
