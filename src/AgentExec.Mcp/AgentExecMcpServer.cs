using System.Reflection;
using AgentExec.Core.Pipeline;
using AgentExec.Mcp.Tools;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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
    /// <param name="configureLogging">Adds the logging providers (stderr only: stdout is the protocol).</param>
    /// <param name="cancellationToken">Stops the server.</param>
    public static async Task RunStdioAsync(ExecPipeline pipeline, Action<ILoggingBuilder> configureLogging, CancellationToken cancellationToken)
    {
        // The empty builder reads no appsettings.json and no command line: the working directory may be the
        // agent-writable workspace, and nothing in it may configure the server.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        configureLogging(builder.Logging);
        builder.Services.AddSingleton<ClientConnection>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(pipeline);
        builder.Services.AddHostedService<DisconnectWatcher>();
        builder.Services
            .AddMcpServer(options => Configure(options))
            .WithStdioServerTransport();
        builder.Services.AddSingleton<McpServerTool>(services => new ShellTool(
            pipeline,
            services.GetRequiredService<ClientConnection>(),
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILoggerFactory>().CreateLogger<ShellTool>()));

        using var host = builder.Build();
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates a server over an arbitrary transport (in-memory pipes in tests), watching it for disconnects.</summary>
    public static McpServer Create(ITransport transport, ExecPipeline pipeline, ClientConnection connection, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        var options = new McpServerOptions();
        Configure(options);
        options.ToolCollection = [new ShellTool(pipeline, connection, timeProvider, loggerFactory.CreateLogger<ShellTool>())];
        connection.Watch(transport.MessageReader.Completion);
        return McpServer.Create(transport, options, loggerFactory);
    }

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
