namespace AgentExec.Core.Network;

/// <summary>The three outcomes of the network lists and the address check.</summary>
public enum NetworkVerdictKind
{
    /// <summary>Refused: on the deny list, a refused address, or not understood. Never asked.</summary>
    Refused,

    /// <summary>Allowed without a question: on the allow list (and its addresses pass the check).</summary>
    Allowed,

    /// <summary>On neither list and its addresses pass the check: a human decides.</summary>
    Ask,
}
