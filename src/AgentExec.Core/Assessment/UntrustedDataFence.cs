using System.Text;
using AgentExec.Core.Text;

namespace AgentExec.Core.Assessment;

/// <summary>
/// Encloses an untrusted value as data between two marker lines that carry the request's random nonce, so the model
/// can tell where the value ends even when the value imitates a marker, a separator or an instruction.
/// </summary>
/// <remarks>
/// The nonce is drawn after every value is known and is 128 random bits, so a value cannot contain the closing marker
/// except by chance; <see cref="AssessmentPromptWriter"/> still checks and draws again. Control characters, ANSI
/// escapes and bidirectional controls are shown as visible escapes, as everywhere untrusted text is displayed. A
/// value that had to be shortened is followed — outside the fence, in AgentExec's own words — by a note saying so.
/// </remarks>
internal static class UntrustedDataFence
{
    /// <summary>The opening marker line for <paramref name="nonce"/>.</summary>
    public static string Begin(string nonce) => $"[BEGIN UNTRUSTED DATA {nonce}]";

    /// <summary>The closing marker line for <paramref name="nonce"/>.</summary>
    public static string End(string nonce) => $"[END UNTRUSTED DATA {nonce}]";

    /// <summary>Fences <paramref name="value"/>, cut to <paramref name="maxBytes"/> bytes of UTF-8.</summary>
    /// <param name="value">The untrusted text, already redacted.</param>
    /// <param name="nonce">The request's nonce.</param>
    /// <param name="maxBytes">The most UTF-8 bytes of the value to include.</param>
    /// <param name="originalBytes">
    /// When the caller already cut the value before redacting it: the size it had on arrival. The note then says the
    /// value was shortened even if this cut removes nothing more.
    /// </param>
    /// <returns>The fenced block.</returns>
    public static string Wrap(string value, string nonce, int maxBytes, int? originalBytes = null)
    {
        var cut = UntrustedText.TruncateUtf8(value, maxBytes);
        var block = new StringBuilder()
            .Append(Begin(nonce)).Append('\n')
            .Append(UntrustedText.Escape(cut));
        if (cut.Length == 0 || cut[^1] != '\n')
        {
            block.Append('\n');
        }

        block.Append(End(nonce));
        if (cut.Length < value.Length || originalBytes is not null)
        {
            block.Append('\n')
                .Append("(shortened by AgentExec: about ").Append(Encoding.UTF8.GetByteCount(cut))
                .Append(" of ").Append(originalBytes ?? Encoding.UTF8.GetByteCount(value)).Append(" bytes are shown)");
        }

        return block.ToString();
    }
}
