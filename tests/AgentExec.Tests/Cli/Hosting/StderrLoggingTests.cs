using AgentExec.Cli.Hosting;
using AgentExec.Tests.TestSupport;
using Microsoft.Extensions.Logging;

namespace AgentExec.Tests.Cli.Hosting;

/// <summary>The hand-built stderr logging: one line per entry, the level floor, and the MCP SDK kept to warnings.</summary>
public sealed class StderrLoggingTests
{
    [Fact]
    public void An_entry_is_one_line_with_time_level_category_and_event()
    {
        var output = new StringWriter();
        using var factory = StderrLogging.CreateFactory(LogLevel.Information, output, new ManualTimeProvider());

        Entry(factory.CreateLogger("AgentExec.Sandbox"), LogLevel.Warning, 7, "first line\nsecond line");

        var line = Assert.Single(Lines(output));
        Assert.Matches(@"^\d\d:\d\d:\d\d warn: AgentExec\.Sandbox\[7\] first line\\nsecond line$", line);
    }

    [Fact]
    public void An_exception_stays_on_the_entry_line()
    {
        var output = new StringWriter();
        using var factory = StderrLogging.CreateFactory(LogLevel.Information, output, new ManualTimeProvider());

        Entry(factory.CreateLogger("AgentExec"), LogLevel.Error, 0, "the call failed", new InvalidOperationException("broken\nacross lines"));

        var line = Assert.Single(Lines(output));
        Assert.Contains("fail: AgentExec[0] the call failed System.InvalidOperationException: broken\\nacross lines", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Terminal_controls_from_a_client_are_escaped()
    {
        var output = new StringWriter();
        using var factory = StderrLogging.CreateFactory(LogLevel.Information, output, new ManualTimeProvider());

        Entry(factory.CreateLogger("ModelContextProtocol.Server.McpServer"), LogLevel.Warning, 0, "unknown tool \u001b]0;TITLE\u0007\u001b[31mevil\r\u2028");

        var line = Assert.Single(Lines(output));
        Assert.DoesNotContain(line, c => char.IsControl(c) || c == '\u2028');
        Assert.EndsWith(@"unknown tool \x1B]0;TITLE\x07\x1B[31mevil\x0D\u2028", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Entries_below_the_floor_are_dropped_and_the_sdk_is_kept_to_warnings()
    {
        var output = new StringWriter();
        using var factory = StderrLogging.CreateFactory(LogLevel.Information, output, new ManualTimeProvider());

        Entry(factory.CreateLogger("AgentExec"), LogLevel.Debug, 0, "debug entry");
        Entry(factory.CreateLogger("AgentExec"), LogLevel.Information, 0, "our information");
        Entry(factory.CreateLogger("ModelContextProtocol.Server.McpServer"), LogLevel.Information, 0, "sdk request chatter");
        Entry(factory.CreateLogger("ModelContextProtocol.Server.McpServer"), LogLevel.Warning, 0, "sdk warning");

        Assert.Collection(
            Lines(output),
            line => Assert.EndsWith("info: AgentExec[0] our information", line, StringComparison.Ordinal),
            line => Assert.EndsWith("warn: ModelContextProtocol.Server.McpServer[0] sdk warning", line, StringComparison.Ordinal));
    }

    // ILogger.Log itself, as the source-generated methods call it: the state is the message.
    private static void Entry(ILogger logger, LogLevel level, int eventId, string text, Exception? exception = null) =>
        logger.Log(level, new EventId(eventId), text, exception, static (state, _) => state);

    private static string[] Lines(StringWriter output) =>
        output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
