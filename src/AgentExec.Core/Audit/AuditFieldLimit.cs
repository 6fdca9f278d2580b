using System.Globalization;
using System.Text;
using AgentExec.Core.Text;

namespace AgentExec.Core.Audit;

/// <summary>Bounds raw, untrusted text before it goes into an event: a raw answer is never stored beyond 1 KiB.</summary>
/// <remarks>
/// The bound is on the value's UTF-8 bytes, marker included. In the file the value is JSON-escaped (non-ASCII as
/// <c>\uXXXX</c>), so the stored field can be up to six times longer; what is bounded is how much of the raw text
/// survives, which is what keeps a hostile client from filling the log through one answer.
/// </remarks>
internal static class AuditFieldLimit
{
    /// <summary>The most UTF-8 bytes a cut value has, marker included.</summary>
    public const int MaxUtf8Bytes = 1024;

    /// <summary>Returns <paramref name="value"/> when it fits in 1 KiB of UTF-8; otherwise its start, cut at a character boundary, and a marker with the original length.</summary>
    public static string Cut(string value)
    {
        var total = Encoding.UTF8.GetByteCount(value);
        if (total <= MaxUtf8Bytes)
        {
            return value;
        }

        var marker = string.Create(CultureInfo.InvariantCulture, $"…[cut: {total} bytes in all]");
        return UntrustedText.TruncateUtf8(value, MaxUtf8Bytes - Encoding.UTF8.GetByteCount(marker)) + marker;
    }
}
