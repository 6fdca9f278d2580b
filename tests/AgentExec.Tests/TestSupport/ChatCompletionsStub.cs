using System.Collections.Concurrent;
using System.Text;

namespace AgentExec.Tests.TestSupport;

/// <summary>
/// A tiny OpenAI Chat Completions endpoint on 127.0.0.1 for tests of the real OpenAI client: it counts and keeps every
/// request that reaches it and answers each as the test says.
/// </summary>
internal sealed class ChatCompletionsStub : IAsyncDisposable
{
    private readonly Func<int, StubReply> _reply;
    private readonly ConcurrentQueue<string> _bodies = new();
    private readonly LoopbackHttpServer _server;
    private int _count;

    private ChatCompletionsStub(Func<int, StubReply> reply)
    {
        _reply = reply;
        _server = new LoopbackHttpServer(RespondAsync);
        BaseUrl = new Uri(_server.Origin + "/v1");
    }

    /// <summary>The base URL to give the client (<c>OPENAI_BASE_URL</c>).</summary>
    public Uri BaseUrl { get; }

    /// <summary>How many requests reached the stub.</summary>
    public int RequestCount => Volatile.Read(ref _count);

    /// <summary>The request bodies, in arrival order.</summary>
    public IReadOnlyList<string> Bodies => _bodies.ToArray();

    /// <summary>Starts a stub that answers request number N (from 1) with <paramref name="reply"/>(N).</summary>
    public static ChatCompletionsStub Start(Func<int, StubReply> reply) => new(reply);

    /// <summary>Starts a stub that answers every request the same way.</summary>
    public static ChatCompletionsStub Start(StubReply reply) => new(_ => reply);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task<LoopbackResponse> RespondAsync(LoopbackRequest request, CancellationToken stopping)
    {
        _bodies.Enqueue(Encoding.UTF8.GetString(request.Body));
        var reply = _reply(Interlocked.Increment(ref _count));
        if (reply.Delay > TimeSpan.Zero)
        {
            await Task.Delay(reply.Delay, stopping);
        }

        return new LoopbackResponse(reply.Status, "application/json", Encoding.UTF8.GetBytes(reply.Body), reply.Chunked);
    }
}
