using System.Globalization;
using System.Text;
using AgentExec.Core.Crypto;
using AgentExec.Core.Text;

namespace AgentExec.Core.Audit;

/// <summary>
/// The bounds on untrusted fields (SPEC.md "Audit log"), in one place: a raw answer's shape in at most 1 KiB, a command
/// line in at most 64 KiB. The audit records apply them when they are serialized (<see cref="Events.AnswerShapeLimit"/>,
/// <see cref="Events.CommandLineLimit"/>); no caller cuts anything itself.
/// </summary>
/// <remarks>
/// The bound is on the value's UTF-8 bytes, marker included. A cut value keeps its start, cut on a character boundary,
/// then <c>…[cut: N bytes in all, sha256 H]</c>: N is the whole value's UTF-8 length and H the lowercase hex SHA-256 of
/// its UTF-8 bytes, so whoever holds the original can prove it is the one that was cut. In the file the value is
/// JSON-escaped (non-ASCII as <c>\uXXXX</c>), so the stored field can be up to six times longer; what is bounded is how
/// much of the raw text survives, which keeps a hostile client or agent from filling the log through one field.
/// A lone surrogate counts, and is hashed, as U+FFFD: what the log's encoder writes for it.
/// </remarks>
internal static class AuditFieldLimit
{
    /// <summary>The most UTF-8 bytes of a raw answer's shape (<c>answer_shape</c>), marker included: 1 KiB.</summary>
    public const int AnswerShapeBytes = 1024;

    /// <summary>The most UTF-8 bytes of a command line (<c>command</c>), marker included: 64 KiB.</summary>
    public const int CommandLineBytes = 64 * 1024;

    /// <summary>
    /// The most UTF-8 bytes of a call id: the client chooses it (the JSON-RPC request id) and it is stamped on every
    /// event of the call, so one long id would be repeated in each.
    /// </summary>
    public const int CallIdBytes = 256;

    /// <summary>
    /// Returns <paramref name="value"/> when it fits in <paramref name="maxUtf8Bytes"/> of UTF-8; otherwise its start, cut
    /// at a character boundary, and a marker with the original length and SHA-256, together at most that many bytes.
    /// </summary>
    public static string Cut(string value, int maxUtf8Bytes)
    {
        ArgumentNullException.ThrowIfNull(value);
        var total = Encoding.UTF8.GetByteCount(value);
        if (total <= maxUtf8Bytes)
        {
            return value;
        }

        var sha256 = Sha256Hash.HexOf(Encoding.UTF8.GetBytes(value));
        var marker = string.Create(CultureInfo.InvariantCulture, $"…[cut: {total} bytes in all, sha256 {sha256}]");
        var room = Math.Max(0, maxUtf8Bytes - Encoding.UTF8.GetByteCount(marker));
        return UntrustedText.TruncateUtf8(value, room) + marker;
    }
}
