using AgentExec.Tests.EndToEnd;
using AgentExec.Tests.TestSupport;

namespace AgentExec.Tests.Cli;

/// <summary>The real <c>agentexec run</c> process: SPEC.md's exit codes, and answers never taken from stdin.</summary>
public sealed class RunProcessTests
{
    [Fact]
    public async Task The_command_s_own_exit_code_and_output_pass_through()
    {
        using var agentexec = new AgentExecProcess();

        var result = await agentexec.RunAsync(["run", "--sandbox", "danger-full-access", "--", "bash", "-c", "echo out; echo err >&2; exit 3"]);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("out\n", result.StandardOutput);
        Assert.Contains("err\n", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_one_shot_run_starts_its_command_from_the_first_thread_and_creates_no_start_thread()
    {
        // The first thread lives as long as the process, as the start thread does for serve (ProcessStartThread), so
        // a parent-death signal still means "agentexec died"; the command sees its parent's threads from inside.
        using var agentexec = new AgentExecProcess();

        var result = await agentexec.RunAsync(["run", "--sandbox", "danger-full-access", "--", "bash", "-c", "cat /proc/$PPID/task/*/comm; echo parent=$PPID"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("parent=", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(".NET", result.StandardOutput, StringComparison.Ordinal); // the runtime's own threads are listed
        Assert.DoesNotContain("agentexec proce", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_global_git_config_in_a_directory_every_user_can_write_is_read_like_the_repositorys()
    {
        // Found by an attack: a home under /tmp (as this test's is) holds a ~/.gitconfig anyone could have written, and it
        // was trusted like a user's own. The workspace is the agent's; /tmp is a shared directory (AnalysisContext).
        using var agentexec = new AgentExecProcess();
        Assert.StartsWith(Path.GetTempPath(), agentexec.Home + "/", StringComparison.Ordinal);
        HostCommand.Git(agentexec.Workspace, "init", "-q", ".");
        await File.WriteAllTextAsync(Path.Join(agentexec.Home, ".gitconfig"), "[core]\n\tfsmonitor = /tmp/marker\n");

        var result = await agentexec.RunAsync(["check", "--approval-policy", "untrusted", "--", "git", "status"], workingDirectory: agentexec.Workspace);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("decision: ask", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("sets core.fsmonitor", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_command_line_runs_under_the_system_bash_never_one_found_on_the_commands_PATH() =>
        await RunsUnderTheSystemBash("danger-full-access");

    [BubblewrapFact]
    public async Task The_sandboxed_command_line_runs_under_the_system_bash_never_one_found_on_the_commands_PATH() =>
        await RunsUnderTheSystemBash("workspace-write");

    // Found in a review: `bash` itself was looked up on the command's PATH, so a program named bash in a PATH entry the
    // agent can write (a folder of the workspace, or an empty entry: the working directory) ran instead of bash, for
    // every command, known-safe ones too. Here it is a copy of echo, which would print its arguments instead of "hi".
    private static async Task RunsUnderTheSystemBash(string sandbox)
    {
        using var agentexec = new AgentExecProcess();
        var planted = Directory.CreateDirectory(Path.Combine(agentexec.Workspace, "bin")).FullName;
        File.Copy("/bin/echo", Path.Combine(planted, "bash"));
        File.Copy("/bin/echo", Path.Combine(agentexec.Workspace, "bash"));
        var environment = agentexec.Environment();
        environment["PATH"] = $"{planted}::/usr/bin:/bin";

        var result = await agentexec.RunAsync(["run", "--approval-policy", "untrusted", "--sandbox", sandbox, "--", "echo", "hi"], environment: environment);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("hi\n", result.StandardOutput);
    }

    [Fact]
    public async Task The_argv_is_quoted_so_its_words_are_not_run_as_shell()
    {
        using var agentexec = new AgentExecProcess();

        var result = await agentexec.RunAsync(["run", "--sandbox", "danger-full-access", "--", "echo", "$(touch pwned)", "`touch pwned`"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("$(touch pwned) `touch pwned`\n", result.StandardOutput);
        Assert.False(File.Exists(Path.Combine(agentexec.Workspace, "pwned")));
    }

    [Fact]
    public async Task A_command_that_needs_approval_is_denied_with_77_when_there_is_no_terminal_even_if_stdin_says_yes()
    {
        using var agentexec = new AgentExecProcess();
        var victim = Directory.CreateDirectory(Path.Combine(agentexec.Workspace, "victim")).FullName;

        var result = await agentexec.RunAsync(["run", "--sandbox", "danger-full-access", "--", "rm", "-rf", "victim"], standardInput: "y\nyes\ny\n");

        Assert.Equal(77, result.ExitCode);
        Assert.True(Directory.Exists(victim));
        Assert.Contains("no terminal", result.StandardError, StringComparison.Ordinal);
    }

    [BubblewrapFact]
    public async Task A_workspace_the_sandbox_cannot_be_prepared_for_refuses_the_command_instead_of_choosing_another_backend()
    {
        using var agentexec = new AgentExecProcess();
        File.CreateSymbolicLink(Path.Combine(agentexec.Workspace, ".env"), "/etc/hostname");

        var result = await agentexec.RunAsync(["run", "--", "touch", "ran"]);

        // Under auto, a trial that failed this way would otherwise have made Landlock (which hides no credential) the
        // sandbox: a file the agent planted would choose a weaker backend.
        Assert.Equal(125, result.ExitCode);
        Assert.Contains("sandbox not available: it cannot be prepared for the workspace", result.StandardError, StringComparison.Ordinal);
        Assert.Contains(".env is a symbolic link", result.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(agentexec.Workspace, "ran")));
    }

    [Fact]
    public async Task A_forbidden_command_is_denied_with_77()
    {
        using var agentexec = new AgentExecProcess();

        var result = await agentexec.RunAsync(["run", "--sandbox", "danger-full-access", "--approval-policy", "never", "--", "rm", "-rf", "victim"]);

        Assert.Equal(77, result.ExitCode);
    }

    [Fact]
    public async Task A_command_past_its_timeout_exits_124()
    {
        using var agentexec = new AgentExecProcess();

        var result = await agentexec.RunAsync(["run", "--sandbox", "danger-full-access", "--timeout-ms", "300", "--", "sleep", "30"]);

        Assert.Equal(124, result.ExitCode);
    }

    [Fact]
    public async Task A_sandboxed_mode_without_a_usable_backend_exits_125_and_runs_nothing()
    {
        using var agentexec = new AgentExecProcess();
        var witness = Path.Combine(agentexec.Workspace, "ran");
        // A PATH with nothing on it: bubblewrap cannot be found, and --sandbox-backend bubblewrap allows no fallback.
        var environment = new Dictionary<string, string?> { ["PATH"] = Directory.CreateDirectory(Path.Combine(agentexec.Home, "empty-bin")).FullName };

        var result = await agentexec.RunAsync(
            ["run", "--sandbox", "workspace-write", "--sandbox-backend", "bubblewrap", "--", "touch", witness],
            environment: environment);

        Assert.Equal(125, result.ExitCode);
        Assert.Contains("sandbox not available", result.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(witness));
    }

    [Fact]
    public async Task A_timeout_out_of_range_is_named_as_the_flag_the_user_typed()
    {
        using var agentexec = new AgentExecProcess();

        var result = await agentexec.RunAsync(["run", "--sandbox", "danger-full-access", "--timeout-ms", "0", "--", "true"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("agentexec: --timeout-ms: must be between 1 and 3600000 (got 0)\n", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("timeout_ms", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_root_help_lists_every_subcommand()
    {
        using var agentexec = new AgentExecProcess();

        var result = await agentexec.RunAsync(["--help"]);

        Assert.Equal(0, result.ExitCode);
        foreach (var subcommand in (string[])["serve", "run", "check", "audit", "assess"])
        {
            Assert.Matches($"(?m)^  {subcommand} ", result.StandardOutput);
        }
    }

    [Fact]
    public async Task A_subcommand_s_help_shows_its_own_options_and_no_sibling()
    {
        // A command line that names a subcommand is parsed with that subcommand alone (AgentExecCommandLine).
        using var agentexec = new AgentExecProcess();

        var result = await agentexec.RunAsync(["run", "--help"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("agentexec run", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("--timeout-ms", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("--sandbox", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotMatch("(?m)^  serve ", result.StandardOutput);
    }

    [Theory]
    [InlineData("run", "--no-such-flag", "--", "true")]
    [InlineData("run", "true")]
    [InlineData("run", "--timeout-ms", "0", "--", "true")]
    [InlineData("run", "--timeout-ms", "soon", "--", "true")]
    [InlineData("run", "--approval-policy", "sometimes", "--", "true")]
    [InlineData("check", "--sandbox", "none", "--", "true")]
    [InlineData("no-such-command")]
    [InlineData("rnu", "--", "true")]
    [InlineData("run", "serve")]
    public async Task Usage_errors_exit_2_and_name_what_is_wrong(params string[] arguments)
    {
        using var agentexec = new AgentExecProcess();

        var result = await agentexec.RunAsync(arguments);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("agentexec: ", result.StandardError, StringComparison.Ordinal);
    }
}
