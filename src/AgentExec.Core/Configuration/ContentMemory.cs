namespace AgentExec.Core.Configuration;

/// <summary>
/// Values derived from a file's bytes (the entries of a git configuration file, the gitlinks of an index), remembered
/// across analyses and used again only when the file, read again, holds the very same bytes.
/// </summary>
/// <remarks>
/// <para>
/// The bytes are the check, not the file's metadata. A stamp of device, inode, size, modification and change time
/// looks complete, but a write through a shared mapping changes neither size nor time once the page is dirty: the
/// kernel updates the times at the first write fault and not again until the page is written back (about 30 s on
/// ext4, indefinitely on tmpfs). A process the agent left running with such a mapping could rewrite a remembered
/// <c>HEAD</c> or <c>config</c> under an unchanged stamp (an independent attack on this code did exactly that). So the
/// file is read every time, and what is saved is the parsing.
/// </para>
/// <para>
/// Bounded: a file over <c>maximumFileBytes</c> is not remembered, and when the remembered bytes pass
/// <c>budgetBytes</c> the memory starts again empty. Safe for concurrent analyses (one lock).
/// </para>
/// </remarks>
/// <typeparam name="TKey">What names a value: the file's path, or the path with how it was read.</typeparam>
/// <typeparam name="TValue">The value derived from the bytes.</typeparam>
/// <param name="maximumFileBytes">The largest file whose value is remembered.</param>
/// <param name="budgetBytes">How many bytes of files are kept at most, over all keys.</param>
internal sealed class ContentMemory<TKey, TValue>(int maximumFileBytes, long budgetBytes)
    where TKey : notnull
    where TValue : class
{
    private readonly Lock _lock = new();
    private readonly Dictionary<TKey, (byte[] Bytes, TValue Value)> _values = [];
    private long _rememberedBytes;

    /// <summary>The value remembered for <paramref name="key"/> when it was derived from exactly <paramref name="bytes"/>.</summary>
    public bool TryRecall(TKey key, ReadOnlySpan<byte> bytes, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out TValue value)
    {
        lock (_lock)
        {
            if (_values.TryGetValue(key, out var remembered) && remembered.Bytes.AsSpan().SequenceEqual(bytes))
            {
                value = remembered.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>
    /// Remembers <paramref name="value"/> as what <paramref name="bytes"/> give for <paramref name="key"/>. The memory keeps
    /// the array itself (an index is megabytes long): the caller must not change it afterwards.
    /// </summary>
    public void Remember(TKey key, byte[] bytes, TValue value)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length > maximumFileBytes)
        {
            return;
        }

        lock (_lock)
        {
            if (_values.TryGetValue(key, out var replaced))
            {
                _rememberedBytes -= replaced.Bytes.Length;
            }

            if (_rememberedBytes + bytes.Length > budgetBytes)
            {
                _values.Clear();
                _rememberedBytes = 0;
            }

            _values[key] = (bytes, value);
            _rememberedBytes += bytes.Length;
        }
    }
}
