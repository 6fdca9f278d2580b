using System.Text;

namespace AgentExec.Core.Network.Proxy;

/// <summary>
/// Reads a request head (request line and headers, up to and including the blank line) by RFC 9112's grammar and
/// nothing looser: CRLF line ends only, a token method, one space between the three parts, <c>HTTP/1.1</c> or
/// <c>HTTP/1.0</c>, token header names with the colon right after them, no control characters in values, no obs-fold.
/// </summary>
/// <remarks>
/// The proxy decides by what it parses here while the upstream acts on what it parses itself; any shape two parsers
/// could read differently (a bare LF, a folded line, a space before the colon) is where request smuggling lives, so
/// each is a <c>400</c> rather than a guess.
/// </remarks>
internal static class ProxyRequestHeadParser
{
    private static readonly System.Buffers.SearchValues<byte> TokenCharacters =
        System.Buffers.SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    /// <summary>Parses <paramref name="head"/>, which ends with the blank line's CRLF CRLF.</summary>
    /// <exception cref="ProxyRequestRejectedException">400 for anything outside the grammar.</exception>
    public static ProxyRequestHead Parse(ReadOnlySpan<byte> head)
    {
        if (!head.EndsWith("\r\n\r\n"u8))
        {
            throw Bad("the request head does not end with an empty line");
        }

        var lines = head[..^2];
        CheckLineEnds(lines);

        var end = lines.IndexOf("\r\n"u8);
        var requestLine = lines[..end];
        var rest = lines[(end + 2)..];
        var (method, target) = ParseRequestLine(requestLine);

        var headers = new List<ProxyHeader>();
        while (!rest.IsEmpty)
        {
            end = rest.IndexOf("\r\n"u8);
            headers.Add(ParseHeader(rest[..end]));
            rest = rest[(end + 2)..];
        }

        return new ProxyRequestHead(method, target, headers);
    }

    /// <summary>Every CR is followed by LF and every LF follows a CR.</summary>
    private static void CheckLineEnds(ReadOnlySpan<byte> lines)
    {
        for (var i = 0; i < lines.Length; i++)
        {
            if ((lines[i] == '\r' && (i + 1 == lines.Length || lines[i + 1] != '\n')) ||
                (lines[i] == '\n' && (i == 0 || lines[i - 1] != '\r')))
            {
                throw Bad("a line ends without CRLF (a bare CR or LF)");
            }
        }
    }

    private static (string Method, string Target) ParseRequestLine(ReadOnlySpan<byte> line)
    {
        var firstSpace = line.IndexOf((byte)' ');
        var lastSpace = line.LastIndexOf((byte)' ');
        if (firstSpace <= 0 || lastSpace <= firstSpace + 1)
        {
            throw Bad("the request line is not METHOD SP TARGET SP VERSION");
        }

        var method = line[..firstSpace];
        var target = line[(firstSpace + 1)..lastSpace];
        var version = line[(lastSpace + 1)..];
        if (method.ContainsAnyExcept(TokenCharacters))
        {
            throw Bad("the method is not a token");
        }

        // Visible ASCII only: no second space (the split above would have hidden it), no tab, no control, no 8-bit byte.
        if (target.ContainsAnyExceptInRange((byte)0x21, (byte)0x7E))
        {
            throw Bad("the request target has a character outside visible ASCII");
        }

        if (!version.SequenceEqual("HTTP/1.1"u8) && !version.SequenceEqual("HTTP/1.0"u8))
        {
            throw Bad("the version is not HTTP/1.1 or HTTP/1.0");
        }

        return (Encoding.ASCII.GetString(method), Encoding.ASCII.GetString(target));
    }

    private static ProxyHeader ParseHeader(ReadOnlySpan<byte> line)
    {
        if (line[0] is (byte)' ' or (byte)'\t')
        {
            throw Bad("a header line is folded (obs-fold)");
        }

        var colon = line.IndexOf((byte)':');
        if (colon <= 0)
        {
            throw Bad("a header line has no name and colon");
        }

        var name = line[..colon];
        if (name.ContainsAnyExcept(TokenCharacters))
        {
            throw Bad("a header name is not a token (a space before the colon?)");
        }

        var value = line[(colon + 1)..].Trim(" \t"u8);
        foreach (var b in value)
        {
            // Field content: visible characters, blanks and obs-text; never a control character (NUL, DEL…).
            if (b is < 0x20 and not (byte)'\t' or 0x7F)
            {
                throw Bad("a header value has a control character");
            }
        }

        return new ProxyHeader(Encoding.ASCII.GetString(name), Encoding.Latin1.GetString(value));
    }

    private static ProxyRequestRejectedException Bad(string reason) => new(400, reason);
}
