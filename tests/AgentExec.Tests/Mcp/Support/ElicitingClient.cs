using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AgentExec.Tests.Mcp.Support;

/// <summary>
/// Options for the real SDK client as a human behind it would answer the server's questions: accept (with the form's
/// content), decline, hold the question open, or anything a test scripts.
/// </summary>
internal static class ElicitingClient
{
    /// <summary>The protocol generation the tests speak unless a test names another (null lets the client negotiate).</summary>
    public const string ProtocolVersion = "2025-11-25";

    /// <summary>A client whose every question is answered by <paramref name="answer"/>.</summary>
    public static McpClientOptions Handling(Func<ElicitRequestParams, ValueTask<ElicitResult>> answer, string? protocolVersion = ProtocolVersion) => new()
    {
        ProtocolVersion = protocolVersion,
        Handlers = new McpClientHandlers
        {
            ElicitationHandler = (request, _) => answer(request!),
        },
    };

    /// <summary>A client that answers every question with <paramref name="action"/> and the form <paramref name="content"/> (JSON, or none).</summary>
    public static McpClientOptions Answering(string action, string? content = null, string? protocolVersion = ProtocolVersion, Action<ElicitRequestParams>? onAsked = null) =>
        Handling(
            question =>
            {
                onAsked?.Invoke(question);
                return ValueTask.FromResult(new ElicitResult
                {
                    Action = action,
                    Content = content is null ? null : JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(content),
                });
            },
            protocolVersion);

    /// <summary>A client that accepts every question, with the form <paramref name="content"/> (JSON, or none).</summary>
    public static McpClientOptions Accepting(Action onAsked, string? content = null, string? protocolVersion = ProtocolVersion) =>
        Answering("accept", content, protocolVersion, _ => onAsked());

    /// <summary>
    /// A client that never answers: each question, after <paramref name="onAsked"/> saw it, waits until the server
    /// gives up on it (<c>notifications/cancelled</c>) or the client abandons the call (under 2026-07-28 the call's own
    /// cancellation), as a human who walked away would leave it.
    /// </summary>
    public static McpClientOptions Holding(Action<ElicitRequestParams> onAsked, string? protocolVersion = ProtocolVersion) => new()
    {
        ProtocolVersion = protocolVersion,
        Handlers = new McpClientHandlers
        {
            ElicitationHandler = async (request, cancellationToken) =>
            {
                onAsked(request!);
                await Task.Delay(Timeout.Infinite, cancellationToken);
                throw new InvalidOperationException("an infinite wait ended without being cancelled");
            },
        },
    };

    /// <summary>A client that declines every question, after showing it to <paramref name="onAsked"/>.</summary>
    public static McpClientOptions Declining(Action<ElicitRequestParams> onAsked, string? protocolVersion = ProtocolVersion) =>
        Answering("decline", null, protocolVersion, onAsked);

    /// <summary>
    /// Puts one call whose question is left waiting, then a second call while it waits, and returns the second call's
    /// result (the waiting question is then declined and its call awaited): how a pending-question limit is reached.
    /// </summary>
    public static async Task<CallToolResult> CallWhileAQuestionWaitsAsync(InMemoryMcpServer server, TimeSpan bound)
    {
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource<ElicitResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = await server.ConnectAsync(Handling(_ =>
        {
            asked.TrySetResult();
            return new ValueTask<ElicitResult>(release.Task);
        }));

        var first = client.CallToolAsync("shell", Command("rm -rf one")).AsTask();
        await asked.Task.WaitAsync(bound);
        var second = await client.CallToolAsync("shell", Command("rm -rf two"));
        release.SetResult(new ElicitResult { Action = "decline" });
        await first.WaitAsync(bound);
        return second;
    }

    private static Dictionary<string, object?> Command(string command) => new() { ["command"] = command };
}
