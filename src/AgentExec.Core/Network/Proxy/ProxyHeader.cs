namespace AgentExec.Core.Network.Proxy;

/// <summary>One request header as received: the name, and the value without surrounding blanks (Latin-1, byte for byte).</summary>
internal readonly record struct ProxyHeader(string Name, string Value);
