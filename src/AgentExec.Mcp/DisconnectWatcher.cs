using Microsoft.Extensions.Hosting;
using ModelContextProtocol.Protocol;

namespace AgentExec.Mcp;

/// <summary>
/// Ends the stdio server when the client's input ends: marks the connection gone (so pending questions are
/// denied and running commands killed at once) and stops the host (SPEC.md: "the stdio server exits").
/// </summary>
/// <remarks>
/// Needed because the SDK waits for every in-flight handler before failing pending server→client requests,
/// so a handler waiting on an answer would otherwise keep the process alive forever after EOF.
/// </remarks>
internal sealed class DisconnectWatcher(ITransport transport, ClientConnection connection, IHostApplicationLifetime lifetime) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        connection.Watch(transport.MessageReader.Completion);
        connection.Disconnected.Register(lifetime.StopApplication);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
