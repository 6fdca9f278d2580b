using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace AgentExec.Core.Configuration;

/// <summary>
/// One <c>readlink(2)</c> of a path whose directories are already resolved, read for what it says about a walk: the
/// target of a link, an entry that is there and is not a link, an entry that is missing, or nothing that may be
/// concluded. <see cref="RealPath"/>'s walk and <see cref="Credentials.LinkResolver"/>'s share it, so the two walks
/// answer alike.
/// </summary>
/// <remarks>
/// <see cref="FileSystemInfo.LinkTarget"/> is not enough for a trust decision: it answers null ("not a link") for
/// <c>EACCES</c> and <c>ENAMETOOLONG</c> too, and decodes a target that is not UTF-8 with U+FFFD in place of its bytes.
/// A walk that took those for "not a link, missing" would keep the rest of the path as written, past a link that a
/// directory the caller cannot search, or a resolved prefix past <c>PATH_MAX</c>, hides from it (the kernel still
/// follows it once the directory is searchable, or link by link from a working directory).
/// </remarks>
internal static unsafe partial class LinkEntry
{
    private const int NotALink = 22; // EINVAL: readlink(2) on an entry that exists and is not a symbolic link.
    private const int NoSuchEntry = 2; // ENOENT
    private const int NotADirectory = 20; // ENOTDIR: a component before the last is not a directory.

    /// <summary>
    /// What <see cref="Read"/> says when the answer cannot be known (an error other than "missing", or an undecodable
    /// target); compare its <c>Target</c> by reference.
    /// </summary>
    public static readonly (string? Target, bool Exists) Unknowable = ("\0", false);

    /// <summary>
    /// One readlink(2): the target, decoded strictly as UTF-8; EINVAL for an entry that is there and is not a link;
    /// ENOENT or ENOTDIR for one that is missing. Any other error (EACCES, ENAMETOOLONG, ELOOP, EIO), and a target that
    /// is not UTF-8, is <see cref="Unknowable"/>: nothing may be concluded about the path.
    /// </summary>
    /// <param name="path">An absolute path whose directories are resolved.</param>
    /// <returns>The link's target (null when it is not a link) and whether the entry exists.</returns>
    [SkipLocalsInit] // The buffer is written by the kernel before it is read; zeroing 4 KiB per call cost more than the rest of the method.
    public static (string? Target, bool Exists) Read(string path)
    {
        // PATH_MAX: Linux keeps no longer target, so the loop below runs only for a file system that breaks the rule.
        const int UsualSize = 4096;
        var first = stackalloc byte[UsualSize];
        var length = readlink(path, first, UsualSize);
        if (length < 0)
        {
            return Failed(Marshal.GetLastPInvokeError());
        }

        if (length < UsualSize)
        {
            return Decoded(new ReadOnlySpan<byte>(first, (int)length));
        }

        // The target may be longer than the buffer: read it again with room to spare, as .NET does.
        for (var size = UsualSize * 2; ; size *= 2)
        {
            var buffer = new byte[size];
            fixed (byte* start = buffer)
            {
                length = readlink(path, start, size);
            }

            if (length < 0)
            {
                return Failed(Marshal.GetLastPInvokeError());
            }

            if (length < size)
            {
                return Decoded(buffer.AsSpan(0, (int)length));
            }
        }
    }

    private static (string? Target, bool Exists) Failed(int error) => error switch
    {
        NotALink => (null, true),
        NoSuchEntry or NotADirectory => (null, false),
        _ => Unknowable,
    };

    // A target that is not UTF-8 cannot be carried as a .NET string unchanged, and the changed path would lead
    // elsewhere: it makes the path unresolvable.
    private static (string? Target, bool Exists) Decoded(ReadOnlySpan<byte> target)
    {
        try
        {
            return (RealPath.StrictUtf8.GetString(target), true);
        }
        catch (DecoderFallbackException)
        {
            return Unknowable;
        }
    }

    [LibraryImport("libc", EntryPoint = "readlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint readlink(string path, byte* buffer, nint size);
}
