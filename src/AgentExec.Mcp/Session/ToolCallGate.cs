using AgentExec.Mcp.Mrtr;
using AgentExec.Mcp.Tools;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentExec.Mcp.Session;

/// <summary>
/// The incoming message filter every <c>tools/call</c> passes before the SDK reads it: refuses a call made before the
/// handshake ended, takes the attacker-shaped MRTR fields out of the params (<see cref="RetryFields"/>), and turns
/// parameters the SDK could not read into a refusal the tool records (<see cref="UnreadableShellCall"/>).
/// </summary>
internal static class ToolCallGate
{
    /// <summary>The filter, for <c>McpServerOptions.Filters.Message.IncomingFilters</c>.</summary>
    public static McpMessageFilter Filter { get; } = next => (context, cancellationToken) =>
    {
        if (context.JsonRpcMessage is JsonRpcRequest { Method: RequestMethods.ToolsCall } call)
        {
            // Under the 2025 generations a client's capabilities (can it answer a question?) arrive with initialize
            // and hold once it has said initialized; a call before that would be served without them. Saying
            // initialized is not enough: with no initialize answered first, no protocol version was negotiated and
            // no capabilities are known. A 2026-07-28 request carries its capabilities itself and has no handshake.
            if (!ProtocolGenerations.UsesInputRequired(call.Context?.ProtocolVersion)
                && (HandshakeOrderTransport.ReadBeforeInitialized(call) || context.Server.NegotiatedProtocolVersion is null))
            {
                throw new McpProtocolException(
                    "tools/call before notifications/initialized: finish the initialize handshake first.",
                    McpErrorCode.InvalidRequest);
            }

            RetryFields.MoveOutOfParams(call);

            // After the MRTR fields are out, which are judged as answers, not as the call's shape.
            UnreadableShellCall.Normalize(call, ShellTool.Name);
        }

        return next(context, cancellationToken);
    };
}
