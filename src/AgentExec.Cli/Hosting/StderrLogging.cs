using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace AgentExec.Cli.Hosting;

/// <summary>Logging for every subcommand: stderr only, because stdout is the MCP protocol (serve) or the command's own output (run).</summary>
internal static class StderrLogging
{
    /// <summary>Configures <paramref name="builder"/> to write single-line entries to stderr.</summary>
    public static void Configure(ILoggingBuilder builder, LogLevel minimumLevel)
    {
        builder.ClearProviders();
        builder.SetMinimumLevel(minimumLevel);
        // The SDK logs every request at Information; keep its chatter out unless something is wrong.
        builder.AddFilter("ModelContextProtocol", LogLevel.Warning);
        builder.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        builder.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss ";
            options.ColorBehavior = LoggerColorBehavior.Disabled;
        });
        builder.Services.Configure<ConsoleLoggerOptions>(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    /// <summary>A standalone factory with the same configuration.</summary>
    public static ILoggerFactory CreateFactory(LogLevel minimumLevel) =>
        Microsoft.Extensions.Logging.LoggerFactory.Create(builder => Configure(builder, minimumLevel));
}
