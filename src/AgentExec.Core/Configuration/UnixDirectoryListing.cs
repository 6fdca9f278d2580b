using System.Runtime.InteropServices;

namespace AgentExec.Core.Configuration;

/// <summary>
/// The entries of one directory with the type <c>readdir(3)</c> reports for each (<c>d_type</c>, Linux, glibc): no
/// status call per entry, which .NET's enumeration makes for every entry whose type beyond "directory" is asked.
/// </summary>
internal static unsafe partial class UnixDirectoryListing
{
    /// <summary><c>DT_UNKNOWN</c>: the file system did not say; ask <see cref="UnixFileStatus.OfPath"/>.</summary>
    public const byte UnknownType = 0;

    /// <summary><c>DT_DIR</c>.</summary>
    public const byte DirectoryType = 4;

    /// <summary><c>DT_REG</c>.</summary>
    public const byte RegularFileType = 8;

    /// <summary><c>DT_LNK</c>.</summary>
    public const byte LinkType = 10;

    private const int CurrentDirectory = -100; // AT_FDCWD
    private const int OpenFlags = 0x10000 | 0x20000 | 0x80000; // O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC

    // struct dirent64 (glibc, every Linux architecture): d_ino 8, d_off 8, d_reclen 2, then d_type, then d_name.
    private const int TypeOffset = 18;
    private const int NameOffset = 19;

    /// <summary>
    /// The entries of <paramref name="directory"/> (without <c>.</c> and <c>..</c>) and their types, or null when it
    /// cannot be opened as a directory without following a link (<c>O_NOFOLLOW</c>: a directory swapped for a link since
    /// it was listed is refused, not entered) or cannot be read to the end.
    /// </summary>
    public static List<(string Name, byte Type)>? List(string directory)
    {
        var fd = openat(CurrentDirectory, directory, OpenFlags);
        if (fd < 0)
        {
            return null;
        }

        var stream = fdopendir(fd);
        if (stream == 0)
        {
            _ = close(fd);
            return null;
        }

        try
        {
            var entries = new List<(string, byte)>();
            byte* entry;
            while ((entry = readdir64(stream)) is not null)
            {
                var name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(entry + NameOffset);
                if (name.SequenceEqual("."u8) || name.SequenceEqual(".."u8))
                {
                    continue;
                }

                entries.Add((System.Text.Encoding.UTF8.GetString(name), entry[TypeOffset]));
            }

            // readdir returns null at the end and on an error alike; only errno tells them apart, and a list cut short
            // proves nothing about the entries it did not reach.
            return Marshal.GetLastPInvokeError() == 0 ? entries : null;
        }
        finally
        {
            _ = closedir(stream);
        }
    }

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int openat(int directoryDescriptor, string path, int flags);

    [LibraryImport("libc", EntryPoint = "fdopendir", SetLastError = true)]
    private static partial nint fdopendir(int fd);

    [LibraryImport("libc", EntryPoint = "readdir64", SetLastError = true)]
    private static partial byte* readdir64(nint directory);

    [LibraryImport("libc", EntryPoint = "closedir", SetLastError = true)]
    private static partial int closedir(nint directory);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int close(int fd);
}
