using AgentExec.Core.Approval;
using AgentExec.Core.Network;

namespace AgentExec.Core.Pipeline;

/// <summary>
/// What the pipeline needs to run a sandboxed command behind a per-call egress proxy (SPEC.md "Network allow-list"):
/// present only when the settings carry an allow-list.
/// </summary>
/// <param name="Rules">The deny and allow lists and the address check.</param>
/// <param name="ProxyHost">Starts the proxy of one run on its Unix socket.</param>
public sealed record PipelineEgress(INetworkRuleCheck Rules, IEgressProxyHost ProxyHost)
{
    /// <summary>The <c>host:port</c> destinations approved for the session; lives as long as the process.</summary>
    public NetworkApprovals SessionApprovals { get; init; } = new();
}
