using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AgentExec.Tests.TestSupport;

/// <summary>
/// A tiny OpenAI Chat Completions endpoint on 127.0.0.1 for tests of the real OpenAI client: it counts and keeps every
/// request that reaches it and answers each as the test says. Nothing leaves the machine.
/// </summary>
internal sealed class ChatCompletionsStub : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<int, StubReply> _reply;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _bodies = new();
    private readonly ConcurrentBag<Task> _handlers = [];
    private readonly Task _accepting;
    private int _count;

    private ChatCompletionsStub(Func<int, StubReply> reply)
    {
        _reply = reply;
        var port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/v1");
        _accepting = AcceptAsync();
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

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
            await Task.WhenAll(_handlers).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
        }

        _listener.Close();
        _stop.Dispose();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _handlers.Add(HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            _bodies.Enqueue(await reader.ReadToEndAsync());
            var reply = _reply(Interlocked.Increment(ref _count));
            if (reply.Delay > TimeSpan.Zero)
            {
                await Task.Delay(reply.Delay, _stop.Token);
            }

            var body = Encoding.UTF8.GetBytes(reply.Body);
            context.Response.StatusCode = reply.Status;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body, _stop.Token);
            context.Response.Close();
        }
        catch (Exception exception) when (exception is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The client gave up (its budget ran out) or the test ended: nobody is listening for this answer.
            try
            {
                context.Response.Abort();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
