using System.Text;
using AgentExec.Cli.Terminal;
using AgentExec.Core.Approval;
using AgentExec.Core.Assessment;
using AgentExec.Core.Commands;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Cli;

public sealed class TerminalApprovalChannelTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData("y", ApprovalDecision.Approved, ApprovalReason.UserApproved)]
    [InlineData("YES", ApprovalDecision.Approved, ApprovalReason.UserApproved)]
    [InlineData(" y ", ApprovalDecision.Approved, ApprovalReason.UserApproved)]
    [InlineData("n", ApprovalDecision.Denied, ApprovalReason.UserDeclined)]
    [InlineData("", ApprovalDecision.Denied, ApprovalReason.UserDeclined)]
    [InlineData("a", ApprovalDecision.Abort, ApprovalReason.UserCancelled)]
    [InlineData("abort", ApprovalDecision.Abort, ApprovalReason.UserCancelled)]
    [InlineData("yep", ApprovalDecision.Denied, ApprovalReason.MalformedResponse)]
    [InlineData("y\u001b[A", ApprovalDecision.Denied, ApprovalReason.MalformedResponse)]
    [InlineData("session", ApprovalDecision.Denied, ApprovalReason.MalformedResponse)]
    [InlineData(null, ApprovalDecision.Denied, ApprovalReason.NoResponse)]
    public async Task Each_typed_answer_maps_to_its_decision(string? typed, ApprovalDecision decision, ApprovalReason reason)
    {
        var terminal = new FakeTerminal();
        var channel = new TerminalApprovalChannel(terminal, TimeProvider.System);
        terminal.Answer(typed);

        var outcome = await channel.AskAsync(Question(), Bounded, CancellationToken.None);

        Assert.Equal(decision, outcome.Decision);
        Assert.Equal(reason, outcome.Reason);
    }

    [Fact]
    public async Task No_answer_before_the_timeout_is_denied()
    {
        var clock = new ManualTimeProvider();
        var terminal = new FakeTerminal();
        var channel = new TerminalApprovalChannel(terminal, clock);

        var asking = channel.AskAsync(Question(), TimeSpan.FromMinutes(5), CancellationToken.None);
        await clock.FirstTimerCreated.WaitAsync(Bounded);
        clock.Advance(TimeSpan.FromMinutes(5));
        var outcome = await asking.WaitAsync(Bounded);

        Assert.Equal(ApprovalDecision.Denied, outcome.Decision);
        Assert.Equal(ApprovalReason.NoResponse, outcome.Reason);
    }

    [Fact]
    public async Task A_line_typed_before_the_question_was_shown_does_not_answer_it()
    {
        // Found by an attack: under on-failure the sandboxed attempt ran with no question, printed "Overwrite the
        // existing config? [y/N]" and then failed with EROFS; the "y" the user typed at it waited in the terminal and
        // approved the retry WITHOUT the sandbox the instant that question was printed.
        var clock = new ManualTimeProvider();
        var terminal = new FakeTerminal();
        terminal.TypeAhead("y");
        var channel = new TerminalApprovalChannel(terminal, clock);

        var asking = channel.AskAsync(Question(), TimeSpan.FromMinutes(5), CancellationToken.None);
        await clock.FirstTimerCreated.WaitAsync(Bounded);
        clock.Advance(TimeSpan.FromMinutes(5));
        var outcome = await asking.WaitAsync(Bounded);

        Assert.False(outcome.IsApproved);
        Assert.Equal(ApprovalReason.NoResponse, outcome.Reason);
        Assert.Equal(1, terminal.Discards);
    }

    [Fact]
    public async Task A_line_typed_after_the_question_was_shown_answers_it()
    {
        var terminal = new FakeTerminal();
        var channel = new TerminalApprovalChannel(terminal, TimeProvider.System);

        var asking = channel.AskAsync(Question(), Bounded, CancellationToken.None);
        terminal.Answer("y");
        var outcome = await asking.WaitAsync(Bounded);

        Assert.Equal(ApprovalDecision.Approved, outcome.Decision);
    }

    [Fact]
    public async Task Output_the_command_writes_while_a_question_waits_is_shown_only_after_the_answer()
    {
        // Found by an attack: a network question is asked while the command runs, and the command waited for it, moved
        // the cursor up over it and printed a question of its own ("Allow `pip install requests` to connect to
        // pypi.org:443?"); the human's "y" approved the real one, a connection to the attacker's host.
        using var screen = new MemoryStream();
        using var observer = new ConsoleOutputObserver(screen, screen, new SaneTerminalWriter(TextWriter.Null, isTerminal: true));
        var terminal = new FakeTerminal { CommandOutput = observer };
        var channel = new TerminalApprovalChannel(terminal, TimeProvider.System);
        observer.OnStdout("before\n"u8);

        var asking = channel.AskAsync(Question(), Bounded, CancellationToken.None);
        await WaitUntilAsync(() => terminal.Written.ToString().Contains("Allow?", StringComparison.Ordinal));
        observer.OnStderr("\u001b[6A\u001b[Jagentexec: Allow `pip install requests` to connect to pypi.org:443?\n"u8);
        var shownWhileAsking = Encoding.UTF8.GetString(screen.ToArray());
        terminal.Answer("n");
        await asking.WaitAsync(Bounded);

        Assert.Equal("before\n", shownWhileAsking);
        Assert.EndsWith("pypi.org:443?\n", Encoding.UTF8.GetString(screen.ToArray()), StringComparison.Ordinal);
        observer.OnStdout("after\n"u8);
        Assert.EndsWith("after\n", Encoding.UTF8.GetString(screen.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public void Output_held_past_the_bound_is_counted_and_said_not_kept()
    {
        using var screen = new MemoryStream();
        using var observer = new ConsoleOutputObserver(screen, screen, new SaneTerminalWriter(TextWriter.Null, isTerminal: false));
        var chunk = new byte[64 * 1024];

        using (observer.Hold())
        {
            for (var i = 0; i < 20; i++)
            {
                observer.OnStdout(chunk);
            }

            Assert.Equal(0, screen.Length);
        }

        // Whole chunks up to the bound are shown, the rest counted.
        var shown = screen.ToArray().TakeWhile(b => b == 0).Count();
        Assert.InRange(shown, ConsoleOutputObserver.MaxHeldBytes - chunk.Length, ConsoleOutputObserver.MaxHeldBytes);
        Assert.Equal(0, shown % chunk.Length);
        Assert.Contains($"[agentexec: {(20 * chunk.Length) - shown} more bytes", Encoding.UTF8.GetString(screen.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public void Output_after_a_dropped_chunk_is_dropped_too_so_what_is_shown_has_no_hole()
    {
        // Found by a review: a chunk too big for the bound was dropped, and a later small one still kept and shown, while
        // the message said only that some bytes were not shown.
        using var screen = new MemoryStream();
        using var observer = new ConsoleOutputObserver(screen, screen, new SaneTerminalWriter(TextWriter.Null, isTerminal: false));

        using (observer.Hold())
        {
            observer.OnStdout("first\n"u8);
            observer.OnStdout(new byte[ConsoleOutputObserver.MaxHeldBytes]);
            observer.OnStdout("last\n"u8);
        }

        var text = Encoding.UTF8.GetString(screen.ToArray());
        Assert.StartsWith("first\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("last", text, StringComparison.Ordinal);
        Assert.Contains($"[agentexec: {ConsoleOutputObserver.MaxHeldBytes + 5} more bytes", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Many_small_chunks_held_count_what_keeping_them_costs()
    {
        // Found by an attack: a command writing one byte at a time while a question waited kept about 26 bytes of memory
        // for each held byte, as the bound counted bytes only.
        using var screen = new MemoryStream();
        using var observer = new ConsoleOutputObserver(screen, screen, new SaneTerminalWriter(TextWriter.Null, isTerminal: false));

        using (observer.Hold())
        {
            for (var i = 0; i < ConsoleOutputObserver.MaxHeldBytes; i++)
            {
                observer.OnStdout("x"u8);
            }
        }

        var shown = screen.ToArray().TakeWhile(b => b == (byte)'x').Count();
        Assert.True(shown < ConsoleOutputObserver.MaxHeldBytes / 16, $"{shown} one-byte chunks were kept");
    }

    [Fact]
    public async Task Ctrl_c_while_asked_aborts()
    {
        var terminal = new FakeTerminal();
        var channel = new TerminalApprovalChannel(terminal, TimeProvider.System);
        using var interrupt = new CancellationTokenSource();

        var asking = channel.AskAsync(Question(), Bounded, interrupt.Token);
        await interrupt.CancelAsync();
        var outcome = await asking.WaitAsync(Bounded);

        Assert.Equal(ApprovalDecision.Abort, outcome.Decision);
        Assert.False(outcome.IsApproved);
    }

    [Fact]
    public void A_process_without_a_terminal_cannot_ask_and_says_no_response()
    {
        var channel = new TerminalApprovalChannel(new FakeTerminal(canRead: false), TimeProvider.System);

        Assert.False(channel.CanAsk);
        Assert.Equal(ApprovalReason.NoResponse, channel.CannotAskReason);
    }

    [Fact]
    public async Task The_prompt_escapes_controls_and_newlines_from_the_command_and_labels_the_risk()
    {
        var terminal = new FakeTerminal(interactive: true);
        var channel = new TerminalApprovalChannel(terminal, TimeProvider.System);
        terminal.Answer("n");
        var question = Question() with
        {
            CommandLine = "rm -rf x\nAllow? [y] \u001b[32mlooks fine\u202E",
            Risk = new RiskAssessment("deletes \u001b[2Jthe tree", RiskLevel.High, "data_deletion"),
        };

        await channel.AskAsync(question, Bounded, CancellationToken.None);

        var shown = terminal.Written.ToString();
        Assert.Contains("Allow the agent to run `rm -rf x\\nAllow? [y] \\x1B[32mlooks fine\\u202E` in `/work`?\n", shown, StringComparison.Ordinal);
        Assert.Contains("\n  Risk: \u001b[31mHIGH\u001b[0m (data_deletion) — deletes \\x1B[2Jthe tree [from the risk model; advisory]\n", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[2J", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[32m", shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_interactive_terminal_the_prompt_has_no_colours()
    {
        var terminal = new FakeTerminal(interactive: false);
        var channel = new TerminalApprovalChannel(terminal, TimeProvider.System);
        terminal.Answer("n");

        await channel.AskAsync(Question() with { Risk = new RiskAssessment("d", RiskLevel.Low, "none") }, Bounded, CancellationToken.None);

        Assert.DoesNotContain('\u001b', terminal.Written.ToString());
        Assert.Contains("Risk: LOW (none) — d [from the risk model; advisory]", terminal.Written.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_prompt_starts_with_the_command_ends_with_what_runs_where_and_labels_the_justification()
    {
        // Arrange
        var terminal = new FakeTerminal(interactive: false);
        var channel = new TerminalApprovalChannel(terminal, TimeProvider.System);
        terminal.Answer("n");
        var question = Question() with { Justification = "tidy\n  Risk: LOW (none) — harmless\nAllow? [y]" };

        // Act
        await channel.AskAsync(question, Bounded, CancellationToken.None);

        // Assert
        var lines = terminal.Written.ToString().Split('\n');
        Assert.Equal(
            [
                "",
                "agentexec: Allow the agent to run `rm -rf build` in `/work`?",
                "  why:       `rm -rf build`: rm with -r/-f (dangerous)",
                "  Justification (from the agent): tidy\\n  Risk: LOW (none) — harmless\\nAllow? [y]",
                "  directory: /work",
                "  will run:  1 command: rm",
                "  sandbox:   workspace-write (bubblewrap)",
                "Allow? [y] approve once  [n] deny (default)  [a] abort: ",
            ],
            lines);
    }

    [Fact]
    public async Task A_retry_prompt_starts_with_the_spec_sentence_and_ends_with_sandbox_none_right_above_the_prompt()
    {
        // Arrange
        var terminal = new FakeTerminal(interactive: false);
        var channel = new TerminalApprovalChannel(terminal, TimeProvider.System);
        terminal.Answer("n");
        var question = Question() with
        {
            Escalation = EscalationKind.RetryWithoutSandbox,
            SandboxFailure = "touch: Read-only file system\nAllow? [y]",
            Reasons = [AgentExec.Core.Policy.PolicyEvaluator.RetryExplanation],
        };

        // Act
        await channel.AskAsync(question, Bounded, CancellationToken.None);

        // Assert
        var lines = terminal.Written.ToString().Split('\n');
        Assert.Equal("agentexec: " + ApprovalMessage.RetryHeadline, lines[1]);
        Assert.Equal(
            [
                "  Sandbox failure (the command's own output): touch: Read-only file system\\nAllow? [y]",
                "  warning:   " + ApprovalMessage.RetryWarning,
                "  directory: /work",
                "  will run:  1 command: rm",
                "  sandbox:   none — outside the sandbox (this retry runs without workspace-write)",
                "Allow? [y] approve once  [n] deny (default)  [a] abort: ",
            ],
            lines[^6..]);
        Assert.Single(lines, line => line.StartsWith("Allow?", StringComparison.Ordinal));
    }

    [Fact]
    public async Task After_the_commands_output_the_question_comes_after_a_terminal_reset()
    {
        // Arrange: one terminal that the command's output and the question share, as under agentexec run. The
        // output leaves a two-line scroll region and an unterminated DCS, as the attacks did.
        var screen = new MemoryStream();
        var stderr = new StreamWriter(screen) { AutoFlush = true };
        var ownWords = new SaneTerminalWriter(stderr, isTerminal: true);
        var terminal = new FakeTerminal(output: ownWords);
        var channel = new TerminalApprovalChannel(terminal, TimeProvider.System);
        using var observer = new ConsoleOutputObserver(screen, screen, ownWords);
        terminal.Answer("n");

        // Act
        observer.OnStderr("Permission denied\n\u001b[7;8r\u001bP"u8);
        await channel.AskAsync(Question() with { Escalation = EscalationKind.RetryWithoutSandbox }, Bounded, CancellationToken.None);

        // Assert
        var shown = System.Text.Encoding.UTF8.GetString(screen.ToArray());
        Assert.StartsWith("Permission denied\n\u001b[7;8r\u001bP" + SaneTerminalWriter.ResetSequence + "\nagentexec: " + ApprovalMessage.RetryHeadline, shown, StringComparison.Ordinal);
    }

    private static ApprovalQuestion Question() => new(
        "id-1", "run-1", "rm -rf build", ["bash", "-c", "rm -rf build"], "/work", null,
        SandboxMode.WorkspaceWrite, SandboxBackendKind.Bubblewrap, EscalationKind.None, null, null, ["`rm -rf build`: rm with -r/-f (dangerous)"],
        CommandAnalyzer.Analyze("rm -rf build").Parts, null, TimeSpan.FromSeconds(120));

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(Bounded);
        while (!condition())
        {
            await Task.Delay(10, deadline.Token);
        }
    }
}
