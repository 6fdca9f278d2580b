using Microsoft.Extensions.Logging;

namespace AgentExec.Cli.Hosting;

/// <summary>Logging for every subcommand: stderr only, because stdout is the MCP protocol (serve) or the command's own output (run).</summary>
/// <remarks>
/// The factory is built by hand, not through <c>LoggerFactory.Create</c> and <c>AddSimpleConsole</c>: those build a
/// dependency-injection container whose open generics the Native AOT type loader resolves at run time, about 10 ms of
/// CPU at every start, and the console provider adds a writer thread. A handful of log lines per process need neither.
/// </remarks>
internal static class StderrLogging
{
    /// <summary>A factory writing single-line entries at <paramref name="minimumLevel"/> and above to stderr.</summary>
    public static ILoggerFactory CreateFactory(LogLevel minimumLevel) => CreateFactory(minimumLevel, Console.Error, TimeProvider.System);

    /// <summary>A factory writing single-line entries at <paramref name="minimumLevel"/> and above to <paramref name="writer"/>.</summary>
    public static ILoggerFactory CreateFactory(LogLevel minimumLevel, TextWriter writer, TimeProvider clock)
    {
        var filters = new LoggerFilterOptions { MinLevel = minimumLevel };
        // The MCP SDK logs every request at Information; keep its chatter out unless something is wrong.
        filters.Rules.Add(new LoggerFilterRule(providerName: null, categoryName: "ModelContextProtocol", LogLevel.Warning, filter: null));
        return new LoggerFactory([new StderrLoggerProvider(writer, clock)], filters);
    }
}
