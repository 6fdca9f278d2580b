using System.Net;
using AgentExec.Core.Network;

namespace AgentExec.Benchmarks;

/// <summary>A gate that allows every destination at once, to 127.0.0.1: the proxy's own cost, without a decision's.</summary>
internal sealed class AllowAllGate : IEgressGate
{
    private static readonly Task<EgressPermit> Loopback = Task.FromResult(EgressPermit.Allow([IPAddress.Loopback]));

    public Task<EgressPermit> DecideAsync(NetworkTarget target, EgressRequestKind kind, CancellationToken cancellationToken) => Loopback;

    // The benchmark's traffic is plain HTTP, which the proxy's TLS checks never refuse.
    public Task RecordRefusalAsync(NetworkTarget target, EgressRequestKind kind, string reason) => Task.CompletedTask;
}
