namespace AgentExec.Mcp.Mrtr;

/// <summary>Which MCP protocol generations put a question in the call's result instead of a request of its own.</summary>
internal static class ProtocolGenerations
{
    /// <summary>The first revision with multi round-trip requests (<c>input_required</c> results and retries).</summary>
    public const string FirstInputRequired = "2026-07-28";

    /// <summary>
    /// True when <paramref name="version"/> answers a question through <c>input_required</c> and the client's retry
    /// (MCP revisions are dates, so they order as strings).
    /// </summary>
    public static bool UsesInputRequired(string? version) =>
        version is not null && string.CompareOrdinal(version, FirstInputRequired) >= 0;
}
