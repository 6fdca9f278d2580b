using System.Globalization;
using AgentExec.Core.Text;
using Microsoft.Extensions.Logging;

namespace AgentExec.Cli.Hosting;

/// <summary>
/// Writes each entry as one line, <c>HH:mm:ss level: category[event] message</c>, synchronously (the same shape the
/// console logger's single-line format gives, so logs read as before). Filtering by level and category is the
/// factory's (<see cref="StderrLogging"/>).
/// </summary>
internal sealed class StderrLoggerProvider(TextWriter writer, TimeProvider clock) : ILoggerProvider
{
    private readonly Lock _writing = new();

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new StderrLogger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
        // Nothing buffered: every entry is written and flushed as it is logged.
    }

    private void Write(LogLevel level, string category, EventId eventId, string message, Exception? exception)
    {
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{clock.GetLocalNow():HH:mm:ss} {LevelName(level)}: {category}[{eventId.Id}] {message}");
        if (exception is not null)
        {
            line += " " + exception;
        }

        // One entry, one line, and no terminal controls: a message or an exception may span several lines, and text
        // from the client (a tool name the SDK logs) may carry escape sequences. Escaping is idempotent on what is
        // escaped already (a backslash is kept as is), so messages that escaped their untrusted parts read the same.
        line = UntrustedText.EscapeLine(line);

        lock (_writing)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };

    private sealed class StderrLogger(StderrLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        // The factory has filtered already; a provider-level check would repeat it.
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write(logLevel, category, eventId, formatter(state, exception), exception);
            }
        }
    }
}
