using System.Net;

namespace AgentExec.Core.Network;

/// <summary>The host's resolver (<see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/>, i.e. <c>getaddrinfo</c>).</summary>
public sealed class DnsHostResolver : IHostResolver
{
    /// <summary>The one instance; it holds no state.</summary>
    public static DnsHostResolver Instance { get; } = new();

    /// <inheritdoc />
    public async Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken cancellationToken) =>
        await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
}
