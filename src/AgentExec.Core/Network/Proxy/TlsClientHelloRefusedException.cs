namespace AgentExec.Core.Network.Proxy;

/// <summary>The first bytes of a tunnel were not a ClientHello the proxy could read in full, within its bounds.</summary>
internal sealed class TlsClientHelloRefusedException(string reason) : Exception(reason);
