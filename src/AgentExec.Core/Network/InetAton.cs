using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace AgentExec.Core.Network;

/// <summary>
/// Reads every numeric IPv4 spelling a C library's <c>inet_aton</c> (and so <c>getaddrinfo</c>, curl, Python) accepts:
/// one to four parts, each decimal, octal (leading <c>0</c>) or hexadecimal (<c>0x</c>), the last part filling the
/// remaining bytes (<c>127.1</c>, <c>2130706433</c>, <c>0x7f.0.0.1</c>, <c>0177.0.0.1</c>).
/// </summary>
/// <remarks>
/// A host whose last label looks numeric (only digits, or <c>0x</c> and hex digits) but is not a valid spelling is
/// refused rather than looked up as a name, as the WHATWG URL standard does: the stricter reading, so no resolver can
/// read it as an address the check did not see.
/// </remarks>
internal static class InetAton
{
    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>True when <paramref name="host"/> is a numeric IPv4 spelling; false when it is a name.</summary>
    public static bool TryParse(string host, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        var parts = host.Split('.');
        if (parts.Length > 4)
        {
            return false;
        }

        Span<ulong> values = stackalloc ulong[4];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!TryPart(parts[i], out values[i]))
            {
                return false;
            }
        }

        var last = values[parts.Length - 1];
        var lastLimit = parts.Length switch { 1 => 0xFFFF_FFFFUL, 2 => 0xFF_FFFFUL, 3 => 0xFFFFUL, _ => 0xFFUL };
        if (last > lastLimit)
        {
            return false;
        }

        ulong result = 0;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (values[i] > 0xFF)
            {
                return false;
            }

            result |= values[i] << (24 - (8 * i));
        }

        result |= last;
        address = new IPAddress([(byte)(result >> 24), (byte)(result >> 16), (byte)(result >> 8), (byte)result]);
        return true;
    }

    /// <summary>True when the last label of <paramref name="host"/> is all digits, or <c>0x</c> followed by hex digits.</summary>
    public static bool LooksNumeric(string host)
    {
        var lastDot = host.LastIndexOf('.');
        var label = lastDot < 0 ? host : host[(lastDot + 1)..];
        if (label.Length == 0)
        {
            return false;
        }

        if (label.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return label.AsSpan(2).ContainsAnyExcept(HexDigits) is false;
        }

        return label.AsSpan().ContainsAnyExceptInRange('0', '9') is false;
    }

    private static bool TryPart(string part, out ulong value)
    {
        value = 0;
        if (part.Length == 0 || part.Length > 12)
        {
            return false;
        }

        if (part.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return part.Length > 2 &&
                   ulong.TryParse(part.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        }

        if (part.Length > 1 && part[0] == '0')
        {
            foreach (var c in part.AsSpan(1))
            {
                if (c is < '0' or > '7')
                {
                    return false;
                }

                value = (value * 8) + (ulong)(c - '0');
            }

            return true;
        }

        return part.AsSpan().ContainsAnyExceptInRange('0', '9') is false &&
               ulong.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
