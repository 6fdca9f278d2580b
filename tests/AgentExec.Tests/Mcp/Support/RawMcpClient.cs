using System.Text;
using System.Text.Json.Nodes;

namespace AgentExec.Tests.Mcp.Support;

/// <summary>A JSON-lines MCP client driven by hand: it answers the server's requests with any bytes the test chooses.</summary>
internal sealed class RawMcpClient(Stream output, Stream input) : IDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(15);
    private readonly StreamReader _reader = new(input, Encoding.UTF8);
    private readonly List<JsonObject> _unclaimed = [];

    public async Task SendAsync(string json)
    {
        await output.WriteAsync(Encoding.UTF8.GetBytes(json + "\n"));
        await output.FlushAsync();
    }

    public Task SendAsync(JsonObject message) => SendAsync(message.ToJsonString());

    /// <summary>Sends <paramref name="line"/> as it is (it need not be UTF-8), then a newline.</summary>
    public async Task SendBytesAsync(byte[] line)
    {
        await output.WriteAsync(line);
        await output.WriteAsync("\n"u8.ToArray());
        await output.FlushAsync();
    }

    /// <summary>Initializes with the given protocol version and capabilities (<c>{"elicitation":{}}</c> to allow questions).</summary>
    public async Task InitializeAsync(string protocolVersion = "2025-06-18", string capabilities = """{"elicitation":{}}""", bool sayInitialized = true)
    {
        await SendAsync(new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = "init",
            ["method"] = "initialize",
            ["params"] = new JsonObject
            {
                ["protocolVersion"] = protocolVersion,
                ["capabilities"] = JsonNode.Parse(capabilities),
                ["clientInfo"] = new JsonObject { ["name"] = "raw", ["version"] = "0" },
            },
        });
        await ReadResponseAsync("init");
        if (sayInitialized)
        {
            await SayInitializedAsync();
        }
    }

    /// <summary>Ends the handshake: <c>notifications/initialized</c>.</summary>
    public async Task SayInitializedAsync()
    {
        await SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
    }

    /// <summary>Sends a <c>tools/call</c> of the shell tool.</summary>
    public Task CallShellAsync(string id, JsonObject arguments, string? progressToken = null)
    {
        var parameters = new JsonObject { ["name"] = "shell", ["arguments"] = arguments };
        if (progressToken is not null)
        {
            parameters["_meta"] = new JsonObject { ["progressToken"] = progressToken };
        }

        return SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = "tools/call", ["params"] = parameters });
    }

    /// <summary>Waits for the server's next request or notification with this method.</summary>
    /// <summary>
    /// A <c>tools/call</c> as a 2026-07-28 client sends it, with no handshake: the protocol version and capabilities
    /// in the request's own <c>_meta</c>; for a retry, the echoed <c>requestState</c> and the <c>inputResponses</c>.
    /// </summary>
    public Task CallShellUnderInputRequiredAsync(
        string id,
        JsonObject arguments,
        JsonNode? requestState = null,
        JsonNode? inputResponses = null,
        string capabilities = """{"elicitation":{"form":{}}}""")
    {
        var parameters = new JsonObject
        {
            ["name"] = "shell",
            ["arguments"] = arguments,
            ["_meta"] = new JsonObject
            {
                ["io.modelcontextprotocol/protocolVersion"] = "2026-07-28",
                ["io.modelcontextprotocol/clientCapabilities"] = JsonNode.Parse(capabilities),
                ["io.modelcontextprotocol/clientInfo"] = new JsonObject { ["name"] = "raw", ["version"] = "0" },
            },
        };
        if (requestState is not null)
        {
            parameters["requestState"] = requestState;
        }

        if (inputResponses is not null)
        {
            parameters["inputResponses"] = inputResponses;
        }

        return SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = "tools/call", ["params"] = parameters });
    }

    /// <summary>
    /// Puts a 2026-07-28 call that needs a human and returns the <c>requestState</c> and the answer key of its
    /// <c>input_required</c> result (one <c>elicitation/create</c> input request).
    /// </summary>
    public async Task<(string State, string Key)> AskUnderInputRequiredAsync(string id, JsonObject arguments)
    {
        await CallShellUnderInputRequiredAsync(id, arguments);
        var result = (await ReadResponseAsync(id))["result"]!;
        Assert.True("input_required" == result["resultType"]?.GetValue<string>(), result.ToJsonString());
        var request = Assert.Single(result["inputRequests"]!.AsObject());
        Assert.Equal("elicitation/create", request.Value!["method"]!.GetValue<string>());
        return (result["requestState"]!.GetValue<string>(), request.Key);
    }

    /// <summary>The <c>structuredContent</c> of the tool result answering <paramref name="id"/>.</summary>
    public async Task<JsonNode> ReadToolResultAsync(string id)
    {
        var response = await ReadResponseAsync(id);
        return response["result"]?["structuredContent"] ?? throw new Xunit.Sdk.XunitException("no tool result: " + response.ToJsonString());
    }

    public async Task<JsonObject> ReadMessageAsync(string method) =>
        await ReadMatchingAsync(message => message["method"]?.GetValue<string>() == method);

    /// <summary>Waits for the response to request <paramref name="id"/>.</summary>
    public async Task<JsonObject> ReadResponseAsync(string id) =>
        await ReadMatchingAsync(message => message["method"] is null && message["id"]?.ToJsonString() == JsonValue.Create(id).ToJsonString());

    /// <summary>Waits for the response to the request whose id is <paramref name="id"/>, whatever its JSON type (a number, an odd string).</summary>
    public async Task<JsonObject> ReadResponseToAsync(JsonNode id) =>
        await ReadMatchingAsync(message => message["method"] is null && message["id"]?.ToJsonString() == id.ToJsonString());

    /// <summary>Waits for whichever comes first: the server's next <paramref name="method"/> message or the response to request <paramref name="id"/>.</summary>
    public async Task<JsonObject> ReadMessageOrResponseAsync(string method, string id) =>
        await ReadMatchingAsync(message =>
            message["method"]?.GetValue<string>() == method
            || (message["method"] is null && message["id"]?.ToJsonString() == JsonValue.Create(id).ToJsonString()));

    /// <summary>Answers server request <paramref name="request"/> with a raw <c>result</c> (any JSON text).</summary>
    public Task AnswerAsync(JsonObject request, string rawResult) =>
        SendAsync("{\"jsonrpc\":\"2.0\",\"id\":" + request["id"]!.ToJsonString() + ",\"result\":" + rawResult + "}");

    /// <summary>Answers server request <paramref name="request"/> with a JSON-RPC error.</summary>
    public Task FailAsync(JsonObject request, int code, string message) =>
        SendAsync(new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = request["id"]!.DeepClone(),
            ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
        });

    /// <summary>Closes the client's output: the server sees end of input, as when a client process dies.</summary>
    public void Disconnect() => output.Dispose();

    public void Dispose() => _reader.Dispose();

    /// <summary>True when a message matching <paramref name="predicate"/> already arrived (without waiting).</summary>
    public bool HasSeen(Func<JsonObject, bool> predicate) => _unclaimed.Any(predicate);

    private async Task<JsonObject> ReadMatchingAsync(Func<JsonObject, bool> predicate)
    {
        var earlier = _unclaimed.FirstOrDefault(predicate);
        if (earlier is not null)
        {
            _unclaimed.Remove(earlier);
            return earlier;
        }

        using var timeout = new CancellationTokenSource(ReadTimeout);
        while (true)
        {
            var line = await _reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException("the server closed its output");
            if (JsonNode.Parse(line) is not JsonObject message)
            {
                continue;
            }

            if (predicate(message))
            {
                return message;
            }

            _unclaimed.Add(message);
        }
    }
}
