using System.Text.Json.Nodes;

namespace AgentExec.Tests.TestSupport;

/// <summary>What <see cref="ChatCompletionsStub"/> answers to one request.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Body">The body, sent as JSON.</param>
/// <param name="Delay">How long to wait before answering.</param>
/// <param name="Chunked">Send the body chunked, with no Content-Length.</param>
internal sealed record StubReply(int Status, string Body, TimeSpan Delay = default, bool Chunked = false)
{
    /// <summary>A chat completion whose assistant message is <paramref name="content"/>.</summary>
    public static StubReply Completion(string content, string finishReason = "stop") => new(200, CompletionBody(content, null, finishReason));

    /// <summary>A valid assessment.</summary>
    public static StubReply Assessment(string description, string level, string category) =>
        Completion(new JsonObject { ["description"] = description, ["risk_level"] = level, ["risk_category"] = category }.ToJsonString());

    /// <summary>A refusal, as OpenAI sends it under structured outputs.</summary>
    public static StubReply Refusal(string refusal) => new(200, CompletionBody(null, refusal, "stop"));

    /// <summary>An OpenAI-style error.</summary>
    public static StubReply Error(int status, string message) =>
        new(status, new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = "invalid_request_error", ["code"] = null } }.ToJsonString());

    private static string CompletionBody(string? content, string? refusal, string finishReason) => new JsonObject
    {
        ["id"] = "chatcmpl-stub",
        ["object"] = "chat.completion",
        ["created"] = 1_767_225_600,
        ["model"] = "stub-model",
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content, ["refusal"] = refusal },
            ["finish_reason"] = finishReason,
        }),
        ["usage"] = new JsonObject { ["prompt_tokens"] = 10, ["completion_tokens"] = 10, ["total_tokens"] = 20 },
    }.ToJsonString();
}
