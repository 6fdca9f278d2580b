using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using AgentExec.Core.Text;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace AgentExec.Mcp.Session;

/// <summary>
/// A <c>tools/call</c> of <c>shell</c> whose parameters the MCP SDK cannot read, turned into one the tool can refuse.
/// </summary>
/// <remarks>
/// The SDK reads a call's parameters before any tool sees them; where that fails (<c>arguments</c> that is a string
/// or an array, <c>_meta</c> that is not an object, a string anywhere with half a surrogate pair) it answers with a
/// JSON-RPC error and nothing of AgentExec's runs, so the call was never audited, while SPEC.md records invalid input
/// like every call (<c>failed_to_start</c>, one audit entry). A member named twice inside the params (in <c>_meta</c>
/// or the arguments) is refused the same way: the SDK reads such a call, but it means two things. So the incoming
/// message filter (<see cref="ToolCallGate"/>) reads such a call's parameters the way the SDK will, and where that
/// fails hands the tool empty arguments and the
/// reason, which the tool refuses as invalid input. Nothing the client sent can run either way: the tool only ever
/// sees the reason.
/// </remarks>
internal static class UnreadableShellCall
{
    private const string ReasonKey = "agentexec/unreadable-parameters";

    /// <summary>
    /// When <paramref name="call"/> names the <c>shell</c> tool and its parameters cannot be read as the SDK reads them,
    /// replaces them with <c>{"name":"shell","arguments":{}}</c> and notes why on the call.
    /// </summary>
    /// <remarks>
    /// A call that does not readably name <c>shell</c> (params that are not an object, a name that is not a string,
    /// params with a member named twice, which cannot be read as an object at all) is no call of this tool's but a
    /// malformed request, left to the SDK's JSON-RPC error: which tool it meant cannot be told.
    /// </remarks>
    public static void Normalize(JsonRpcRequest call, string toolName)
    {
        string? problem;
        try
        {
            if (call.Params is not JsonObject parameters || !NamesTool(parameters, toolName))
            {
                return;
            }

            problem = Problem(parameters);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
        {
            // The params cannot be read as an object (a member named twice, a name with half a surrogate pair): left to
            // the SDK, as above.
            return;
        }

        if (problem is null)
        {
            return;
        }

        call.Params = new JsonObject { ["name"] = toolName, ["arguments"] = new JsonObject() };
        call.Context ??= new JsonRpcMessageContext();
        call.Context.Items ??= new Dictionary<string, object?>();
        call.Context.Items[ReasonKey] = problem;
    }

    private static bool NamesTool(JsonObject parameters, string toolName) =>
        parameters.TryGetPropertyValue("name", out var name)
        && name is JsonValue value
        && value.TryGetValue<string>(out var named)
        && named == toolName;

    /// <summary>Why the call's parameters could not be read, or null when they could (or the call was not replaced).</summary>
    public static string? Reason(JsonRpcRequest request) =>
        request.Context?.Items is { } items && items.TryGetValue(ReasonKey, out var reason) && reason is string text ? text : null;

    // Deserialized exactly as the SDK will (its own options and type information), so what passes here passes there.
    private static string? Problem(JsonObject parameters)
    {
        try
        {
            if (DoubledName(parameters) is { } doubled)
            {
                return $"params: a member is named twice (\"{UntrustedText.EscapeLine(UntrustedText.Truncate(doubled, 40))}\")";
            }

            _ = parameters.Deserialize((JsonTypeInfo<CallToolRequestParams>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(CallToolRequestParams)));
            return null;
        }
        catch (JsonException e)
        {
            return e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? $"params: {path[2..]} has the wrong type" : "params: not readable";
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json throws this for a string escape with half a surrogate pair.
            return "params: a string is not valid UTF-16 (half a surrogate pair)";
        }
    }

    // A name given twice in any object of the params, which the SDK's reading leaves in place: the params' nested objects
    // (_meta, the arguments) are read lazily, so the SDK deserialises such a call without complaint and the duplicate
    // surfaces later. In _meta it threw when the tool read the progress token, after the SDK had handed the call over but
    // before anything was recorded: the call ended in an internal error with no audit event (found by an attack). In the
    // arguments the last "command" ran while a client showing the first would have shown another. Read from the text as
    // written, since a JsonObject with a duplicate cannot even be enumerated.
    private static string? DoubledName(JsonObject parameters)
    {
        JsonElement text;
        try
        {
            text = JsonSerializer.SerializeToElement(parameters, McpJsonContext.Default.JsonNode);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Text that cannot be written out again (half a surrogate pair) is refused by the deserialisation that follows.
            return null;
        }

        var pending = new Stack<JsonElement>();
        pending.Push(text);
        while (pending.TryPop(out var element))
        {
            if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in element.EnumerateArray())
                {
                    pending.Push(item);
                }
            }
            else if (element.ValueKind == JsonValueKind.Object)
            {
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var member in element.EnumerateObject())
                {
                    if (!names.Add(member.Name))
                    {
                        return member.Name;
                    }

                    pending.Push(member.Value);
                }
            }
        }

        return null;
    }
}
