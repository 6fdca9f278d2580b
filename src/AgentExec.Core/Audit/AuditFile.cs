using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace AgentExec.Core.Audit;

/// <summary>One open descriptor of the audit log: positional reads and durable appends.</summary>
/// <remarks>
/// The writers' lock is not taken here but on the lock file beside the log (<see cref="AuditLockFile"/>). Every instance
/// opens its own descriptor and never shares it.
/// </remarks>
[SupportedOSPlatform("linux")]
[SupportedOSPlatform("macos")]
internal sealed class AuditFile : IDisposable
{
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly SafeFileHandle _handle;

    private AuditFile(SafeFileHandle handle, string path)
    {
        _handle = handle;
        Path = path;
    }

    /// <summary>The path the file was opened with.</summary>
    public string Path { get; }

    /// <summary>The current length, read from the file system (not cached).</summary>
    public long Length => RandomAccess.GetLength(_handle);

    /// <summary>Opens the log for appending, creating missing directories (0700) and the file (0600).</summary>
    /// <remarks>Existing directories and an existing file keep their permissions: we do not chmod what the user made.</remarks>
    public static AuditFile OpenForAppend(string path)
    {
        try
        {
            return new AuditFile(PosixFileCalls.OpenForAppend(path), path);
        }
        catch (FileNotFoundException)
        {
            // First use: create below, then open. Every later append costs a single open.
        }

        CreateOwnerOnlyWithDirectories(path);
        return new AuditFile(PosixFileCalls.OpenForAppend(path), path);
    }

    /// <summary>Creates <paramref name="path"/> (0600) and its missing directories (0700) when missing, durably; an existing file is left as it is.</summary>
    public static void CreateOwnerOnlyWithDirectories(string path)
    {
        // Every start after the first finds the file: nothing to create and nothing to make durable, so no failed
        // O_EXCL create (an exception) and no directory fsync on the start path.
        if (File.Exists(path))
        {
            return;
        }

        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? "/";
        OwnerOnlyDirectory.CreateWithParents(directory);
        CreateOwnerOnly(path);

        // The new directory entry must survive a crash too, or the first events vanish with it.
        using var directoryHandle = PosixFileCalls.OpenForReading(directory);
        PosixFileCalls.FlushToDisk(directoryHandle, directory);
    }

    /// <summary>Opens an existing log for reading; throws <see cref="FileNotFoundException"/> when it does not exist.</summary>
    public static AuditFile OpenForReading(string path) => new(PosixFileCalls.OpenForReading(path), path);

    /// <summary>Opens the log for reading and returns its length at a moment no writer was mid-append.</summary>
    /// <remarks>
    /// The writers' lock file (<see cref="AuditLockFile"/>) is held shared only while reading the length: the bytes
    /// before it are complete lines and never change, because writers only append, so the rest can be read unlocked
    /// without stalling writers behind a long read.
    /// </remarks>
    public static AuditFile OpenSnapshot(string path, out long length)
    {
        var file = OpenForReading(path);
        try
        {
            using (AuditLockFile.TryAcquireShared(JsonLinesAuditLog.LockPathFor(path), JsonLinesAuditLog.DefaultLockTimeout))
            {
                length = file.Length;
            }

            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Fills <paramref name="buffer"/> from <paramref name="offset"/>, or throws when the file is shorter.</summary>
    public void ReadExactly(Span<byte> buffer, long offset)
    {
        while (!buffer.IsEmpty)
        {
            var read = RandomAccess.Read(_handle, buffer, offset);
            if (read == 0)
            {
                throw new IOException($"The audit log '{Path}' became shorter while it was being read; an append-only log never shrinks.");
            }

            buffer = buffer[read..];
            offset += read;
        }
    }

    /// <summary>Reads the bytes from <paramref name="start"/> to <paramref name="end"/>.</summary>
    public byte[] ReadRange(long start, long end)
    {
        var bytes = new byte[checked((int)(end - start))];
        ReadExactly(bytes, start);
        return bytes;
    }

    /// <summary>
    /// Appends <paramref name="bytes"/> at <paramref name="expectedLength"/> (the end, under the lock) and, for
    /// <see cref="AuditFlush.BeforeReturning"/>, waits until they and every earlier write to the file are on disk.
    /// </summary>
    /// <remarks>
    /// Under the exclusive lock the end cannot move; <c>O_APPEND</c> is a second guard (on Linux a positional write to
    /// an <c>O_APPEND</c> descriptor lands at the end whatever the offset). One write call per append keeps a line
    /// whole unless the process dies or the disk fills mid-write, which is the torn line a recovery event names.
    /// </remarks>
    public void Append(ReadOnlySpan<byte> bytes, long expectedLength, AuditFlush flush)
    {
        RandomAccess.Write(_handle, bytes, expectedLength);
        if (flush == AuditFlush.BeforeReturning)
        {
            PosixFileCalls.FlushToDisk(_handle, Path);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();

    private static void CreateOwnerOnly(string path)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.ReadWrite | FileShare.Delete,
            UnixCreateMode = OwnerOnlyFile,
        };
        try
        {
            new FileStream(path, options).Dispose();
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another writer created it first (O_EXCL lost the race), or holds its lock right after creating it.
        }
    }
}
