namespace AgentExec.Core.Network.Proxy;

/// <summary>The bounds and the optional upstream of one <see cref="EgressProxy"/>; every bound has a safe default.</summary>
/// <remarks>
/// Every limit exists because the client is the sandboxed command, which is hostile: without a bound, one slow or
/// oversized request would hold memory or a connection slot for the whole call.
/// </remarks>
public sealed record EgressProxyOptions
{
    /// <summary>The defaults: 256 connections, 16 KiB heads and ClientHellos, 10 s timeouts, no upstream proxy.</summary>
    public static EgressProxyOptions Default { get; } = new();

    /// <summary>Connections served at once; one more is answered <c>503</c> and closed.</summary>
    public int MaxConnections { get; init; } = 256;

    /// <summary>The most bytes a request line and its headers may take (the blank line included); more is <c>431</c>.</summary>
    public int MaxHeaderBytes { get; init; } = 16 * 1024;

    /// <summary>
    /// The most bytes of TLS records the first ClientHello of a tunnel may take (record headers included); more is
    /// refused, since the server name check needs the whole message.
    /// </summary>
    public int MaxClientHelloBytes { get; init; } = 16 * 1024;

    /// <summary>The buffer each relay direction of a connection uses; the memory a long transfer holds stays this size.</summary>
    public int RelayBufferBytes { get; init; } = 32 * 1024;

    /// <summary>
    /// How long a client has, from connecting, to send its whole request head (a deadline, not an idle timeout, so a
    /// client trickling one byte at a time cannot hold the slot); then <c>408</c>.
    /// </summary>
    public TimeSpan HeaderTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a tunnel's client has, after <c>200 Connection Established</c>, to send its whole ClientHello.</summary>
    public TimeSpan ClientHelloTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one connection attempt to one address (or to the upstream proxy, with its answer) may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long <see cref="EgressProxy.DisposeAsync"/> waits for the closed connections' tasks to end.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// An <c>http://host:port</c> proxy to reach the outside through, or null to connect directly. Both tunnels and
    /// plain-HTTP requests go through it as <c>CONNECT address:port</c> of the address the gate checked.
    /// </summary>
    public Uri? UpstreamProxy { get; init; }

    /// <summary>
    /// Called when a destination the gate allowed is refused by the proxy's own protocol checks (a TLS server name
    /// that differs from the CONNECT host, no server name, ECH, not TLS at all): the integrator audits it. It must not
    /// throw; an exception is logged and ignored (the connection is closed either way).
    /// </summary>
    public Action<EgressProtocolRefusal>? OnProtocolRefusal { get; init; }
}
