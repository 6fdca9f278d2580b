namespace AgentExec.Core.Network.Proxy;

/// <summary>What the proxy needs from a tunnel's first TLS message: the server name and whether ECH was offered.</summary>
/// <param name="ServerName">The one <c>host_name</c> of the server_name extension, as sent; null when there is none.</param>
/// <param name="OffersEncryptedClientHello">
/// True when the ClientHello carries <c>encrypted_client_hello</c> (0xfe0d) or the older draft <c>encrypted_server_name</c>
/// (0xffce): the real server name would then be hidden inside, so the visible one proves nothing.
/// </param>
internal sealed record TlsClientHello(string? ServerName, bool OffersEncryptedClientHello);
