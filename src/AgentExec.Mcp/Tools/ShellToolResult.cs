using System.Text.Json.Serialization;

namespace AgentExec.Mcp.Tools;

/// <summary>The <c>shell</c> tool's <c>structuredContent</c>, field for field as SPEC.md "MCP tool shell" gives it.</summary>
internal sealed record ShellToolResult(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("exit_code")] int? ExitCode,
    [property: JsonPropertyName("stdout")] string Stdout,
    [property: JsonPropertyName("stderr")] string Stderr,
    [property: JsonPropertyName("duration_ms")] long DurationMs,
    [property: JsonPropertyName("timed_out")] bool TimedOut,
    [property: JsonPropertyName("truncated")] bool Truncated,
    [property: JsonPropertyName("stdout_bytes")] long StdoutBytes,
    [property: JsonPropertyName("stderr_bytes")] long StderrBytes,
    [property: JsonPropertyName("sandbox")] string Sandbox,
    [property: JsonPropertyName("sandbox_backend")] string SandboxBackend,
    [property: JsonPropertyName("approval")] ShellToolApproval? Approval,
    [property: JsonPropertyName("message")] string? Message)
{
    /// <summary>
    /// The destinations the call's egress proxy decided. Left out (not <c>null</c>) when the call had no proxy — no
    /// allow-list, or a run outside the sandbox — so results without an allow-list keep exactly SPEC.md's fields; an
    /// empty list means there was a proxy and the command asked it for nothing.
    /// </summary>
    [JsonPropertyName("network")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ShellToolNetworkDecision>? Network { get; init; }
}
