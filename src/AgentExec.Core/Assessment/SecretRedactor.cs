using System.Text.RegularExpressions;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;

namespace AgentExec.Core.Assessment;

/// <summary>
/// Removes secrets from text before it leaves the machine in an assessment request (SPEC.md "Risk assessment"): the
/// values of the host variables the environment policy withholds from commands, any extra secrets the host names
/// (the API key itself), and the <see cref="CredentialPatterns"/>.
/// </summary>
/// <remarks>
/// <para>
/// Which withheld values count: every variable whose name looks sensitive to the environment policy (<c>KEY</c>,
/// <c>SECRET</c>, <c>TOKEN</c>, <c>PASSWORD</c>, <c>CREDENTIAL</c>, <c>LD_*</c>, …) when its value has at least
/// 4 characters; any other withheld variable when its value has at least 8 characters and is not a path or path list
/// (<c>OLDPWD</c>, <c>DOTNET_ROOT</c>, <c>XDG_*</c>). The exceptions exist because the policy withholds everything
/// off its allow-list — <c>SHLVL=1</c>, <c>COLUMNS=80</c>, <c>OLDPWD=/home/me/project</c> — and redacting those
/// values everywhere would turn <c>cd /home/me/project</c> into nonsense for the model, while such values are not
/// secrets. A value is replaced by <c>[REDACTED:NAME]</c>, longest first, so a value that contains another is taken
/// whole.
/// </para>
/// <para>
/// Redaction runs before truncation (a secret cut in half would no longer match). If a pattern times out, the whole
/// value is withheld rather than sent unchecked.
/// </para>
/// </remarks>
internal sealed class SecretRedactor
{
    /// <summary>What replaces a value that could not be checked.</summary>
    public const string Withheld = "[REDACTED: withheld, it could not be checked for secrets]";

    private const int MinSensitiveValueLength = 4;
    private const int MinOtherValueLength = 8;

    private readonly IReadOnlyList<(string Value, string Label)> _values;

    private SecretRedactor(IReadOnlyList<(string Value, string Label)> values)
    {
        _values = values;
    }

    /// <summary>A redactor that knows no values, only the credential patterns.</summary>
    public static SecretRedactor PatternsOnly { get; } = new([]);

    /// <summary>The values to redact, longest first (for tests and diagnostics; never log them).</summary>
    public IReadOnlyList<string> KnownValues => _values.Select(v => v.Value).ToArray();

    /// <summary>A redactor for the host environment under the user's <c>env</c> settings.</summary>
    /// <param name="host">The host environment (as the pipeline's <c>HostEnvironment</c>).</param>
    /// <param name="settings">The user config's <c>env</c>, which decides what is withheld.</param>
    /// <param name="extra">Other secrets by label, such as the API key read from a <c>.env</c> file.</param>
    /// <returns>The redactor.</returns>
    public static SecretRedactor ForEnvironment(
        IReadOnlyDictionary<string, string> host,
        EnvironmentSettings settings,
        IEnumerable<KeyValuePair<string, string>> extra)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in ChildEnvironment.RemovedNames(host, settings))
        {
            if (host.TryGetValue(name, out var value) && IsSecretWorthy(name, value))
            {
                values.TryAdd(value, name);
            }
        }

        foreach (var (label, value) in extra)
        {
            if (value.Length >= MinSensitiveValueLength)
            {
                values[value] = label;
            }
        }

        return new SecretRedactor(values
            .OrderByDescending(pair => pair.Key.Length)
            .ThenBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => (pair.Key, "[REDACTED:" + pair.Value + "]"))
            .ToArray());
    }

    /// <summary>Returns <paramref name="text"/> with every known secret value and credential pattern replaced.</summary>
    /// <param name="text">Text that is about to leave the machine.</param>
    /// <returns>The redacted text, or <see cref="Withheld"/> when a pattern timed out.</returns>
    public string Redact(string text)
    {
        foreach (var (value, label) in _values)
        {
            text = text.Replace(value, label, StringComparison.Ordinal);
        }

        try
        {
            foreach (var (pattern, replacement) in CredentialPatterns.All)
            {
                text = pattern.Replace(text, replacement);
            }
        }
        catch (RegexMatchTimeoutException)
        {
            return Withheld;
        }

        return text;
    }

    private static bool IsSecretWorthy(string name, string value)
    {
        if (ChildEnvironment.IsSensitive(name))
        {
            return value.Length >= MinSensitiveValueLength;
        }

        return value.Length >= MinOtherValueLength && !IsPathList(value);
    }

    private static bool IsPathList(string value) =>
        !value.Any(char.IsWhiteSpace)
        && value.Split(':').All(part => part.Length == 0 || part[0] == '/' || part.StartsWith("~/", StringComparison.Ordinal));
}
