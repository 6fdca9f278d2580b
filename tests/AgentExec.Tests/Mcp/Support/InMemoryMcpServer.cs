using System.IO.Pipelines;
using AgentExec.Core.Pipeline;
using AgentExec.Mcp;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentExec.Tests.Mcp.Support;

/// <summary>The real AgentExec MCP server over in-memory pipes, for the SDK client or a raw JSON-lines client.</summary>
internal sealed class InMemoryMcpServer : IAsyncDisposable
{
    private readonly Pipe _clientToServer = new();
    private readonly Pipe _serverToClient = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly McpServer _server;

    private InMemoryMcpServer(ExecPipeline pipeline, TimeProvider timeProvider)
    {
        Connection = new ClientConnection();
        var transport = AgentExecMcpServer.CreateTransport(_clientToServer.Reader.AsStream(), _serverToClient.Writer.AsStream(), NullLoggerFactory.Instance);
        _server = AgentExecMcpServer.Create(transport, pipeline, Connection, timeProvider, NullLoggerFactory.Instance);
        Running = _server.RunAsync(_stop.Token);
    }

    /// <summary>Knows when the client's input ended.</summary>
    public ClientConnection Connection { get; }

    /// <summary>Completes when the server's session loop ends.</summary>
    public Task Running { get; }

    /// <summary>What a client writes to the server.</summary>
    public Stream ClientOutput => _clientToServer.Writer.AsStream();

    /// <summary>What a client reads from the server.</summary>
    public Stream ClientInput => _serverToClient.Reader.AsStream();

    public static InMemoryMcpServer Start(ExecPipeline pipeline, TimeProvider? timeProvider = null) =>
        new(pipeline, timeProvider ?? TimeProvider.System);

    /// <summary>Connects the SDK's own client.</summary>
    public Task<McpClient> ConnectAsync(McpClientOptions options) =>
        McpClient.CreateAsync(new StreamClientTransport(ClientOutput, ClientInput), options);

    /// <summary>Connects a hand-driven client that can send shapes the SDK client cannot.</summary>
    public RawMcpClient ConnectRaw() => new(ClientOutput, ClientInput);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _clientToServer.Writer.CompleteAsync();
        try
        {
            await Running.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
        }

        Connection.Dispose();
        _stop.Dispose();
    }
}
