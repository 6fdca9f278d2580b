using System.Collections.Concurrent;
using AgentExec.Core.Network;

namespace AgentExec.Tests.Network.Proxy;

/// <summary>An <see cref="IEgressGate"/> that records every question and answers with the test's function.</summary>
internal sealed class FakeEgressGate(Func<NetworkTarget, EgressRequestKind, CancellationToken, Task<EgressPermit>> decide) : IEgressGate
{
    /// <summary>A gate that allows everything, to the given addresses.</summary>
    public FakeEgressGate(params System.Net.IPAddress[] addresses)
        : this((_, _, _) => Task.FromResult(EgressPermit.Allow(addresses)))
    {
    }

    /// <summary>What the proxy asked, in order.</summary>
    public ConcurrentQueue<(NetworkTarget Target, EgressRequestKind Kind)> Asked { get; } = new();

    /// <summary>The refusals the proxy reported after an allowing decision, in order.</summary>
    public ConcurrentQueue<(NetworkTarget Target, EgressRequestKind Kind, string Reason)> Refusals { get; } = new();

    public Task<EgressPermit> DecideAsync(NetworkTarget target, EgressRequestKind kind, CancellationToken cancellationToken)
    {
        Asked.Enqueue((target, kind));
        return decide(target, kind, cancellationToken);
    }

    public Task RecordRefusalAsync(NetworkTarget target, EgressRequestKind kind, string reason)
    {
        Refusals.Enqueue((target, kind, reason));
        return Task.CompletedTask;
    }
}
