using AgentExec.Core.Network;

namespace AgentExec.Core.Pipeline;

/// <summary>One line of a result's <c>network</c> list (SPEC.md "Network allow-list"): a destination and what was decided.</summary>
/// <param name="Target">The destination, canonical.</param>
/// <param name="Allowed">True when the proxy was let through.</param>
public sealed record NetworkDecision(NetworkTarget Target, bool Allowed)
{
    /// <summary>The wire spelling of an allowed destination.</summary>
    public const string AllowedCode = "allowed";

    /// <summary>The wire spelling of a refused destination.</summary>
    public const string DeniedCode = "denied";

    /// <summary><c>allowed</c> or <c>denied</c>.</summary>
    public string DecisionCode => Allowed ? AllowedCode : DeniedCode;
}
