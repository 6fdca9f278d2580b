namespace AgentExec.Core.Network;

/// <summary>
/// The network allow-list in force (SPEC.md "Network allow-list"): <c>allowed_domains</c> (the user config's and
/// <c>--allow-domain</c>'s), <c>denied_domains</c> (the user config's and the workspace config's) and the optional
/// upstream proxy.
/// </summary>
/// <remarks>
/// Present at all means the sandbox keeps its private network namespace and reaches out only through the egress proxy,
/// even when <see cref="AllowedDomains"/> is empty (then every host that passes the address check is asked).
/// </remarks>
/// <param name="AllowedDomains">Hosts let through without a question, in the order given, without duplicates.</param>
/// <param name="DeniedDomains">Hosts refused whatever else says, in the order given, without duplicates.</param>
/// <param name="Upstream">The proxy the egress proxy chains to; null to connect directly.</param>
public sealed record NetworkLists(IReadOnlyList<HostPattern> AllowedDomains, IReadOnlyList<HostPattern> DeniedDomains, UpstreamProxy? Upstream)
{
    /// <summary>An allow-list with no entries: every host is asked.</summary>
    public static NetworkLists Empty { get; } = new([], [], null);

    /// <summary>True when a <c>denied_domains</c> entry refuses <paramref name="target"/> (deny wins over allow).</summary>
    public bool IsDenied(NetworkTarget target) => FindDenying(target) is not null;

    /// <summary>True when an <c>allowed_domains</c> entry lets <paramref name="target"/> through (host, and port or 80/443).</summary>
    public bool IsAllowed(NetworkTarget target) => FindAllowing(target) is not null;

    /// <summary>
    /// True when an <c>allowed_domains</c> entry names exactly <paramref name="target"/>'s host (or IP) and, explicitly,
    /// its port: the strict reading of SPEC.md's "that exact host (or IP) and port", and the only way through for a
    /// refused address.
    /// </summary>
    public bool IsExactlyAllowed(NetworkTarget target) => FindExactlyAllowing(target) is not null;

    /// <summary>The first <c>denied_domains</c> entry that refuses <paramref name="target"/>, or null.</summary>
    public HostPattern? FindDenying(NetworkTarget target) => DeniedDomains.FirstOrDefault(entry => entry.DeniesTarget(target));

    /// <summary>The first <c>allowed_domains</c> entry that lets <paramref name="target"/> through, or null.</summary>
    public HostPattern? FindAllowing(NetworkTarget target) => AllowedDomains.FirstOrDefault(entry => entry.AllowsTarget(target));

    /// <summary>The first <c>allowed_domains</c> entry that names exactly <paramref name="target"/>'s host and port, or null.</summary>
    public HostPattern? FindExactlyAllowing(NetworkTarget target) => AllowedDomains.FirstOrDefault(entry => entry.NamesExactly(target));
}
