namespace AgentExec.Core.Network;

/// <summary>How a <see cref="HostPattern"/> matches a host.</summary>
public enum HostPatternKind
{
    /// <summary>The host itself: a DNS name or an IP literal, compared in its canonical spelling.</summary>
    Exact,

    /// <summary><c>*.example.com</c>: any name below the suffix, never the suffix itself.</summary>
    Subdomains,
}
