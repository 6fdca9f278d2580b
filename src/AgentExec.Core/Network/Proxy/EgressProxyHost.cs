using Microsoft.Extensions.Logging;

namespace AgentExec.Core.Network.Proxy;

/// <summary>
/// The real <see cref="IEgressProxyHost"/>: one <see cref="EgressProxy"/> per sandboxed run, on the run's own Unix
/// socket, asking the run's gate, with the user's bounds and upstream proxy.
/// </summary>
/// <param name="options">The bounds and the upstream proxy shared by every run.</param>
/// <param name="logger">Where the proxy logs what it refuses and why.</param>
public sealed class EgressProxyHost(EgressProxyOptions options, ILogger logger) : IEgressProxyHost
{
    /// <inheritdoc />
    public Task<IAsyncDisposable> StartAsync(string socketPath, IEgressGate gate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gate);
        cancellationToken.ThrowIfCancellationRequested();

        // A refusal by the proxy's own checks (the TLS server name) is a decision of the run's gate: recorded before
        // the proxy goes on, so the audit log holds it before the run's end is written.
        var perRun = options with
        {
            OnProtocolRefusal = refusal => gate.RecordRefusalAsync(refusal.Target, refusal.Kind, refusal.Reason).GetAwaiter().GetResult(),
        };
        return Task.FromResult<IAsyncDisposable>(EgressProxy.Start(socketPath, gate, perRun, logger));
    }
}
