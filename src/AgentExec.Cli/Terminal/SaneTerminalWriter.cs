using System.Text;

namespace AgentExec.Cli.Terminal;

/// <summary>
/// AgentExec's own words on stderr for <c>agentexec run</c> (questions, warnings, logs, the final message): before the
/// first of them after the command's output reached the terminal, the terminal is put back in a sane state.
/// </summary>
/// <remarks>
/// <para>
/// The command's output is streamed to the same terminal byte for byte, and the command chooses those bytes. An attack
/// set a two-line scroll region, cleared the screen and printed a forged retry question: the real one, "Retry it
/// WITHOUT the sandbox" and "sandbox: none" among it, scrolled away inside the region and the human typed y. Another
/// ended with an unterminated DCS (<c>ESC P</c>), which swallowed the warning about the repository it had planted.
/// Escaping the command's output is not an option here (it is the command's own, shown as it is), so the terminal is
/// reset instead, in this one place, which every writer of AgentExec's own text on the terminal goes through.
/// </para>
/// <para>
/// Only when stderr is a terminal: a pipe, a file or an MCP result never gets escape bytes from here.
/// </para>
/// </remarks>
internal sealed class SaneTerminalWriter(TextWriter inner, bool isTerminal) : TextWriter
{
    /// <summary>What is written before AgentExec's words when the command's output came before them.</summary>
    /// <remarks>
    /// In order: CAN aborts any escape or control sequence in progress, and ST (<c>ESC \</c>) ends a DCS, OSC, SOS, PM
    /// or APC string in a terminal that does not abort those on CAN. BEL, which ends an OSC in some terminals, is left
    /// out: every terminal that honours it honours ST too, and outside a string it rings the bell. Then leave the
    /// alternate screen, soft reset (DECSTR: margins, origin and insert mode, character sets, attributes, cursor
    /// shown), and the same again one by one for terminals without DECSTR: insert mode off, the full scroll region
    /// (between a cursor save and restore, because setting margins moves the cursor home), attributes, character set
    /// and cursor. Origin mode is left to DECSTR, because resetting it alone moves the cursor home too (tmux showed it).
    /// Then autowrap on, so no long line of the question is cut at the right margin, and an OSC 8 hyperlink the command
    /// opened is closed (SGR does not end one: the question would otherwise be a link to wherever the command chose;
    /// reported by an attack, in terminals that support them). Last, a fresh line, and everything below it erased: what the command
    /// drew below the cursor (a forged question it then climbed above) is gone, so the lines right above the prompt
    /// are AgentExec's.
    /// </remarks>
    public const string ResetSequence =
        "\u0018\u001b\\"
        + "\u001b[?1049l"
        + "\u001b[!p"
        + "\u001b[4l\u001b7\u001b[r\u001b8"
        + "\u001b[0m\u001b(B\u000f\u001b[?25h\u001b[?7h"
        + "\u001b]8;;\u001b\\"
        + "\r\n\u001b[J";

    private int _commandOutputShown;

    /// <inheritdoc />
    public override Encoding Encoding => inner.Encoding;

    /// <summary>Says that the command's output reached the terminal, so the next of AgentExec's words comes after a reset.</summary>
    public void CommandOutputShown() => Volatile.Write(ref _commandOutputShown, 1);

    /// <inheritdoc />
    public override void Write(char value)
    {
        ResetAfterCommandOutput();
        inner.Write(value);
    }

    /// <inheritdoc />
    public override void Write(string? value)
    {
        ResetAfterCommandOutput();
        inner.Write(value);
    }

    /// <inheritdoc />
    public override void Write(char[] buffer, int index, int count)
    {
        ResetAfterCommandOutput();
        inner.Write(buffer, index, count);
    }

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<char> buffer)
    {
        ResetAfterCommandOutput();
        inner.Write(buffer);
    }

    /// <inheritdoc />
    public override void WriteLine(string? value)
    {
        ResetAfterCommandOutput();
        inner.WriteLine(value);
    }

    /// <inheritdoc />
    public override Task WriteAsync(string? value)
    {
        ResetAfterCommandOutput();
        return inner.WriteAsync(value);
    }

    /// <inheritdoc />
    public override Task WriteLineAsync(string? value)
    {
        ResetAfterCommandOutput();
        return inner.WriteLineAsync(value);
    }

    /// <inheritdoc />
    public override Task WriteLineAsync()
    {
        ResetAfterCommandOutput();
        return inner.WriteLineAsync();
    }

    /// <inheritdoc />
    public override void Flush() => inner.Flush();

    /// <inheritdoc />
    public override Task FlushAsync() => inner.FlushAsync();

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    private void ResetAfterCommandOutput()
    {
        // Exchange, so that each stretch of command output is followed by one reset however many threads write.
        if (isTerminal && Interlocked.Exchange(ref _commandOutputShown, 0) == 1)
        {
            inner.Write(ResetSequence);
        }
    }
}
