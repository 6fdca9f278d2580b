using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace AgentExec.Tests.Fuzz;

/// <summary>
/// A JSON-lines client that writes any bytes to the server and keeps count of the responses per id, reading
/// everything the server writes on a background task.
/// </summary>
internal sealed class FramingSession : IAsyncDisposable
{
    /// <summary>How long any one wait for the real server lasts before the session calls it hung.</summary>
    public static readonly TimeSpan DefaultPatience = TimeSpan.FromSeconds(15);

    private readonly Stream _toServer;
    private readonly ConcurrentDictionary<string, int> _responses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, JsonElement> _lastResponse = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _notJson = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;
    private int _serial;

    /// <summary>Starts reading <paramref name="fromServer"/> at once.</summary>
    /// <param name="toServer">The server's input.</param>
    /// <param name="fromServer">The server's output.</param>
    /// <param name="patience">How long a wait lasts (default <see cref="DefaultPatience"/>).</param>
    public FramingSession(Stream toServer, Stream fromServer, TimeSpan? patience = null)
    {
        _toServer = toServer;
        Patience = patience ?? DefaultPatience;
        _reading = Task.Run(() => ReadAsync(fromServer));
    }

    /// <summary>How long any one wait for the server lasts before the session calls it hung.</summary>
    public TimeSpan Patience { get; }

    /// <summary>Responses so far, per id key (<see cref="FramingLine.IdKey"/>).</summary>
    public IReadOnlyDictionary<string, int> Responses => _responses;

    /// <summary>Lines from the server that were not a JSON object.</summary>
    public IReadOnlyCollection<string> NotJson => _notJson;

    /// <summary>Sends <c>initialize</c> (no elicitation: nothing can be asked, so nothing the policy holds back can run) and <c>initialized</c>.</summary>
    public async Task InitializeAsync()
    {
        await SendAsync("""{"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"fuzz","version":"0"}}}""");
        await WaitForAsync("s:init");
        await SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
    }

    /// <summary>Writes <paramref name="bytes"/> and a LF.</summary>
    public async Task SendAsync(byte[] bytes)
    {
        await _toServer.WriteAsync(bytes);
        await _toServer.WriteAsync("\n"u8.ToArray());
        await _toServer.FlushAsync();
    }

    /// <summary>Writes a line of text.</summary>
    public Task SendAsync(string line) => SendAsync(Encoding.UTF8.GetBytes(line));

    /// <summary>
    /// Calls the shell tool with a known-safe <c>echo</c> of a fresh word and returns the word and the whole
    /// response: the proof the server still works.
    /// </summary>
    public async Task<(string Word, JsonElement Response)> EchoAsync()
    {
        var serial = Interlocked.Increment(ref _serial);
        var word = $"still-serving-{serial}";
        var id = $"echo-{serial}";
        await SendAsync("{\"jsonrpc\":\"2.0\",\"id\":\"" + id + "\",\"method\":\"tools/call\",\"params\":{\"name\":\"shell\",\"arguments\":{\"command\":\"echo " + word + "\"}}}");
        await WaitForAsync("s:" + id);
        return (word, _lastResponse["s:" + id]);
    }

    /// <summary>Waits until every id in <paramref name="ids"/> has a response, or <see cref="Patience"/> passes; returns those still without one.</summary>
    public async Task<IReadOnlyList<string>> WaitForAllAsync(IEnumerable<string> ids)
    {
        var waiting = ids.ToList();
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            waiting.RemoveAll(_responses.ContainsKey);
            if (waiting.Count == 0 || DateTime.UtcNow >= deadline || _reading.IsCompleted)
            {
                return waiting;
            }

            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _reading.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception exception) when (exception is OperationCanceledException or TimeoutException or IOException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task WaitForAsync(string id)
    {
        var missing = await WaitForAllAsync([id]);
        if (missing.Count > 0)
        {
            throw new TimeoutException($"no response to {id} within {Patience.TotalSeconds} s{(_reading.IsCompleted ? "; the server closed its output" : "")}");
        }
    }

    private async Task ReadAsync(Stream fromServer)
    {
        using var reader = new StreamReader(fromServer, new UTF8Encoding(false, true));
        try
        {
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                Record(line);
            }
        }
        catch (DecoderFallbackException)
        {
            _notJson.Enqueue("(bytes that are not UTF-8)");
        }
    }

    private void Record(string line)
    {
        JsonElement message;
        try
        {
            using var document = JsonDocument.Parse(line);
            message = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            _notJson.Enqueue(line);
            return;
        }

        if (message.ValueKind != JsonValueKind.Object)
        {
            _notJson.Enqueue(line);
            return;
        }

        // The server's own requests and notifications (log messages, say) are not responses.
        if (message.TryGetProperty("method", out _) || !message.TryGetProperty("id", out var id))
        {
            return;
        }

        var key = id.ValueKind switch
        {
            JsonValueKind.String => "s:" + id.GetString(),
            JsonValueKind.Number => "n:" + id.GetRawText(),
            _ => "other:" + id.GetRawText(),
        };
        _lastResponse[key] = message;
        _responses.AddOrUpdate(key, 1, (_, count) => count + 1);
    }
}
