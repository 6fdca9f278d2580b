using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace AgentExec.Mcp.Mrtr;

/// <summary>
/// A <c>tools/call</c>'s MRTR fields, <c>requestState</c> and <c>inputResponses</c>, exactly as the client sent them.
/// </summary>
/// <remarks>
/// Both are attacker-controlled (SPEC.md "Protocol generations"). They are taken out of the params before the SDK reads
/// them (<see cref="MoveOutOfParams"/>), so that a badly shaped value is judged here as a malformed answer instead of
/// failing the SDK's deserialisation with <c>-32603</c>, and so that the SDK never matches the state against handlers
/// of its own: every retry is resumed, or refused, by <see cref="SuspendedCalls"/>.
/// </remarks>
/// <param name="RequestState">The <c>requestState</c> value; null when the client sent JSON <c>null</c> or left it out.</param>
/// <param name="InputResponses">The <c>inputResponses</c> value; null when the client sent JSON <c>null</c> or left it out.</param>
internal sealed record RetryFields(JsonNode? RequestState, JsonNode? InputResponses)
{
    private const string ItemKey = "agentexec/retry";

    /// <summary>
    /// Moves the MRTR fields of <paramref name="request"/>'s params into its context, where <see cref="Of"/> finds them;
    /// a request with neither is left as it is.
    /// </summary>
    public static void MoveOutOfParams(JsonRpcRequest request)
    {
        if (request.Params is not JsonObject parameters)
        {
            return;
        }

        // Both are removed whatever they hold. A JSON null counts as absent, as serialisers that write every property
        // send it on a first call; anything else makes the call a retry.
        JsonNode? state, responses;
        try
        {
            state = Take(parameters, "requestState");
            responses = Take(parameters, "inputResponses");
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Params that cannot be read as an object (a member named twice, a name with half a surrogate pair) are
            // left as they are: UnreadableShellCall refuses the call, recorded, rather than this filter throwing.
            return;
        }

        if (state is null && responses is null)
        {
            return;
        }

        request.Context ??= new JsonRpcMessageContext();
        request.Context.Items ??= new Dictionary<string, object?>();
        request.Context.Items[ItemKey] = new RetryFields(state, responses);
    }

    private static JsonNode? Take(JsonObject parameters, string name)
    {
        if (!parameters.TryGetPropertyValue(name, out var value))
        {
            return null;
        }

        parameters.Remove(name);
        return value;
    }

    /// <summary>The fields <see cref="MoveOutOfParams"/> took from the request, or null when it carried none (a first call).</summary>
    public static RetryFields? Of(JsonRpcRequest request) =>
        request.Context?.Items is { } items && items.TryGetValue(ItemKey, out var fields) ? fields as RetryFields : null;
}
