using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentExec.Tests.Fuzz;

/// <summary>
/// A stand-in MCP server over pipes that answers requests like a good one, except in the one way it is told to
/// misbehave: what <see cref="FramingCheck"/> must catch, or it could not fail.
/// </summary>
internal sealed class FakeJsonRpcServer : IAsyncDisposable
{
    private readonly Pipe _toServer = new();
    private readonly Pipe _fromServer = new();
    private readonly Task _serving;

    public FakeJsonRpcServer(Misbehaviour misbehaviour)
    {
        _serving = Task.Run(() => ServeAsync(misbehaviour));
    }

    /// <summary>The one way the server goes wrong.</summary>
    public enum Misbehaviour
    {
        None,
        IgnoresRequestsWithIntegerIds,
        AnswersPingTwice,
        AnswersAnIdNobodySent,
        WritesALineThatIsNotJson,
        StopsAtTheFirstNotification,
        EchoesSomethingElse,
    }

    /// <summary>What the client writes.</summary>
    public Stream ClientOutput => _toServer.Writer.AsStream();

    /// <summary>What the client reads.</summary>
    public Stream ClientInput => _fromServer.Reader.AsStream();

    /// <summary>True once the server stopped.</summary>
    public bool Exited => _serving.IsCompleted;

    public async ValueTask DisposeAsync()
    {
        await _toServer.Writer.CompleteAsync();
        await _serving.WaitAsync(TimeSpan.FromSeconds(5));
    }

    private async Task ServeAsync(Misbehaviour misbehaviour)
    {
        var output = _fromServer.Writer.AsStream();
        using var reader = new StreamReader(_toServer.Reader.AsStream(), Encoding.UTF8);
        while (await reader.ReadLineAsync() is { } line)
        {
            JsonObject? message;
            try
            {
                message = JsonNode.Parse(line) as JsonObject;
            }
            catch (JsonException)
            {
                continue;
            }

            if (message is null || message["method"] is not JsonValue methodValue || !methodValue.TryGetValue<string>(out var method))
            {
                continue;
            }

            if (message["id"] is not JsonValue id)
            {
                if (misbehaviour == Misbehaviour.StopsAtTheFirstNotification && method != "notifications/initialized")
                {
                    break;
                }

                continue;
            }

            if (misbehaviour == Misbehaviour.IgnoresRequestsWithIntegerIds && id.GetValueKind() == JsonValueKind.Number)
            {
                continue;
            }

            var result = method == "tools/call" ? Echo(message, misbehaviour) : new JsonObject();
            await WriteAsync(output, new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id.DeepClone(), ["result"] = result });
            if (method == "ping" && misbehaviour == Misbehaviour.AnswersPingTwice)
            {
                await WriteAsync(output, new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id.DeepClone(), ["result"] = new JsonObject() });
            }

            if (method == "ping" && misbehaviour == Misbehaviour.AnswersAnIdNobodySent)
            {
                await WriteAsync(output, new JsonObject { ["jsonrpc"] = "2.0", ["id"] = "nobody-sent-this", ["result"] = new JsonObject() });
            }

            if (method == "ping" && misbehaviour == Misbehaviour.WritesALineThatIsNotJson)
            {
                await output.WriteAsync("this is not JSON\n"u8.ToArray());
            }
        }

        await _fromServer.Writer.CompleteAsync();
    }

    private static JsonObject Echo(JsonObject call, Misbehaviour misbehaviour)
    {
        var command = call["params"] is JsonObject parameters && parameters["arguments"] is JsonObject arguments
            && arguments["command"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";
        var printed = misbehaviour == Misbehaviour.EchoesSomethingElse ? "something else\n"
            : command.StartsWith("echo ", StringComparison.Ordinal) ? command["echo ".Length..] + "\n"
            : "";
        return new JsonObject { ["structuredContent"] = new JsonObject { ["status"] = "completed", ["stdout"] = printed } };
    }

    private static async Task WriteAsync(Stream output, JsonObject message)
    {
        await output.WriteAsync(Encoding.UTF8.GetBytes(message.ToJsonString() + "\n"));
        await output.FlushAsync();
    }
}
