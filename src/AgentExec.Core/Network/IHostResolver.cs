using System.Net;

namespace AgentExec.Core.Network;

/// <summary>Looks a DNS name up for <see cref="NetworkRuleCheck"/>; a seam so tests can answer with any address.</summary>
public interface IHostResolver
{
    /// <summary>Every address <paramref name="host"/> resolves to (IPv4 and IPv6).</summary>
    /// <param name="host">A canonical DNS name (never an IP literal).</param>
    /// <param name="cancellationToken">Cancelled when the check gives up (its timeout, or the call ended).</param>
    /// <returns>The addresses; may throw on failure, which the check reads as a failed lookup.</returns>
    Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken cancellationToken);
}
