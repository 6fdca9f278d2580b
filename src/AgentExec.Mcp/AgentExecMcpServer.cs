using System.Reflection;
using AgentExec.Core.Pipeline;
using AgentExec.Mcp.Mrtr;
using AgentExec.Mcp.Session;
using AgentExec.Mcp.Tools;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentExec.Mcp;

/// <summary>Assembles the MCP server around a pipeline: for the stdio host of <c>agentexec serve</c>, and for tests over any streams.</summary>
public static class AgentExecMcpServer
{
    /// <summary>The server's name in <c>serverInfo</c> (SPEC.md "Names and layout").</summary>
    public const string ServerName = "agentexec";

    /// <summary>Runs the stdio server until the client disconnects or the process is asked to stop.</summary>
    /// <param name="pipeline">The pipeline every call goes through.</param>
    /// <param name="loggerFactory">Where the server and the tool log (stderr only: stdout is the protocol).</param>
    /// <param name="cancellationToken">Stops the server.</param>
    /// <remarks>
    /// One session over one transport needs no Generic Host: building and starting one cost about 13 ms of CPU before
    /// <c>initialize</c> could be answered (a dependency-injection container, configuration, a second logging set-up).
    /// Nothing is read from the working directory either way; it may be the agent-writable workspace.
    /// </remarks>
    public static async Task RunStdioAsync(ExecPipeline pipeline, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        using var connection = new ClientConnection();
        var transport = CreateTransport(Console.OpenStandardInput(), new BufferedStream(Console.OpenStandardOutput()), loggerFactory);
        await using (transport.ConfigureAwait(false))
        {
            var server = Create(transport, pipeline, connection, TimeProvider.System, loggerFactory);
            await using (server.ConfigureAwait(false))
            {
                // Returns when stdin ends: the connection is marked gone at once (Create watches the reader), so a
                // handler waiting on an answer is released and the SDK's wait for in-flight handlers ends.
                await server.RunAsync(cancellationToken).ConfigureAwait(false);

                // Stopping for another reason (a signal) ends the session all the same: nobody can answer any more. Then
                // wait for the calls that were waiting on a 2026-07-28 retry, which the SDK does not know of, to record
                // how they ended (they end at once, their questions denied as disconnected).
                connection.MarkDisconnected();
                await connection.WhenTrackedWorkEndsAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The transport over the client's two streams (stdio for <c>serve</c>, in-memory pipes in tests): the SDK's stream
    /// transport, reading through <see cref="TwoMeaningResponseFilter"/>, so that a response that names a member twice
    /// counts as no answer.
    /// </summary>
    public static ITransport CreateTransport(Stream clientInput, Stream clientOutput, ILoggerFactory loggerFactory) =>
        new StreamServerTransport(new TwoMeaningResponseFilter(clientInput), clientOutput, ServerName, loggerFactory);

    /// <summary>Creates a server over an arbitrary transport (in-memory pipes in tests), watching it for disconnects.</summary>
    public static McpServer Create(ITransport transport, ExecPipeline pipeline, ClientConnection connection, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var ordered = new HandshakeOrderTransport(transport);
        var options = new McpServerOptions();
        Configure(options);
        options.Filters.Message.IncomingFilters.Add(ToolCallGate.Filter);
        var suspendedCalls = new SuspendedCalls(pipeline, connection, timeProvider);
        options.ToolCollection = [new ShellTool(pipeline, connection, suspendedCalls, timeProvider, loggerFactory.CreateLogger<ShellTool>())];
        connection.Watch(ordered.MessageReader.Completion);
        return McpServer.Create(ordered, options, loggerFactory);
    }

    /// <summary>
    /// Builds the MCP SDK's protocol metadata (the source-generated JSON type information of <c>initialize</c>,
    /// <c>tools/list</c>, <c>tools/call</c> and the rest) by creating a server over a transport that carries nothing,
    /// and disposing it unused.
    /// </summary>
    /// <remarks>
    /// The metadata is built once per process, on first use, inside <see cref="McpServer.Create"/>, and the SDK keeps
    /// it in static caches that only its own constructor can reach. That is about 3 ms of CPU between the spawn and
    /// the <c>initialize</c> result (issue 12, perf). <c>serve</c> runs this on a second core while it loads its
    /// settings, so the real server finds it built. Nothing is read or written: the server is never run.
    /// </remarks>
    /// <returns>A task that completes when the metadata is built; it never faults (a failure only means no head start).</returns>
    public static Task WarmUpAsync() => Task.Run(static async () =>
    {
        try
        {
            var transport = new StreamServerTransport(Stream.Null, Stream.Null, ServerName);
            await using (transport.ConfigureAwait(false))
            {
                var options = new McpServerOptions();
                Configure(options);
                options.ToolCollection = [];
                var server = McpServer.Create(transport, options);
                await server.DisposeAsync().ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // A head start only: the real server builds the same metadata itself, and reports what fails there.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    });

    private static void Configure(McpServerOptions options)
    {
        options.ServerInfo = new Implementation
        {
            Name = ServerName,
            Version = typeof(AgentExecMcpServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0",
        };
        options.ServerInstructions =
            "Run shell commands with the `shell` tool. Commands run in a sandbox; commands the policy does not allow are "
            + "put to the user for approval, and a denied or aborted command does not run. After an abort, stop and wait for the user.";
    }
}
