using Microsoft.Extensions.Logging;

namespace AgentExec.Tests.Core.Policy;

/// <summary>A logger that keeps what it was told, for assertions.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly List<(LogLevel Level, string Message)> entries = [];
    private readonly Lock entriesLock = new();

    public IReadOnlyList<(LogLevel Level, string Message)> Entries
    {
        get
        {
            lock (entriesLock)
            {
                return entries.ToArray();
            }
        }
    }

    public IEnumerable<string> MessagesAt(LogLevel level) =>
        Entries.Where(entry => entry.Level == level).Select(entry => entry.Message);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (entriesLock)
        {
            entries.Add((logLevel, formatter(state, exception)));
        }
    }
}
