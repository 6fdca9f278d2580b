using System.Diagnostics;
using System.Text.Json;
using AgentExec.Core.Approval;
using AgentExec.Core.Execution;

namespace AgentExec.Mcp.Tools;

/// <summary>The <c>shell</c> tool's arguments, read by hand from the raw JSON so that every bad field gets a message naming it.</summary>
internal sealed record ShellToolInput(string? Command, string? Workdir, long? TimeoutMs, string? Justification, EscalationKind Escalation)
{
    private static readonly HashSet<string> KnownFields = ["command", "workdir", "timeout_ms", "justification", "sandbox_permissions"];

    /// <summary>The argument's name for a field Core found at fault, as the tool's input schema spells it.</summary>
    public static string FieldName(RequestField field) => field switch
    {
        RequestField.Command => "command",
        RequestField.WorkingDirectory => "workdir",
        RequestField.Timeout => "timeout_ms",
        _ => throw new UnreachableException($"no argument for {field}"),
    };

    /// <summary>Reads the arguments, or returns the message naming the field at fault.</summary>
    public static bool TryRead(IDictionary<string, JsonElement>? arguments, out ShellToolInput? input, out string? error)
    {
        input = null;
        error = null;
        arguments ??= new Dictionary<string, JsonElement>();

        foreach (var name in arguments.Keys)
        {
            if (!KnownFields.Contains(name))
            {
                error = $"{name}: unknown field; the shell tool takes command, workdir, timeout_ms, justification and sandbox_permissions";
                return false;
            }
        }

        if (!TryString(arguments, "command", out var command, out error)
            || !TryString(arguments, "workdir", out var workdir, out error)
            || !TryString(arguments, "justification", out var justification, out error)
            || !TryString(arguments, "sandbox_permissions", out var permissions, out error))
        {
            return false;
        }

        if (command is null)
        {
            error = "command: required";
            return false;
        }

        long? timeoutMs = null;
        if (arguments.TryGetValue("timeout_ms", out var timeout) && timeout.ValueKind != JsonValueKind.Null)
        {
            if (timeout.ValueKind != JsonValueKind.Number || !timeout.TryGetInt64(out var ms))
            {
                error = "timeout_ms: must be an integer number of milliseconds";
                return false;
            }

            timeoutMs = ms;
        }

        EscalationKind escalation;
        switch (permissions)
        {
            case null or "use_default":
                escalation = EscalationKind.None;
                break;
            case "require_escalated":
                escalation = EscalationKind.RequireEscalated;
                break;
            default:
                error = "sandbox_permissions: must be \"use_default\" or \"require_escalated\"";
                return false;
        }

        input = new ShellToolInput(command, workdir, timeoutMs, justification, escalation);
        return true;
    }

    private static bool TryString(IDictionary<string, JsonElement> arguments, string name, out string? value, out string? error)
    {
        value = null;
        error = null;
        if (!arguments.TryGetValue(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            error = $"{name}: must be a string";
            return false;
        }

        if (!TryGetText(element, out value))
        {
            error = $"{name}: must be valid Unicode text (it holds half of a surrogate pair)";
            return false;
        }

        return true;
    }

    /// <summary>
    /// The string of <paramref name="element"/>; false when its escapes spell half of a surrogate pair, which
    /// <see cref="JsonElement.GetString"/> refuses with an exception (the client writes the JSON).
    /// </summary>
    public static bool TryGetText(JsonElement element, out string? value)
    {
        try
        {
            value = element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = null;
            return false;
        }
    }
}
