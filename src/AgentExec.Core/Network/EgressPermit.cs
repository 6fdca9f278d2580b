using System.Net;

namespace AgentExec.Core.Network;

/// <summary>The gate's answer for one connection or request: go to these addresses, or refuse with this message.</summary>
/// <param name="Allowed">True when the proxy may connect.</param>
/// <param name="Addresses">The checked addresses to connect to (in order); empty when refused.</param>
/// <param name="RefusalMessage">
/// When refused: what the command sees in the proxy's <c>403</c> body, naming the host and how the human can allow it.
/// </param>
public sealed record EgressPermit(bool Allowed, IReadOnlyList<IPAddress> Addresses, string? RefusalMessage)
{
    /// <summary>A refusal with its message.</summary>
    public static EgressPermit Refuse(string message) => new(false, [], message);

    /// <summary>A permit for the checked addresses.</summary>
    public static EgressPermit Allow(IReadOnlyList<IPAddress> addresses) => new(true, addresses, null);
}
