using System.Text.RegularExpressions;

namespace AgentExec.Core.Assessment;

/// <summary>
/// Shapes of credentials that are recognisable without knowing their value (SPEC.md "Risk assessment": "obvious
/// credential patterns"). Each replacement keeps the surrounding words, so the model still sees that a key is used.
/// </summary>
/// <remarks>
/// <para>
/// Recognised: private-key blocks (<c>-----BEGIN … PRIVATE KEY-----</c>, up to the END line or the end of the text,
/// since a value may have been cut); OpenAI/Anthropic-style <c>sk-…</c> and Stripe <c>sk_live_…</c> keys; AWS access
/// key ids (<c>AKIA…</c>, <c>ASIA…</c>); GitHub tokens (<c>ghp_…</c>, <c>gho_</c>, <c>ghu_</c>, <c>ghs_</c>,
/// <c>ghr_</c>, <c>github_pat_…</c>); Slack tokens (<c>xox?-…</c>); Google API keys (<c>AIza…</c>); JWTs;
/// <c>Bearer …</c> tokens and whatever follows <c>Authorization:</c>; the value in <c>password=…</c>,
/// <c>api_key: …</c>, <c>--token …</c> and similar (names containing password, passwd, secret, token, api key,
/// access key, private key or credential); and the password in <c>scheme://user:password@host</c>.
/// </para>
/// <para>
/// A value that is a shell variable reference (<c>$TOKEN</c>) is left alone: it is not the secret, and the model
/// learns more from seeing it. So is a value already replaced by a more specific <c>[REDACTED:…]</c> label. False positives cost a little clarity, false negatives cost a secret, so the patterns
/// lean towards redacting. Every pattern is source-generated (Native AOT) and has a match timeout; a timeout
/// withholds the whole value (see <see cref="SecretRedactor"/>).
/// </para>
/// </remarks>
internal static partial class CredentialPatterns
{
    private const int TimeoutMs = 250;

    /// <summary>The patterns in the order they are applied, with the label each match is replaced by.</summary>
    public static IReadOnlyList<(Regex Pattern, string Replacement)> All { get; } =
    [
        (PrivateKeyBlock(), "[REDACTED:private-key]"),
        (UrlPassword(), "$1[REDACTED:password]@"),
        (AuthorizationHeader(), "$1[REDACTED:authorization]"),
        (BearerToken(), "$1[REDACTED:bearer-token]"),
        (SecretAssignment(), "$1$2[REDACTED:secret]"),
        (SecretFlag(), "$1$2[REDACTED:secret]"),
        (ApiKey(), "[REDACTED:api-key]"),
        (AwsAccessKeyId(), "[REDACTED:aws-access-key-id]"),
        (GitHubToken(), "[REDACTED:github-token]"),
        (SlackToken(), "[REDACTED:slack-token]"),
        (GoogleApiKey(), "[REDACTED:google-api-key]"),
        (JsonWebToken(), "[REDACTED:jwt]"),
    ];

    [GeneratedRegex(@"-----BEGIN[A-Z0-9 ]*PRIVATE KEY-----(?:.*?-----END[A-Z0-9 ]*PRIVATE KEY-----|.*\z)", RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex PrivateKeyBlock();

    [GeneratedRegex(@"\b([a-zA-Z][a-zA-Z0-9+.\-]*://[^\s/:@'""]+:)(?!\$|\[REDACTED)[^\s/@'""]+@", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex UrlPassword();

    [GeneratedRegex(@"(?i)(\bauthorization\s*:\s*(?>(?:[a-z]+\s+)?))(?!\$|\[REDACTED)[^\s'""]+", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex AuthorizationHeader();

    [GeneratedRegex(@"(?i)(\bbearer\s+)(?!\$|\[REDACTED)[a-z0-9._~+/\-]{12,}=*", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex BearerToken();

    // NAME=value, NAME: value, "name": "value" — where NAME mentions a secret.
    [GeneratedRegex(@"(?i)(\b[\w.\-]*(?:password|passwd|secret|token|api[_\-]?key|access[_\-]?key|private[_\-]?key|credential)s?[\w.\-]*[""']?)(\s*[=:]\s*)(?!\$|\[REDACTED)(?:""[^""\n]*""|'[^'\n]*'|[^\s""'&;,)}]+)", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex SecretAssignment();

    // --password value, -token value
    [GeneratedRegex(@"(?i)((?<![\w\-])--?[\w\-]*(?:password|passwd|secret|token|api[_\-]?key)[\w\-]*)(\s+)(?!\$|\[REDACTED)(?!-)(?:""[^""\n]*""|'[^'\n]*'|[^\s""'&;]+)", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex SecretFlag();

    [GeneratedRegex(@"\b(?:sk-[A-Za-z0-9_\-]{16,}|[sr]k_(?:live|test)_[A-Za-z0-9]{16,})", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex ApiKey();

    [GeneratedRegex(@"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex AwsAccessKeyId();

    [GeneratedRegex(@"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex GitHubToken();

    [GeneratedRegex(@"\bxox[abprs]-[A-Za-z0-9\-]{10,}", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex SlackToken();

    [GeneratedRegex(@"\bAIza[0-9A-Za-z_\-]{35}", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex GoogleApiKey();

    [GeneratedRegex(@"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex JsonWebToken();
}
