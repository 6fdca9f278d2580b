using System.Text;
using System.Text.Json;

namespace AgentExec.Tests.EndToEnd;

/// <summary>
/// Follows an audit log another process appends to: each read returns the events of the lines completed since the last
/// one, so a test can see a server's progress without re-reading a log that grows by thousands of lines.
/// </summary>
internal sealed class AuditLogTail(string path) : IDisposable
{
    private readonly StringBuilder _partialLine = new();
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
    private FileStream? _file;

    /// <summary>The <paramref name="eventName"/> events of the lines completed since the last call (none while the log does not exist yet).</summary>
    /// <remarks>Only the lines of that event are parsed: a server's log can grow by megabytes while a test follows it.</remarks>
    public IReadOnlyList<JsonElement> ReadNewEvents(string eventName)
    {
        if (_file is null)
        {
            if (!File.Exists(path))
            {
                return [];
            }

            _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }

        var bytes = new byte[64 * 1024];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
        int read;
        while ((read = _file.Read(bytes)) > 0)
        {
            // A decoder, not GetString: a character may be split between two reads (or two appends).
            _partialLine.Append(chars, 0, _decoder.GetChars(bytes, 0, read, chars, 0));
        }

        var text = _partialLine.ToString();
        var lastNewline = text.LastIndexOf('\n');
        if (lastNewline < 0)
        {
            return [];
        }

        _partialLine.Clear().Append(text, lastNewline + 1, text.Length - lastNewline - 1);
        var marker = $"\"event\":\"{eventName}\"";
        return text[..lastNewline]
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.Contains(marker, StringComparison.Ordinal))
            .Select(line =>
            {
                using var document = JsonDocument.Parse(line);
                return document.RootElement.Clone();
            })
            .ToList();
    }

    /// <inheritdoc />
    public void Dispose() => _file?.Dispose();
}
