using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace AgentExec.Core.Network.Proxy;

/// <summary>
/// One client connection to the egress proxy: one CONNECT tunnel, or one plain-HTTP request, then close.
/// </summary>
/// <remarks>
/// One request per connection is what keeps "the decision is per request" true for plain HTTP: whatever the client
/// sends after the first request's body is read and dropped, never forwarded, so a second request cannot ride on the
/// first one's permit.
/// </remarks>
internal sealed class EgressConnection(Socket client, IEgressGate gate, EgressProxyOptions options, UpstreamDialer dialer, ILogger logger)
{
    private const string TunnelEstablished = "HTTP/1.1 200 Connection Established\r\n\r\n";

    /// <summary>
    /// Hop-by-hop headers (RFC 9110 §7.6.1) and the ones this proxy writes itself; <c>Proxy-*</c> goes too, so the
    /// command's proxy credentials, if any, never reach the destination.
    /// </summary>
    private static readonly HashSet<string> DroppedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host", "Content-Length",
    };

    /// <summary>The client's socket (the proxy closes it when disposed).</summary>
    public Socket Client => client;

    /// <summary>Serves the connection to its end and closes it; never throws.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var head = ArrayPool<byte>.Shared.Rent(options.MaxHeaderBytes);
        try
        {
            var (headLength, received) = await ProxyHeadReader.ReadAsync(client, head, options.MaxHeaderBytes, options.HeaderTimeout, stop);
            var request = ProxyRequestHeadParser.Parse(head.AsSpan(0, headLength));
            var early = head.AsMemory(headLength, received - headLength);
            if (request.Method == "CONNECT")
            {
                await TunnelAsync(request, early, stop);
            }
            else
            {
                await ForwardAsync(request, early, stop);
            }
        }
        catch (ProxyRequestRejectedException rejection)
        {
            EgressProxyLog.Rejected(logger, rejection.Status, rejection.Message);
            await RespondAsync(rejection.Status, $"AgentExec egress proxy: {rejection.Message}.", stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The proxy is closing: the finally block closes the connection.
        }
        catch (Exception exception)
        {
            // A reset, a disposed socket, or a bug: whichever, the connection closes and nothing more is relayed.
            EgressProxyLog.ConnectionFailed(logger, exception);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(head);
            client.Dispose();
        }
    }

    // The gate's decision, then a connection to the permit's addresses only. Null when the request goes no further,
    // with the client already answered: 403 with the gate's message, or 502 when no checked address accepted.
    private async Task<Socket?> DecideAndDialAsync(NetworkTarget target, EgressRequestKind kind, CancellationToken stop)
    {
        var permit = await DecideAsync(target, kind, stop);
        if (!permit.Allowed)
        {
            await RespondAsync(403, permit.RefusalMessage!, stop);
            return null;
        }

        var upstream = await dialer.DialAsync(target.Port, permit.Addresses, stop);
        if (upstream is null)
        {
            EgressProxyLog.ConnectFailed(logger, target);
            await RespondAsync(502, $"AgentExec egress proxy: could not connect to {target}.", stop);
        }

        return upstream;
    }

    private async Task TunnelAsync(ProxyRequestHead request, ReadOnlyMemory<byte> early, CancellationToken stop)
    {
        var target = ProxyAuthority.Parse(request.Target, defaultPort: null);
        using var upstream = await DecideAndDialAsync(target, EgressRequestKind.Connect, stop);
        if (upstream is null)
        {
            return;
        }

        await UpstreamDialer.SendAllAsync(client, Encoding.ASCII.GetBytes(TunnelEstablished), stop);
        var helloBuffer = ArrayPool<byte>.Shared.Rent(Math.Max(options.MaxClientHelloBytes, early.Length));
        var up = ArrayPool<byte>.Shared.Rent(options.RelayBufferBytes);
        var down = ArrayPool<byte>.Shared.Rent(options.RelayBufferBytes);
        try
        {
            early.CopyTo(helloBuffer);
            TlsClientHello hello;
            int received;
            try
            {
                (hello, received) = await TlsClientHelloReader.ReadAsync(
                    client, helloBuffer, early.Length, options.MaxClientHelloBytes, options.ClientHelloTimeout, stop);
            }
            catch (TlsClientHelloRefusedException refusal)
            {
                RefuseProtocol(target, refusal.Message);
                return;
            }

            if (ServerNameProblem(target, hello) is { } problem)
            {
                RefuseProtocol(target, problem);
                return;
            }

            await UpstreamDialer.SendAllAsync(upstream, helloBuffer.AsMemory(0, received), stop);
            if (!await PassServerAnswerAsync(target, upstream, helloBuffer, down.AsMemory(0, options.RelayBufferBytes), stop))
            {
                return;
            }

            await SocketRelay.RelayAsync(
                client, upstream, up.AsMemory(0, options.RelayBufferBytes), down.AsMemory(0, options.RelayBufferBytes), stop);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(helloBuffer);
            ArrayPool<byte>.Shared.Return(up);
            ArrayPool<byte>.Shared.Return(down);
        }
    }

    /// <summary>
    /// Passes the server's first answer to the client and, when it is a HelloRetryRequest, reads the client's second
    /// ClientHello and holds it to the same server name check as the first before forwarding it.
    /// </summary>
    /// <returns>True when the tunnel may go on as a plain relay; false when it is over (refused, or the server left).</returns>
    private async Task<bool> PassServerAnswerAsync(NetworkTarget target, Socket upstream, byte[] helloBuffer, Memory<byte> serverBuffer, CancellationToken stop)
    {
        TlsClientHello secondHello;
        int received;
        try
        {
            // The client's bytes wait in its socket meanwhile: nothing more of them is relayed until this is decided.
            var (answered, closed) = await TlsServerFirstFlight.ReadAsync(upstream, serverBuffer, options.ClientHelloTimeout, stop);
            if (closed)
            {
                await UpstreamDialer.SendAllAsync(client, serverBuffer[..answered], stop);
                return false;
            }

            var retry = TlsServerFirstFlight.IsHelloRetryRequest(serverBuffer.Span[..answered]);
            await UpstreamDialer.SendAllAsync(client, serverBuffer[..answered], stop);
            if (!retry)
            {
                return true;
            }

            (secondHello, received) = await TlsClientHelloReader.ReadAsync(
                client, helloBuffer, 0, options.MaxClientHelloBytes, options.ClientHelloTimeout, stop, afterHelloRetry: true);
        }
        catch (TlsClientHelloRefusedException refusal)
        {
            RefuseProtocol(target, refusal.Message);
            return false;
        }

        if (ServerNameProblem(target, secondHello) is { } problem)
        {
            RefuseProtocol(target, "after a HelloRetryRequest, " + problem);
            return false;
        }

        await UpstreamDialer.SendAllAsync(upstream, helloBuffer.AsMemory(0, received), stop);
        return true;
    }

    /// <summary>
    /// Why the ClientHello does not match the CONNECT host, or null when it does: so an allowed CDN address cannot be
    /// used to reach another site on it (domain fronting), nor a hidden name behind ECH.
    /// </summary>
    internal static string? ServerNameProblem(NetworkTarget target, TlsClientHello hello)
    {
        if (hello.OffersEncryptedClientHello)
        {
            return "the ClientHello offers Encrypted Client Hello, which hides the real server name";
        }

        if (hello.ServerName is not { } name)
        {
            // TLS clients send no server name for an IP literal (RFC 6066 §3), so there is nothing to compare.
            return target.Address is null ? $"the ClientHello names no server, but the CONNECT host is {target.Host}" : null;
        }

        // Compared as the CONNECT host was made canonical: case-insensitively, one trailing dot ignored.
        var canonical = (name.EndsWith('.') ? name[..^1] : name).ToLowerInvariant();
        return canonical == target.Host ? null : $"the ClientHello names {name}, not the CONNECT host {target.Host}";
    }

    private async Task ForwardAsync(ProxyRequestHead request, ReadOnlyMemory<byte> early, CancellationToken stop)
    {
        var (target, originForm) = ProxyAuthority.ParseAbsoluteUri(request.Target);
        var hosts = request.Values("Host").ToList();
        if (hosts.Count != 1)
        {
            throw new ProxyRequestRejectedException(400, "the request needs exactly one Host header");
        }

        if (ProxyAuthority.Parse(hosts[0], 80) != target)
        {
            throw new ProxyRequestRejectedException(400, $"the Host header {hosts[0]} does not match the request's URI");
        }

        var bodyLength = BodyLength(request);
        using var upstream = await DecideAndDialAsync(target, EgressRequestKind.PlainHttp, stop);
        if (upstream is null)
        {
            return;
        }

        await UpstreamDialer.SendAllAsync(upstream, OriginRequestHead(request, target, originForm, bodyLength), stop);
        var up = ArrayPool<byte>.Shared.Rent(options.RelayBufferBytes);
        var down = ArrayPool<byte>.Shared.Rent(options.RelayBufferBytes);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(stop);
        try
        {
            var requestSide = SendBodyThenDiscardAsync(upstream, early, bodyLength, up.AsMemory(0, options.RelayBufferBytes), done);
            await SocketRelay.PumpAsync(upstream, client, down.AsMemory(0, options.RelayBufferBytes), long.MaxValue, shutdownWhenDone: true, done.Token);
            await done.CancelAsync();
            await requestSide;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(up);
            ArrayPool<byte>.Shared.Return(down);
        }
    }

    /// <summary>
    /// Forwards exactly <paramref name="bodyLength"/> bytes of body, then reads and drops whatever else the client
    /// sends until the response is over. A client that ends or fails mid-body cancels the exchange.
    /// </summary>
    private async Task SendBodyThenDiscardAsync(Socket upstream, ReadOnlyMemory<byte> early, long bodyLength, Memory<byte> buffer, CancellationTokenSource done)
    {
        try
        {
            var fromEarly = (int)Math.Min(early.Length, bodyLength);
            await UpstreamDialer.SendAllAsync(upstream, early[..fromEarly], done.Token);
            var remaining = bodyLength - fromEarly;
            if (remaining > 0 &&
                await SocketRelay.PumpAsync(client, upstream, buffer, remaining, shutdownWhenDone: false, done.Token) < remaining)
            {
                await done.CancelAsync();
                return;
            }

            while (await client.ReceiveAsync(buffer, SocketFlags.None, done.Token) > 0)
            {
                // Dropped: a pipelined second request never rides on the first one's decision.
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            await done.CancelAsync();
        }
    }

    /// <summary>The request's body length by its one Content-Length (0 without); other framings are refused.</summary>
    private static long BodyLength(ProxyRequestHead request)
    {
        if (request.Values("Transfer-Encoding").Any())
        {
            // Chunked (or any coded) request bodies are where front and back ends disagree on framing; refuse them all.
            throw new ProxyRequestRejectedException(501, "request bodies with Transfer-Encoding are not supported; send Content-Length");
        }

        var connectionOptions = ConnectionOptions(request);
        if (connectionOptions.Contains("Content-Length") || connectionOptions.Contains("Host"))
        {
            // Dropping a framing header on the client's say-so would turn the body into a second request upstream.
            throw new ProxyRequestRejectedException(400, "the Connection header names Content-Length or Host");
        }

        var lengths = request.Values("Content-Length").ToList();
        if (lengths.Count == 0)
        {
            return 0;
        }

        if (lengths.Count > 1 || lengths[0].Length is 0 or > 18 || lengths[0].AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            throw new ProxyRequestRejectedException(400, "the request needs at most one Content-Length, of decimal digits only");
        }

        return long.Parse(lengths[0], NumberStyles.None, CultureInfo.InvariantCulture);
    }

    private static HashSet<string> ConnectionOptions(ProxyRequestHead request) =>
        request.Values("Connection")
            .SelectMany(value => value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The request as the destination gets it: origin-form, the checked host in <c>Host</c>, no hop-by-hop or
    /// <c>Proxy-*</c> header, the body length restated, and <c>Connection: close</c>.
    /// </summary>
    private static byte[] OriginRequestHead(ProxyRequestHead request, NetworkTarget target, string originForm, long bodyLength)
    {
        var connectionOptions = ConnectionOptions(request);
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"{request.Method} {originForm} HTTP/1.1\r\n");
        var host = target.Address is { AddressFamily: AddressFamily.InterNetworkV6 } ? $"[{target.Host}]" : target.Host;
        head.Append(CultureInfo.InvariantCulture, $"Host: {host}{(target.Port == 80 ? "" : ":" + target.Port.ToString(CultureInfo.InvariantCulture))}\r\n");
        foreach (var header in request.Headers)
        {
            if (DroppedHeaders.Contains(header.Name) || connectionOptions.Contains(header.Name) ||
                header.Name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            head.Append(header.Name).Append(": ").Append(header.Value).Append("\r\n");
        }

        if (request.Values("Content-Length").Any())
        {
            head.Append(CultureInfo.InvariantCulture, $"Content-Length: {bodyLength}\r\n");
        }

        head.Append("Connection: close\r\n\r\n");
        return Encoding.Latin1.GetBytes(head.ToString());
    }

    /// <summary>The gate's permit; a gate that throws or answers out of shape is a refusal (it must not, but fail closed).</summary>
    private async Task<EgressPermit> DecideAsync(NetworkTarget target, EgressRequestKind kind, CancellationToken stop)
    {
        EgressPermit? permit;
        try
        {
            permit = await gate.DecideAsync(target, kind, stop).WaitAsync(stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception)
        {
            EgressProxyLog.GateFailed(logger, target, exception);
            permit = null;
        }

        return permit switch
        {
            { Allowed: true, Addresses.Count: > 0 } => permit,
            { Allowed: false, RefusalMessage: { Length: > 0 } } => permit,
            _ => EgressPermit.Refuse($"AgentExec refused the connection to {target}: the network decision failed."),
        };
    }

    private void RefuseProtocol(NetworkTarget target, string reason)
    {
        EgressProxyLog.ProtocolRefused(logger, target, reason);
        try
        {
            options.OnProtocolRefusal?.Invoke(new EgressProtocolRefusal(target, EgressRequestKind.Connect, reason));
        }
        catch (Exception exception)
        {
            EgressProxyLog.RefusalCallbackFailed(logger, exception);
        }
    }

    /// <summary>Answers with a short text response and half-closes; best effort, since the client may be gone.</summary>
    private async Task RespondAsync(int status, string text, CancellationToken stop)
    {
        await ProxyResponse.SendAsync(client, status, text, options.HeaderTimeout, stop);
    }
}
