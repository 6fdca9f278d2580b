using System.Text;
using AgentExec.Cli.Hosting;
using AgentExec.Cli.Terminal;
using Microsoft.Extensions.Logging;

namespace AgentExec.Tests.Cli;

public sealed class SaneTerminalWriterTests
{
    // What an attack's command printed last: a two-line scroll region, then an unterminated DCS that swallows text.
    private const string HostileOutput = "done\n\u001b[7;8r\u001bP";

    [Fact]
    public async Task A_warning_after_the_commands_output_comes_after_one_reset()
    {
        // Arrange
        var (screen, ownWords, observer) = SharedTerminal(isTerminal: true);
        using var _ = observer;

        // Act: what agentexec run writes after the pipeline: the command's output, then the repository warning.
        observer.OnStdout(Encoding.UTF8.GetBytes(HostileOutput));
        await ownWords.WriteLineAsync("agentexec: Warning: nested/.git (new repository): config sets core.fsmonitor");
        await ownWords.WriteLineAsync("agentexec: a second line");

        // Assert
        Assert.Equal(
            HostileOutput + SaneTerminalWriter.ResetSequence
            + "agentexec: Warning: nested/.git (new repository): config sets core.fsmonitor\nagentexec: a second line\n",
            Shown(screen));
    }

    [Fact]
    public void A_log_line_after_the_commands_output_comes_after_a_reset_and_each_new_stretch_of_output_owes_another()
    {
        // Arrange: the logger of agentexec run writes through the same writer.
        var (screen, ownWords, observer) = SharedTerminal(isTerminal: true);
        using var _ = observer;
        using var logging = StderrLogging.CreateFactory(LogLevel.Warning, ownWords, TimeProvider.System);
        var logger = logging.CreateLogger("AgentExec");

        // Act
        ownWords.Write("before any output\n");
        observer.OnStderr("first"u8);
        logger.Log(LogLevel.Warning, default, "one", null, static (state, _) => state);
        observer.OnStdout("second"u8);
        logger.Log(LogLevel.Warning, default, "two", null, static (state, _) => state);

        // Assert
        var shown = Shown(screen);
        Assert.StartsWith("before any output\nfirst" + SaneTerminalWriter.ResetSequence, shown, StringComparison.Ordinal);
        Assert.Contains("second" + SaneTerminalWriter.ResetSequence, shown, StringComparison.Ordinal);
        Assert.Equal(2, CountOf(shown, SaneTerminalWriter.ResetSequence));
    }

    [Fact]
    public async Task When_stderr_is_not_a_terminal_no_escape_byte_is_added()
    {
        // Arrange: stderr is a pipe or a file.
        var (screen, ownWords, observer) = SharedTerminal(isTerminal: false);
        using var _ = observer;

        // Act
        observer.OnStdout(Encoding.UTF8.GetBytes(HostileOutput));
        await ownWords.WriteLineAsync("agentexec: Warning");

        // Assert
        Assert.Equal(HostileOutput + "agentexec: Warning\n", Shown(screen));
    }

    [Fact]
    public void The_reset_ends_strings_and_sequences_restores_the_screen_and_starts_a_fresh_line()
    {
        var reset = SaneTerminalWriter.ResetSequence;

        Assert.StartsWith("\u0018\u001b\\", reset, StringComparison.Ordinal);
        foreach (var part in new[] { "\u001b[?1049l", "\u001b[!p", "\u001b[r", "\u001b[0m", "\u001b[?25h", "\u001b[?7h", "\u001b]8;;\u001b\\" })
        {
            Assert.Contains(part, reset, StringComparison.Ordinal);
        }

        Assert.EndsWith("\r\n\u001b[J", reset, StringComparison.Ordinal);
    }

    private static (MemoryStream Screen, SaneTerminalWriter OwnWords, ConsoleOutputObserver Observer) SharedTerminal(bool isTerminal)
    {
        // One stream stands for the terminal that stdout, stderr and AgentExec's words all reach.
        var screen = new MemoryStream();
        var ownWords = new SaneTerminalWriter(new StreamWriter(screen) { AutoFlush = true, NewLine = "\n" }, isTerminal);
        return (screen, ownWords, new ConsoleOutputObserver(screen, screen, ownWords));
    }

    private static string Shown(MemoryStream screen) => Encoding.UTF8.GetString(screen.ToArray());

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
