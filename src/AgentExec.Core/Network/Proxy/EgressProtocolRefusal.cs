namespace AgentExec.Core.Network.Proxy;

/// <summary>
/// A destination the gate allowed that the proxy then refused because the traffic did not match the decision: the
/// TLS server name is missing or differs from the CONNECT host, the client offered ECH, or the bytes were not TLS.
/// </summary>
/// <param name="Target">The CONNECT target the gate decided.</param>
/// <param name="Kind">How the client asked (always <see cref="EgressRequestKind.Connect"/> today).</param>
/// <param name="Reason">One line saying what was refused, for the audit log.</param>
public sealed record EgressProtocolRefusal(NetworkTarget Target, EgressRequestKind Kind, string Reason);
