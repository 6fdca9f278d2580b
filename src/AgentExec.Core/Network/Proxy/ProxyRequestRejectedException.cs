namespace AgentExec.Core.Network.Proxy;

/// <summary>
/// A request the proxy will not serve, with the status to answer: thrown from deep in the parsing so every malformed
/// shape ends in one place, which answers and closes.
/// </summary>
internal sealed class ProxyRequestRejectedException : Exception
{
    /// <summary>Creates the rejection.</summary>
    public ProxyRequestRejectedException(int status, string reason)
        : base(reason)
    {
        Status = status;
    }

    /// <summary>The HTTP status to answer (400, 408, 411, 431, 501…).</summary>
    public int Status { get; }
}
