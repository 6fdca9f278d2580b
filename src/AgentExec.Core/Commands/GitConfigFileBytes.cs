using AgentExec.Core.Configuration;
using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace AgentExec.Core.Commands;

/// <summary>Reads a small file that the agent may have replaced with something that is not a file.</summary>
/// <remarks>
/// Opened by <see cref="RegularFile"/>, so nothing but a regular file is ever really opened (no FIFO wait, no device
/// driver), and on other systems anything that cannot seek is refused.
/// </remarks>
internal static partial class GitConfigFileBytes
{
    private const int Interrupted = 4; // EINTR, the same on Linux and macOS.

    /// <summary>
    /// The bytes of the file at <paramref name="path"/> (symlinks followed), or null when nothing is there or a
    /// directory on the way is missing (no exception: most files checked are usually absent, and throwing costs
    /// more than the rest of the check).
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">Permission is denied.</exception>
    /// <exception cref="IOException">It is larger than <paramref name="maximumBytes"/>, not a regular file, or unreadable otherwise.</exception>
    public static byte[]? ReadIfExists(string path, long maximumBytes)
    {
        if (!RegularFile.TryOpenForReading(path, out var opened))
        {
            throw new IOException($"{path} is not a regular file");
        }

        using var handle = opened;
        if (handle is null)
        {
            return null;
        }

        if (OperatingSystem.IsLinux())
        {
            // RegularFile has read the type through O_PATH: a regular file, so it is read in place with pread, without the
            // seeks and fstat a FileStream makes to learn what it already knows.
            return ReadRegularFile(handle, path, maximumBytes);
        }

        using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 1);
        if (!stream.CanSeek)
        {
            throw new IOException($"{path} is not a regular file");
        }

        var length = stream.Length;
        if (length > maximumBytes)
        {
            throw new IOException($"{path} is larger than {maximumBytes} bytes");
        }

        var bytes = new byte[length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    // Reads to the end with pread(2), with no fstat or lseek (the type is known already, and a size read first could be
    // stale by the time the bytes are). A regular file's read comes back short only at its end, so a configuration file
    // or HEAD takes one read. The reading buffer is pooled and doubles from 8 KiB; only the file's own bytes are kept.
    private static unsafe byte[] ReadRegularFile(SafeFileHandle handle, string path, long maximumBytes)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(8 * 1024, maximumBytes + 1));
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > maximumBytes)
                    {
                        throw new IOException($"{path} is larger than {maximumBytes} bytes");
                    }

                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, maximumBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                nint count;
                fixed (byte* free = &buffer[length])
                {
                    count = pread((int)handle.DangerousGetHandle(), free, buffer.Length - length, length);
                }

                if (count < 0)
                {
                    var error = Marshal.GetLastPInvokeError();
                    if (error == Interrupted)
                    {
                        continue;
                    }

                    throw new IOException($"read '{path}' failed: {Marshal.GetPInvokeErrorMessage(error)} (errno {error})");
                }

                length += (int)count;
                if (count == 0 || length < buffer.Length)
                {
                    if (length > maximumBytes)
                    {
                        throw new IOException($"{path} is larger than {maximumBytes} bytes");
                    }

                    return buffer.AsSpan(0, length).ToArray();
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Throws on bytes that are not UTF-8 instead of putting U+FFFD in their place.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// <paramref name="bytes"/> as UTF-8 text; a byte sequence that is not UTF-8 is refused rather than replaced, because
    /// git uses a path's bytes as they are: "ev\xff" decoded loosely would name a file that does not exist, and the
    /// check would look there while git reads another.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not UTF-8, or hold a NUL.</exception>
    public static string DecodeStrictly(ReadOnlySpan<byte> bytes, string what)
    {
        // git keeps what it reads in C strings: a NUL ends a name there (a subsection "fsmonitor\0" made a key git read as
        // core.fsmonitor) and a path, where this process would read on.
        if (bytes.Contains((byte)0))
        {
            throw new InvalidDataException($"{what} holds a NUL byte");
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new InvalidDataException($"{what} is not UTF-8 text");
        }
    }

    // Puts U+FFFD in the place of each byte sequence that is not UTF-8; an ASCII byte is never taken into one, so the
    // lines, brackets, quotes and "=" of a configuration file stay where they were.
    private static readonly UTF8Encoding ReplacingUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>
    /// <paramref name="bytes"/> as text with U+FFFD (<see cref="Undecodable"/>) for each sequence that is not UTF-8: for a
    /// reader that needs only where a file points, since git reads a comment or a name in Latin-1 without complaint. A
    /// value holding U+FFFD names no path this process can place (<see cref="GitConfigPaths.Pathname"/> refuses it).
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes hold a NUL.</exception>
    public static string DecodeReplacingUndecodable(ReadOnlySpan<byte> bytes, string what) =>
        bytes.Contains((byte)0) ? throw new InvalidDataException($"{what} holds a NUL byte") : ReplacingUtf8.GetString(bytes);

    /// <summary>What <see cref="DecodeReplacingUndecodable"/> puts where bytes are not UTF-8.</summary>
    public const char Undecodable = '\uFFFD';

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    private static unsafe partial nint pread(int fd, byte* buffer, nint count, long offset);
}
