using System.Text.Json;
using AgentExec.Core.Execution;
using AgentExec.Core.Pipeline;
using AgentExec.Mcp.Approval;
using AgentExec.Mcp.Mrtr;
using AgentExec.Mcp.Session;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentExec.Mcp.Tools;

/// <summary>
/// The <c>shell</c> tool (SPEC.md "MCP tool shell"): maps a <c>tools/call</c> to an <see cref="ExecRequest"/> and an
/// elicitation channel, runs the Core pipeline, renders the result. No policy lives here.
/// </summary>
internal sealed partial class ShellTool(ExecPipeline pipeline, ClientConnection connection, SuspendedCalls suspendedCalls, TimeProvider timeProvider, ILogger logger) : McpServerTool
{
    /// <summary>The tool's name.</summary>
    public const string Name = "shell";

    private static readonly JsonElement InputSchema = JsonDocument.Parse("""
        {
          "type": "object",
          "properties": {
            "command": { "type": "string", "minLength": 1, "description": "A shell command line, run as `bash -c COMMAND`." },
            "workdir": { "type": "string", "description": "Absolute path of the working directory; default: the workspace." },
            "timeout_ms": { "type": "integer", "minimum": 1, "maximum": 3600000, "description": "Bounds each execution attempt, in milliseconds (default 120000). Time spent waiting for a human does not count." },
            "justification": { "type": "string", "description": "Why you need this command; shown to the human who approves it." },
            "sandbox_permissions": { "type": "string", "enum": ["use_default", "require_escalated"], "description": "require_escalated asks the human to run the command outside the sandbox." }
          },
          "required": ["command"],
          "additionalProperties": false
        }
        """).RootElement.Clone();

    /// <inheritdoc />
    public override Tool ProtocolTool { get; } = new()
    {
        Name = Name,
        Title = "Run a shell command",
        Description = "Runs a shell command line with bash under AgentExec's sandbox and approval policy. "
            + "Commands the policy does not allow are put to the user for approval first; a denied command does not run. "
            + "Returns status, exit_code, stdout and stderr (capped), and who approved it.",
        InputSchema = InputSchema,
        Annotations = new ToolAnnotations { DestructiveHint = true, OpenWorldHint = true },
    };

    /// <inheritdoc />
    public override IReadOnlyList<object> Metadata { get; } = [];

    /// <inheritdoc />
    public override async ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken = default)
    {
        var callId = request.JsonRpcRequest.Id.ToString();
        if (UnreadableShellCall.Reason(request.JsonRpcRequest) is { } unreadable)
        {
            return await RejectAsync(callId, arguments: null, unreadable).ConfigureAwait(false);
        }

        if (!ShellToolInput.TryRead(request.Params?.Arguments, out var input, out var inputError))
        {
            return await RejectAsync(callId, request.Params?.Arguments, inputError!).ConfigureAwait(false);
        }

        if (!ExecRequestValidation.TryCreate(
                input!.Command,
                input.Workdir,
                input.TimeoutMs,
                input.Justification,
                input.Escalation,
                pipeline.Dependencies.Settings.Workspace,
                callId,
                out var execRequest,
                out var validationError))
        {
            return await RejectAsync(callId, request.Params?.Arguments, $"{ShellToolInput.FieldName(validationError!.Field)}: {validationError.Problem}").ConfigureAwait(false);
        }

        // The call is cancelled by whichever comes first: the SDK's handling of the client's notifications/cancelled, or
        // the transport's reading of it, which is what orders it before an answer that followed it on the wire.
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, HandshakeOrderTransport.CancelledOnRead(request.JsonRpcRequest));
#pragma warning disable CA1031 // The pipeline should never throw; if it does, the command did not run, and the agent is told so.
        try
        {
            return await RunAsync(request, execRequest!, cancellation.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not (OperationCanceledException or InputRequiredException))
#pragma warning restore CA1031
        {
            LogInternalError(logger, exception);
            return ShellToolResultRenderer.InternalError();
        }
    }

    // A valid call runs one of three ways. A 2026-07-28 retry delivers an answer to its own call, or is refused: it
    // never starts a call of its own. A first call under 2026-07-28 puts its questions in input_required results.
    // Otherwise the questions are elicitation requests while this call stays open.
    private Task<CallToolResult> RunAsync(RequestContext<CallToolRequestParams> request, ExecRequest execRequest, CancellationToken cancellationToken)
    {
        if (RetryFields.Of(request.JsonRpcRequest) is { } retry)
        {
            return suspendedCalls.ResumeAsync(retry, execRequest, cancellationToken);
        }

        return ProtocolGenerations.UsesInputRequired(request.Server.NegotiatedProtocolVersion)
            ? suspendedCalls.StartAsync(execRequest, request.Server, cancellationToken)
            : RunWhileAskingAsync(request, execRequest, cancellationToken);
    }

    private async Task<CallToolResult> RunWhileAskingAsync(RequestContext<CallToolRequestParams> request, ExecRequest execRequest, CancellationToken cancellationToken)
    {
        // A client that goes away must not leave a question waiting or a command running.
        using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connection.Disconnected);
        var channel = new ElicitationApprovalChannel(request.Server, request.Params?.ProgressToken, connection, timeProvider);
        var result = await pipeline.ExecuteAsync(execRequest, channel, observer: null, call.Token).ConfigureAwait(false);

        // The client cancelled the call: by MCP's rules it gets no response (the SDK sends none for a cancelled
        // handler). The pipeline has already killed the command and recorded the outcome.
        cancellationToken.ThrowIfCancellationRequested();
        return ShellToolResultRenderer.Render(result);
    }

    // Invalid input is audited like every call (SPEC.md), so its result carries the audit head too.
    private async Task<CallToolResult> RejectAsync(string callId, IDictionary<string, JsonElement>? arguments, string error)
    {
        // Only a command that is text is recorded; one the client spelled with half a surrogate pair is not.
        var command = arguments is not null && arguments.TryGetValue("command", out var given) && given.ValueKind == JsonValueKind.String
            && ShellToolInput.TryGetText(given, out var text)
            ? text
            : null;
        try
        {
            return ShellToolResultRenderer.Render(await pipeline.RejectAsync(callId, command, ShellToolResultRenderer.InvalidInputMessage(error)).ConfigureAwait(false));
        }
#pragma warning disable CA1031 // Recording a rejection must not turn it into a crash; the command does not run either way.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogInternalError(logger, exception);
            return ShellToolResultRenderer.InvalidInput(error);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The shell tool failed unexpectedly; the command was not run")]
    private static partial void LogInternalError(ILogger logger, Exception exception);
}
