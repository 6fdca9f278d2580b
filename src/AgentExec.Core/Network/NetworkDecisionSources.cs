namespace AgentExec.Core.Network;

/// <summary>
/// The <c>source</c> of a <c>network_decision</c> audit event: which rule or whom the decision came from. One place,
/// so the audit log, the tool result and the tests speak the same words.
/// </summary>
public static class NetworkDecisionSources
{
    /// <summary>The host matched <c>denied_domains</c> (deny wins over allow).</summary>
    public const string DeniedDomains = "denied_domains";

    /// <summary>The host matched <c>allowed_domains</c> or <c>--allow-domain</c>.</summary>
    public const string AllowedDomains = "allowed_domains";

    /// <summary>The literal, or a DNS answer, is in a refused range (loopback, private, metadata…) and not exactly allow-listed.</summary>
    public const string RefusedAddress = "refused_address";

    /// <summary>The name did not resolve, or resolved to nothing usable.</summary>
    public const string ResolutionFailed = "resolution_failed";

    /// <summary>The request was not understood well enough to decide (bad target, TLS name mismatch, ECH…).</summary>
    public const string Protocol = "protocol";

    /// <summary>An earlier <c>approved_for_session</c> answer for this <c>host:port</c>.</summary>
    public const string Session = "session";

    /// <summary>The human's answer to this connection's question (approved or denied).</summary>
    public const string Human = "human";

    /// <summary>Nobody could be asked, or the question was not answered in time, or was answered in a shape that denies.</summary>
    public const string NoAnswer = "no_answer";
}
