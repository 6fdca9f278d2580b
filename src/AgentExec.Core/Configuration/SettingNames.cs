using AgentExec.Core.Text;

namespace AgentExec.Core.Configuration;

/// <summary>The spelling of each enumerated setting value on the command line, in the environment and in the config.</summary>
/// <remarks>
/// Values are matched exactly (case-sensitive), as the SPEC spells them, so that one setting has one spelling. The
/// spellings come from <see cref="SettingCodes"/> where it has them, so parsing and rendering cannot drift apart.
/// </remarks>
internal static class SettingNames
{
    /// <summary>The <c>sandbox</c> values.</summary>
    public static IReadOnlyList<KeyValuePair<string, SandboxMode>> SandboxModes { get; } =
        Enum.GetValues<SandboxMode>().Select(mode => KeyValuePair.Create(mode.ToCode(), mode)).ToArray();

    /// <summary>The <c>approval_policy</c> values.</summary>
    public static IReadOnlyList<KeyValuePair<string, ApprovalPolicy>> ApprovalPolicies { get; } =
        Enum.GetValues<ApprovalPolicy>().Select(policy => KeyValuePair.Create(policy.ToCode(), policy)).ToArray();

    /// <summary>The <c>sandbox_backend</c> values.</summary>
    public static IReadOnlyList<KeyValuePair<string, SandboxBackendPreference>> SandboxBackends { get; } =
    [
        new("auto", SandboxBackendPreference.Auto),
        new("bubblewrap", SandboxBackendPreference.Bubblewrap),
        new("landlock", SandboxBackendPreference.Landlock),
    ];

    /// <summary>The rule <c>decision</c> values.</summary>
    public static IReadOnlyList<KeyValuePair<string, RuleDecision>> RuleDecisions { get; } =
        Enum.GetValues<RuleDecision>().Select(decision => KeyValuePair.Create(decision.ToCode(), decision)).ToArray();

    /// <summary>Looks a spelling up in one of the tables above.</summary>
    /// <typeparam name="T">The enumeration.</typeparam>
    /// <param name="table">The table.</param>
    /// <param name="text">The spelling to look up.</param>
    /// <param name="value">The value, when found.</param>
    /// <returns>Whether the spelling is known.</returns>
    public static bool TryLookUp<T>(IReadOnlyList<KeyValuePair<string, T>> table, string text, out T value)
        where T : struct, Enum
    {
        foreach (var entry in table)
        {
            if (string.Equals(entry.Key, text, StringComparison.Ordinal))
            {
                value = entry.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>The spellings of a table for an error message: <c>untrusted, on-failure, on-request, never</c>.</summary>
    /// <typeparam name="T">The enumeration.</typeparam>
    /// <param name="table">The table.</param>
    /// <returns>The comma-separated spellings.</returns>
    public static string Expected<T>(IReadOnlyList<KeyValuePair<string, T>> table) =>
        string.Join(", ", table.Select(entry => entry.Key));

    /// <summary>Quotes a value from a file or the user for a message, escaped for one line (<see cref="UntrustedText.EscapeLine"/>) and cut when long.</summary>
    /// <remarks>
    /// A workspace's <c>agentexec.json</c> is written by the agent, and its values end up in logs on a terminal: an ANSI
    /// escape, a right-to-left override or a line break there could disguise the message. The escaping is
    /// <see cref="UntrustedText"/>'s, the one escaper, called directly where a message is escaped without quotes.
    /// </remarks>
    /// <param name="text">The value.</param>
    /// <returns>The value in single quotes, safe to print.</returns>
    public static string Quote(string text)
    {
        const int MaxShown = 120;
        return text.Length > MaxShown ? $"'{UntrustedText.EscapeLine(text[..MaxShown])}…'" : $"'{UntrustedText.EscapeLine(text)}'";
    }

    /// <summary>How a JSON value's kind is named in an error message.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>A short phrase: <c>a string</c>, <c>an array</c>…</returns>
    public static string Describe(System.Text.Json.JsonValueKind kind) => kind switch
    {
        System.Text.Json.JsonValueKind.String => "a string",
        System.Text.Json.JsonValueKind.Number => "a number",
        System.Text.Json.JsonValueKind.Object => "an object",
        System.Text.Json.JsonValueKind.Array => "an array",
        System.Text.Json.JsonValueKind.True => "true",
        System.Text.Json.JsonValueKind.False => "false",
        System.Text.Json.JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
