using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace AgentExec.Core.Network.Proxy;

/// <summary>
/// The egress proxy of one call's sandbox (SPEC.md "Network allow-list"): listens on a host-side Unix socket that the
/// sandbox's bridge relays to, speaks HTTP CONNECT and plain-HTTP forwarding, asks the <see cref="IEgressGate"/> once
/// per CONNECT target and once per plain-HTTP request, checks a tunnel's TLS server name against its CONNECT host,
/// and connects only to the addresses the gate checked.
/// </summary>
/// <remarks>
/// Every client is the sandboxed command, so hostile: requests are read strictly and refused when malformed, one
/// request per connection, and every resource is bounded (connections, head and ClientHello sizes, relay buffers,
/// timeouts) so that memory does not grow with the bytes relayed. Disposing stops accepting and closes every
/// connection, the ones waiting on the gate included.
/// </remarks>
public sealed class EgressProxy : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly string _socketPath;
    private readonly IEgressGate _gate;
    private readonly EgressProxyOptions _options;
    private readonly ILogger _logger;
    private readonly UpstreamDialer _dialer;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<long, (Socket Client, Task Task)> _connections = new();
    private readonly Task _accepting;
    private long _nextId;
    private int _active;
    private int _disposed;

    private EgressProxy(Socket listener, string socketPath, IEgressGate gate, EgressProxyOptions options, ILogger logger)
    {
        _listener = listener;
        _socketPath = socketPath;
        _gate = gate;
        _options = options;
        _logger = logger;
        _dialer = new UpstreamDialer(options);
        _accepting = Task.Run(AcceptAsync);
    }

    /// <summary>The Unix socket the proxy listens on.</summary>
    public string SocketPath => _socketPath;

    /// <summary>Connections being served now.</summary>
    public int ActiveConnections => Volatile.Read(ref _active);

    /// <summary>
    /// Binds <paramref name="unixSocketPath"/> (owner-only) and starts accepting. The directory must be private to
    /// the owner (no group or other permission bits) and the path must not exist: an existing file is never replaced.
    /// </summary>
    /// <exception cref="IOException">The directory is not private, or the path exists.</exception>
    /// <exception cref="SocketException">The socket cannot be bound.</exception>
    public static EgressProxy Start(string unixSocketPath, IEgressGate gate, EgressProxyOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        if (OperatingSystem.IsWindows())
        {
            // The sandbox it serves is bubblewrap's, and the socket's owner-only mode is a Unix permission.
            throw new PlatformNotSupportedException("the egress proxy runs on Linux only");
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(unixSocketPath))
            ?? throw new IOException($"{unixSocketPath} has no directory");
        if ((File.GetUnixFileMode(directory) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
                                                UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute)) != 0)
        {
            // Anyone who can reach the socket can use the call's permits; the directory is the access control.
            throw new IOException($"{directory} is reachable by other users; the egress proxy's socket needs a private (0700) directory");
        }

        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            // bind() fails with EADDRINUSE on any existing file, a symlink included: never unlinked first, so the
            // proxy cannot be made to delete or follow something it did not create.
            listener.Bind(new UnixDomainSocketEndPoint(unixSocketPath));
            // Owner-only before listen(): until then nobody can connect, so there is no window with looser rights.
            File.SetUnixFileMode(unixSocketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            // A backlog as deep as the connections served at once: a command's burst of connections (the bridge
            // relays up to 256 at a time) must wait in the queue, since a non-blocking connect() to a Unix socket
            // whose queue is full fails at once with EAGAIN instead of waiting, and the command sees a dropped link.
            listener.Listen(Math.Max(128, options.MaxConnections));
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            listener.Dispose();
            throw new IOException($"{unixSocketPath} already exists; the egress proxy does not reuse an existing file", exception);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        return new EgressProxy(listener, unixSocketPath, gate, options, logger);
    }

    /// <summary>Stops accepting, closes every connection, waits (bounded) for their tasks and removes the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync();
        _listener.Dispose();
        await _accepting;
        foreach (var (client, _) in _connections.Values)
        {
            // Aborts whatever the connection waits on (a receive, a send); its task then ends and closes the rest.
            client.Dispose();
        }

        var tasks = _connections.Values.Select(entry => entry.Task).ToArray();
        try
        {
            await Task.WhenAll(tasks).WaitAsync(_options.ShutdownTimeout);
        }
        catch (TimeoutException)
        {
            EgressProxyLog.ShutdownTimedOut(_logger, tasks.Count(task => !task.IsCompleted), _options.ShutdownTimeout);
        }

        try
        {
            File.Delete(_socketPath);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The caller removes its private directory anyway; a leftover socket file serves nobody.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                // EMFILE and the like: keep serving the connections we have; a short pause avoids a busy loop.
                EgressProxyLog.ConnectionFailed(_logger, exception);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(50), _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            var id = Interlocked.Increment(ref _nextId);
            if (Interlocked.Increment(ref _active) > _options.MaxConnections)
            {
                Interlocked.Decrement(ref _active);
                Track(id, client, OverloadedAsync(client));
                continue;
            }

            var connection = new EgressConnection(client, _gate, _options, _dialer, _logger);
            Track(id, client, ServeAsync(connection));
        }
    }

    private void Track(long id, Socket client, Task task)
    {
        _connections[id] = (client, task);
        // Removed once done; if the task already ended, the continuation runs at once and removes it.
        task.ContinueWith(_ => _connections.TryRemove(id, out var _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task ServeAsync(EgressConnection connection)
    {
        try
        {
            await Task.Yield();
            await connection.RunAsync(_stop.Token);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    private async Task OverloadedAsync(Socket client)
    {
        using (client)
        {
            await ProxyResponse.SendAsync(
                client, 503, "AgentExec egress proxy: too many connections at once; try again.", _options.HeaderTimeout, _stop.Token);
        }
    }
}
