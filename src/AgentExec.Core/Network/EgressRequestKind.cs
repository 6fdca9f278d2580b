namespace AgentExec.Core.Network;

/// <summary>How a sandboxed command asked the egress proxy for a destination.</summary>
public enum EgressRequestKind
{
    /// <summary>An HTTP <c>CONNECT host:port</c> tunnel (HTTPS and other TLS).</summary>
    Connect,

    /// <summary>One plain-HTTP request forwarded by its <c>Host</c> header.</summary>
    PlainHttp,
}
