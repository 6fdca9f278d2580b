using System.Text;
using System.Text.Json;

namespace AgentExec.Mcp.Session;

/// <summary>
/// The client's input as the transport reads it, line by line, with one change: a response whose message names a
/// member twice (<c>"result"</c> twice, or <c>"result"</c> and <c>"error"</c> under one name each but one of them
/// doubled) is replaced by a JSON-RPC error response to the same request, so that the question it answers is denied.
/// </summary>
/// <remarks>
/// <para>
/// JSON allows a name twice and parsers disagree about which one counts; the SDK's reader keeps the last. So
/// <c>{"id":7,"result":{"action":"decline"},"result":{"action":"accept"}}</c> approved a command (found by an attack),
/// while a client, a proxy or a log that keeps the first would have shown a decline. Inside the result, the answer
/// table already refuses an answer that says two things (<c>ElicitationAnswerParser</c>, <c>malformed_response</c>);
/// this refuses it at the message, where the SDK has resolved the duplicate before AgentExec sees it.
/// </para>
/// <para>
/// Only the message's own members are looked at (the result's are the answer parser's). Only messages with a
/// <c>"result"</c> or an <c>"error"</c> are changed, whether or not they also name a <c>"method"</c> (the SDK reads
/// <c>"method":null</c> beside a result as a response): requests and notifications come from the agent's side, and
/// whatever a duplicate in one meant, what the server judges is what it runs. The id of the error is the last
/// <c>"id"</c> the line holds, the one the SDK would have matched. A line that is not a JSON object passes unchanged,
/// for the SDK to refuse as it does. Lines end where the SDK's end (at a line feed or a carriage return), and whole
/// lines are passed on, so one line at a time is held here, as the SDK holds it anyway.
/// </para>
/// <para>
/// Reads end when <c>cancellationToken</c> fires even though a console stream ignores it, as the SDK's own stdin stream
/// does, so that a stop does not wait for the client's next byte.
/// </para>
/// </remarks>
internal sealed class TwoMeaningResponseFilter(Stream input) : Stream
{
    private const byte LineFeed = (byte)'\n';
    private const byte CarriageReturn = (byte)'\r';

    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    private byte[] _buffer = new byte[16 * 1024];
    private int _buffered;
    private int _searched;
    private ReadOnlyMemory<byte> _ready;
    private bool _ended;
    private int _start;
    private bool _checkedStart;

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>What the transport reads in place of <paramref name="line"/> (one line, its line end included).</summary>
    internal static ReadOnlyMemory<byte> Filter(ReadOnlyMemory<byte> line)
    {
        var id = DoubledResponseId(line.Span);
        return id is null
            ? line
            : Encoding.UTF8.GetBytes(
                "{\"jsonrpc\":\"2.0\",\"id\":" + id
                + ",\"error\":{\"code\":-32600,\"message\":\"AgentExec refused this response: it names a member twice, and JSON parsers disagree on which one counts\"}}\n");
    }

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (!_ready.IsEmpty)
            {
                var count = Math.Min(buffer.Length, _ready.Length);
                _ready[..count].CopyTo(buffer);
                _ready = _ready[count..];
                return count;
            }

            // The SDK's line reader ends a line at a carriage return as well as at a line feed ("{...}\r{...}\n" is two
            // messages to it), so a line ends here at either: framed at the line feed alone, a doubled response behind a
            // carriage return was read as the end of the line before it and passed unexamined.
            var lineEnd = _buffer.AsSpan(_searched, _buffered - _searched).IndexOfAny(LineFeed, CarriageReturn);

            // The SDK's reader takes a UTF-16 or UTF-32 byte order mark at the start of the input as the encoding of all
            // of it, while this filter frames and reads UTF-8: every line would pass unexamined. No MCP client sends
            // either; such input is ended here, before the SDK reads a byte of it, as a client that went away. Decided
            // before the first line is passed on, from the first four bytes (or fewer, when a line or the input ends
            // sooner, which no such mark allows).
            if (!_checkedStart && (_buffered >= 4 || _ended || lineEnd >= 0))
            {
                _checkedStart = true;
                if (IsWideByteOrderMark(_buffer.AsSpan(0, _buffered)))
                {
                    _buffered = 0;
                    _ended = true;
                    return 0;
                }
            }

            if (_checkedStart && (lineEnd >= 0 || (_ended && _buffered > _start)))
            {
                var end = lineEnd >= 0 ? _searched + lineEnd + 1 : _buffered;
                _ready = Filter(_buffer.AsMemory(_start, end - _start).ToArray());
                _start = end;
                _searched = end;
                continue;
            }

            if (_ended)
            {
                return 0;
            }

            // What is left of the lines already passed on goes once per read from the client, not once per line (a read
            // holding many short lines would otherwise be copied over and over).
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _buffered - _start);
                _buffered -= _start;
                _start = 0;
            }

            _searched = _buffered;
            if (_buffered == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            var read = input.ReadAsync(_buffer.AsMemory(_buffered), cancellationToken);
            var got = read.IsCompletedSuccessfully ? read.Result : await read.AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
            if (got == 0)
            {
                _ended = true;
            }
            else
            {
                _buffered += got;
            }
        }
    }

    // UTF-16 (FF FE, FE FF) and UTF-32 (FF FE 00 00, 00 00 FE FF) byte order marks.
    private static bool IsWideByteOrderMark(ReadOnlySpan<byte> start) =>
        start.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || start.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) || start.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]);

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            input.Dispose();
        }

        base.Dispose(disposing);
    }

    // The member's name as the SDK compares it, for telling two apart: escapes undone by hand, since the reader's own
    // GetString throws on a lone surrogate (\uDFFF), which the SDK never decodes in a name it skips, so a line with one
    // would have passed unexamined. Bytes that are not UTF-8 decode to replacement characters: two such names may then
    // count as one, which only refuses more.
    private static string NameOf(ref Utf8JsonReader reader)
    {
        var raw = reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan.ToArray();
        if (!reader.ValueIsEscaped)
        {
            return Encoding.UTF8.GetString(raw);
        }

        var name = new StringBuilder(raw.Length);
        var start = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != (byte)'\\' || i + 1 >= raw.Length)
            {
                continue;
            }

            name.Append(Encoding.UTF8.GetString(raw, start, i - start));
            var escaped = (char)raw[i + 1];
            if (escaped == 'u' && i + 5 < raw.Length
                && int.TryParse(Encoding.ASCII.GetString(raw, i + 2, 4), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var unit))
            {
                name.Append((char)unit);
                i += 5;
            }
            else
            {
                name.Append(escaped switch { 'b' => '\b', 'f' => '\f', 'n' => '\n', 'r' => '\r', 't' => '\t', _ => escaped });
                i += 1;
            }

            start = i + 1;
        }

        return name.Append(Encoding.UTF8.GetString(raw, start, raw.Length - start)).ToString();
    }

    // The raw text of the last "id" of a message with "result" or "error" whose own members
    // include one name twice; null for anything else.
    private static string? DoubledResponseId(ReadOnlySpan<byte> line)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var doubled = false;
        string? id = null;
        try
        {
            // A byte order mark in front is skipped, as the SDK skips one at the start of its input. A line that does not
            // start an object has nothing to examine, and is let through before the reader would throw on it (a blank
            // line, a megabyte of which otherwise cost seconds of exceptions).
            var json = line.StartsWith(ByteOrderMark) ? line[ByteOrderMark.Length..] : line;
            var first = json.TrimStart(" \t\r\n"u8);
            if (first.IsEmpty || first[0] != (byte)'{')
            {
                return null;
            }

            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = NameOf(ref reader);
                doubled |= !names.Add(name);
                reader.Read();
                if (name == "id" && reader.TokenType is JsonTokenType.Number or JsonTokenType.String)
                {
                    id = reader.TokenType == JsonTokenType.String
                        ? "\"" + Encoding.UTF8.GetString(reader.ValueSpan) + "\""
                        : Encoding.UTF8.GetString(reader.ValueSpan);
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            return null;
        }

        // Whatever "method" holds: the SDK reads a message with "method":null (or a method it cannot read) and a result as
        // a response, so a message is refused on its "result" or "error" alone.
        return doubled && id is not null && (names.Contains("result") || names.Contains("error")) ? id : null;
    }
}
