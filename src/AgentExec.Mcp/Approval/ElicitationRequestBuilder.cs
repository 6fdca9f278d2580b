using System.Text.Json.Nodes;
using AgentExec.Core.Approval;
using AgentExec.Core.Assessment;
using AgentExec.Core.Commands;
using AgentExec.Core.Configuration;
using AgentExec.Core.Policy;

namespace AgentExec.Mcp.Approval;

/// <summary>Builds the <c>elicitation/create</c> params of SPEC.md "Elicitation" from a question.</summary>
internal static class ElicitationRequestBuilder
{
    /// <summary>The key of AgentExec's data in the params' <c>_meta</c>.</summary>
    public const string MetaKey = "agentexec/approval";

    /// <summary>The params object, Codex correlation fields and <c>_meta</c> included.</summary>
    public static JsonObject Build(ApprovalQuestion question)
    {
        var parameters = new JsonObject
        {
            ["message"] = ApprovalMessage.Render(question),
            ["requestedSchema"] = RequestedSchema(question.IsRetryWithoutSandbox),
        };

        // Codex's fields describe an exec approval ("run this argv?"). A network question asks about a command that is
        // already running, so a client that renders those fields would show the human the wrong question: they are
        // left out, and the message and _meta say what is asked.
        if (question.Network is null)
        {
            parameters["codex_elicitation"] = "exec-approval";
            parameters["codex_mcp_tool_call_id"] = question.CallId;
            parameters["codex_event_id"] = question.ApprovalId;
            parameters["codex_call_id"] = question.ApprovalId;
            parameters["codex_command"] = Strings(question.Argv);
            parameters["codex_cwd"] = question.WorkingDirectory;
            parameters["codex_parsed_cmd"] = ParsedCommands(question.Parts);
            if (question.Risk is { } risk)
            {
                parameters["codex_risk"] = Risk(risk);
            }
        }

        parameters["_meta"] = new JsonObject
        {
            [MetaKey] = new JsonObject
            {
                ["approval_id"] = question.ApprovalId,
                ["command"] = question.CommandLine,
                ["argv"] = Strings(question.Argv),
                ["cwd"] = question.WorkingDirectory,
                ["justification"] = question.Justification,
                ["sandbox"] = question.Sandbox.ToCode(),
                ["escalation"] = question.Escalation.ToCode(),
                ["retry_without_sandbox"] = question.IsRetryWithoutSandbox,
                ["sandbox_failure"] = question.SandboxFailure,
                ["risk"] = question.Risk is { } r ? Risk(r) : null,
            },
        };
        if (question.Network is { } target)
        {
            parameters["_meta"]![MetaKey]!["network"] = new JsonObject { ["host"] = target.Host, ["port"] = target.Port };
        }

        return parameters;
    }

    /// <summary>The form: a scope (once or session; once only for a retry) and an optional note.</summary>
    public static JsonObject RequestedSchema(bool retryWithoutSandbox) => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["scope"] = new JsonObject
            {
                ["type"] = "string",
                ["title"] = "Remember this decision",
                ["enum"] = retryWithoutSandbox ? new JsonArray("once") : new JsonArray("once", "session"),
                ["default"] = "once",
            },
            ["reason"] = new JsonObject
            {
                ["type"] = "string",
                ["title"] = "Note for the audit log",
                ["maxLength"] = 500,
            },
        },
    };

    /// <summary>A risk in the assessor's own field names.</summary>
    public static JsonObject Risk(RiskAssessment risk) => new()
    {
        ["description"] = risk.Description,
        ["risk_level"] = risk.LevelCode,
        ["risk_category"] = risk.Category,
    };

    // Codex's parsed-command vocabulary: read, list_files, search, unknown.
    private static JsonArray ParsedCommands(IReadOnlyList<CommandPart> parts)
    {
        var array = new JsonArray();
        foreach (var part in parts)
        {
            array.Add((JsonNode)new JsonObject
            {
                ["type"] = part.Program switch
                {
                    "cat" or "head" or "tail" or "sed" or "nl" or "less" => "read",
                    "ls" or "tree" => "list_files",
                    "grep" or "rg" or "find" or "egrep" or "fgrep" => "search",
                    _ => "unknown",
                },
                ["cmd"] = part.Text,
            });
        }

        return array;
    }

    private static JsonArray Strings(IReadOnlyList<string> values) =>
        new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}
