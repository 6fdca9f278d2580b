using System.Text.Json;
using System.Text.Json.Nodes;
using AgentExec.Core.Approval;
using AgentExec.Core.Configuration;
using AgentExec.Core.Pipeline;
using AgentExec.Core.Policy;
using AgentExec.Core.Sandbox;
using AgentExec.Mcp.Approval;
using ModelContextProtocol.Protocol;

namespace AgentExec.Mcp.Tools;

/// <summary>Renders a pipeline result as the <c>shell</c> tool's <c>CallToolResult</c>: <c>structuredContent</c>, the same JSON as text, and the audit head in <c>_meta</c>.</summary>
internal static class ShellToolResultRenderer
{
    /// <summary>The key of the audit head in the result's <c>_meta</c>.</summary>
    public const string AuditMetaKey = "agentexec/audit";

    /// <summary>Renders <paramref name="result"/>.</summary>
    public static CallToolResult Render(ShellResult result)
    {
        var payload = new ShellToolResult(
            Status: result.Status.ToCode(),
            ExitCode: result.ExitCode,
            Stdout: result.Stdout.Text,
            Stderr: result.Stderr.Text,
            DurationMs: (long)result.Duration.TotalMilliseconds,
            TimedOut: result.TimedOut,
            Truncated: result.Truncated,
            StdoutBytes: result.Stdout.TotalBytes,
            StderrBytes: result.Stderr.TotalBytes,
            Sandbox: result.Sandbox?.ToCode() ?? "none",
            SandboxBackend: result.Backend.ToCode(),
            Approval: result.Approval is { } approval
                ? new ShellToolApproval(
                    approval.Decision.ToCode(),
                    approval.Source.ToCode(),
                    approval.Reason.ToCode(),
                    approval.Note,
                    approval.Risk is { } risk ? new RiskPayload(risk.Description, risk.LevelCode, risk.Category) : null)
                : null,
            Message: result.InvalidField is { } invalid ? $"{ShellToolInput.FieldName(invalid.Field)}: {invalid.Problem}" : result.Message)
        {
            Network = result.Network?.Select(decision => new ShellToolNetworkDecision(decision.Target.Host, decision.Target.Port, decision.DecisionCode)).ToArray(),
        };

        var structured = JsonSerializer.SerializeToElement(payload, McpJsonContext.Default.ShellToolResult);
        var rendered = new CallToolResult
        {
            StructuredContent = structured,
            Content = [new TextContentBlock { Text = ReadableJsonText.From(structured) }],
            IsError = result.Status != ShellStatus.Completed,
        };

        if (result.AuditHead is { } head)
        {
            rendered.Meta = new JsonObject { [AuditMetaKey] = new JsonObject { ["seq"] = head.Seq, ["hash"] = head.Hash } };
        }

        return rendered;
    }

    /// <summary>The result for input the tool cannot accept: <c>failed_to_start</c>, naming the field.</summary>
    public static CallToolResult InvalidInput(string message) =>
        Render(ShellResult.NotRun(ShellStatus.FailedToStart, InvalidInputMessage(message)));

    /// <summary>What the agent reads about invalid input: the field at fault and why.</summary>
    public static string InvalidInputMessage(string message) => "Invalid input: " + message;

    /// <summary>The result for a failure nobody expected: the command did not run.</summary>
    public static CallToolResult InternalError() =>
        Render(ShellResult.NotRun(
            ShellStatus.Denied,
            "AgentExec hit an internal error; the command was not run.",
            ApprovalOutcome.DeniedByPolicy(ApprovalReason.ClientError)));
}
