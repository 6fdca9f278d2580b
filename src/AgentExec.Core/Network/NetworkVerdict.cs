using System.Net;

namespace AgentExec.Core.Network;

/// <summary>
/// What the network lists and the address check say about one <see cref="NetworkTarget"/> (SPEC.md "Network
/// allow-list"), before any human is asked.
/// </summary>
/// <param name="Kind">Allowed, refused, or to be asked.</param>
/// <param name="Source">Which rule decided (one of <see cref="NetworkDecisionSources"/>).</param>
/// <param name="Reason">One line for the audit log and the agent: which entry or which address range, in words.</param>
/// <param name="Addresses">
/// The addresses that were checked and that the proxy must connect to (never re-resolved); empty when refused.
/// </param>
public sealed record NetworkVerdict(NetworkVerdictKind Kind, string Source, string Reason, IReadOnlyList<IPAddress> Addresses);
