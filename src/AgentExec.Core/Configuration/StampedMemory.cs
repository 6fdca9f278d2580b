using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace AgentExec.Core.Configuration;

/// <summary>
/// Values derived from files (parsed git configuration, a repository's <c>HEAD</c>, the gitlinks of an index),
/// remembered across analyses and used again only while the file's <see cref="FileStamp"/> is the one it had when it
/// was read.
/// </summary>
/// <remarks>
/// The agent may rewrite any of these files between two command lines, so "unchanged" is the whole stamp (device,
/// inode, size, modification and change time), which no rewrite, truncation, rename over it or replacement keeps
/// (<see cref="FileStamp"/>). A value is remembered only when its stamp is settled, so a second change within one tick
/// of the kernel's clock cannot share it, and only when the file still carries that stamp after it was read, so the
/// value describes one version of the file. The memory is bounded: past its capacity it starts again empty.
/// </remarks>
/// <typeparam name="TKey">What names a value: the file's path, or the path with how it was read.</typeparam>
/// <typeparam name="TValue">The value derived from the file.</typeparam>
/// <param name="capacity">How many values are kept at most.</param>
internal sealed class StampedMemory<TKey, TValue>(int capacity)
    where TKey : notnull
    where TValue : class
{
    private const int NoSuchFile = 2; // ENOENT
    private const int NotADirectory = 20; // ENOTDIR

    private readonly ConcurrentDictionary<TKey, (FileStamp Stamp, TValue Value)> _values = new();

    /// <summary>
    /// The value derived from the file at <paramref name="path"/>: the one remembered for <paramref name="key"/> while
    /// the file is unchanged, else what <paramref name="read"/> makes of it now (then remembered); null when nothing is
    /// there, which one <c>statx(2)</c> tells (it follows the same links an open does).
    /// </summary>
    /// <remarks>A stamp also means the path could be followed now, to the same inode, which <paramref name="read"/> accepted before.</remarks>
    public TValue? RecallOrRead(TKey key, string path, Func<string, TValue?> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        var stamp = FileStamp.Of(path, out var error);
        if (stamp is null && error is NoSuchFile or NotADirectory)
        {
            return null;
        }

        if (TryRecall(key, stamp, out var remembered))
        {
            return remembered;
        }

        var value = read(path);
        if (value is not null)
        {
            Remember(key, path, stamp, value);
        }

        return value;
    }

    /// <summary>The value remembered for <paramref name="key"/> when its file's stamp now is <paramref name="stamp"/>.</summary>
    public bool TryRecall(TKey key, FileStamp? stamp, [MaybeNullWhen(false)] out TValue value)
    {
        if (stamp is { } now && _values.TryGetValue(key, out var remembered) && remembered.Stamp == now)
        {
            value = remembered.Value;
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>
    /// Remembers <paramref name="value"/>, read from the file at <paramref name="path"/> whose stamp was
    /// <paramref name="stamp"/> before the read, when that stamp is settled and is still the file's.
    /// </summary>
    public void Remember(TKey key, string path, FileStamp? stamp, TValue value)
    {
        if (stamp is not { IsSettled: true } || FileStamp.Of(path) != stamp)
        {
            return;
        }

        if (_values.Count >= capacity)
        {
            _values.Clear();
        }

        _values[key] = (stamp.Value, value);
    }
}
