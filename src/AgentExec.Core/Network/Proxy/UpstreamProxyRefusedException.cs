namespace AgentExec.Core.Network.Proxy;

/// <summary>The configured upstream proxy did not open the tunnel (an error status, or an answer out of shape).</summary>
internal sealed class UpstreamProxyRefusedException(string reason) : Exception(reason);
