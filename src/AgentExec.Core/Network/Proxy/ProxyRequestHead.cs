namespace AgentExec.Core.Network.Proxy;

/// <summary>A request line and its headers, read strictly (see <see cref="ProxyRequestHeadParser"/>).</summary>
/// <param name="Method">The method token, as sent (methods are case-sensitive).</param>
/// <param name="Target">The request target: an authority for CONNECT, an absolute URI otherwise.</param>
/// <param name="Headers">The headers in order.</param>
internal sealed record ProxyRequestHead(string Method, string Target, IReadOnlyList<ProxyHeader> Headers)
{
    /// <summary>The values of every header called <paramref name="name"/> (case-insensitive), in order.</summary>
    public IEnumerable<string> Values(string name) =>
        Headers.Where(header => header.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(header => header.Value);
}
