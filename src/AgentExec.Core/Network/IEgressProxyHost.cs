namespace AgentExec.Core.Network;

/// <summary>
/// Starts one call's egress proxy (SPEC.md "Network allow-list"): listening on a host-side Unix socket that the sandbox
/// relays to, asking <see cref="IEgressGate"/> about every destination. The pipeline starts it before the command and
/// disposes it after the run.
/// </summary>
public interface IEgressProxyHost
{
    /// <summary>
    /// Listens on <paramref name="socketPath"/> (which does not exist yet, in a directory only this user can reach)
    /// and serves the command's connections through <paramref name="gate"/> until the returned handle is disposed;
    /// disposing it closes the socket and every connection still open.
    /// </summary>
    /// <exception cref="Exception">It could not start; the pipeline then does not run the command.</exception>
    Task<IAsyncDisposable> StartAsync(string socketPath, IEgressGate gate, CancellationToken cancellationToken);
}
