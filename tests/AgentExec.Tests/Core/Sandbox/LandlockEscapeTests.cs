using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Sandbox;
using AgentExec.Tests.Core.Execution;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>
/// The escape battery against the real kernel: each command tries to reach beyond the sandbox through the Landlock
/// launcher and the real runner, and each test checks the host afterwards, not only the exit code.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class LandlockEscapeTests : IDisposable
{
    private readonly LandlockScenario _scenario = new();

    public void Dispose() => _scenario.Dispose();

    [LandlockFact]
    public async Task The_workspace_is_writable()
    {
        // Act
        var result = await _scenario.RunAsync("echo inside > made.txt && mkdir -p a/b && mv made.txt a/b/ && cat a/b/made.txt");

        // Assert
        Assert.Equal((0, "inside\n"), (result.ExitCode, result.Stdout.Text));
        Assert.True(File.Exists(_scenario.InWorkspace("a/b/made.txt")));
    }

    [LandlockFact]
    public async Task No_terminal_and_no_shared_memory_is_readable_while_the_harmless_devices_work()
    {
        // Found by an attack: with / readable, a command read what the human typed from /dev/pts/0. A terminal that
        // script(1) opens here stands for the user's: it, every other terminal and /dev/shm are out of reach, while
        // /dev/null and /dev/urandom work.
        var before = Directory.EnumerateFileSystemEntries("/dev/pts").ToHashSet(StringComparer.Ordinal);
        using var holder = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("script", ["-qfc", "sleep 30", "/dev/null"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        })!;
        try
        {
            string? terminal = null;
            for (var i = 0; i < 100 && terminal is null; i++)
            {
                await Task.Delay(20);
                terminal = Directory.EnumerateFileSystemEntries("/dev/pts").FirstOrDefault(path => !before.Contains(path));
            }

            Assert.NotNull(terminal);
            var script = $"for f in {terminal} /dev/tty /dev/ptmx; do head -c0 < \"$f\" 2>/dev/null && echo \"read $f\"; done; "
                + "ls /dev/shm/ >/dev/null 2>&1 && echo 'listed /dev/shm'; ls /dev/pts/ >/dev/null 2>&1 && echo 'listed /dev/pts'; "
                + "head -c 4 /dev/urandom | wc -c; echo ok > /dev/null && echo null-ok";

            var result = await _scenario.RunAsync(script);

            Assert.Equal("4\nnull-ok\n", result.Stdout.Text);
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
        }
    }

    [LandlockFact]
    public async Task Writing_to_etc_is_denied_and_etc_is_untouched()
    {
        // Arrange
        var target = $"/etc/agentexec-escape-{Guid.NewGuid():N}";

        // Act
        var result = await _scenario.RunAsync($"echo pwned > {target}");

        // Assert
        Assert.False(File.Exists(target), $"{target} was created.");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Permission denied", result.Stderr.Text, StringComparison.Ordinal);
        Assert.True(_scenario.Sandbox.LooksDenied(result));
    }

    [LandlockFact]
    public async Task Changing_a_file_in_etc_is_denied()
    {
        // Arrange: /etc/hostname exists on every Debian system; append, truncate and replace must all fail.
        var before = await File.ReadAllTextAsync("/etc/hostname");

        // Act
        var result = await _scenario.RunAsync(
            "echo x >> /etc/hostname; : > /etc/hostname; truncate -s 0 /etc/hostname; rm -f /etc/hostname; mv /etc/hostname /etc/hostname.x; "
            + "perl -e 'truncate(\"/etc/hostname\", 0) or die \"truncate: $!\\n\"'");

        // Assert
        Assert.Equal(before, await File.ReadAllTextAsync("/etc/hostname"));
        Assert.Contains("truncate: Permission denied", result.Stderr.Text, StringComparison.Ordinal);
    }

    [LandlockFact]
    public async Task Writing_to_home_is_denied()
    {
        // Arrange
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var target = Path.Combine(home, $"agentexec-escape-{Guid.NewGuid():N}");

        // Act
        var result = await _scenario.RunAsync($"echo pwned > '{target}'; mkdir '{target}.d'");

        // Assert
        Assert.False(File.Exists(target) || Directory.Exists(target + ".d"), $"{target} was created.");
        Assert.NotEqual(0, result.ExitCode);
    }

    [LandlockFact]
    public async Task Writing_to_a_sibling_of_the_workspace_is_denied()
    {
        // Act
        var result = await _scenario.RunAsync($"echo pwned > ../sibling/planted; touch '{_scenario.InSibling("touched")}'");

        // Assert
        Assert.Empty(Directory.EnumerateFileSystemEntries(_scenario.Sibling));
        Assert.NotEqual(0, result.ExitCode);
    }

    [LandlockFact]
    public async Task A_symlink_in_the_workspace_does_not_reach_outside_it()
    {
        // Arrange: one link made by the host before the run, one made by the command itself.
        File.CreateSymbolicLink(_scenario.InWorkspace("host-link"), _scenario.Sibling);

        // Act
        var result = await _scenario.RunAsync(
            "echo a > host-link/through-host-link; ln -s ../sibling own-link && echo b > own-link/through-own-link; ln -s /etc etc-link && echo c > etc-link/planted");

        // Assert: making the link itself inside the workspace is allowed; writing through it is not.
        Assert.Empty(Directory.EnumerateFileSystemEntries(_scenario.Sibling));
        Assert.NotEqual(0, result.ExitCode);
        Assert.NotNull(new FileInfo(_scenario.InWorkspace("own-link")).LinkTarget);
    }

    [LandlockFact]
    public async Task Proc_self_root_and_cwd_paths_do_not_reach_outside()
    {
        // Act
        var result = await _scenario.RunAsync(
            $"echo a > /proc/self/root{_scenario.InSibling("via-root")}; echo b > /proc/self/cwd/../sibling/via-cwd; echo c > /proc/$$/root/etc/agentexec-via-root");

        // Assert
        Assert.Empty(Directory.EnumerateFileSystemEntries(_scenario.Sibling));
        Assert.False(File.Exists("/etc/agentexec-via-root"));
        Assert.NotEqual(0, result.ExitCode);
    }

    [LandlockFact]
    public async Task Hard_links_and_renames_cannot_move_outside_files_in()
    {
        // Arrange
        var outside = _scenario.InSibling("secret");
        await File.WriteAllTextAsync(outside, "original");

        // Act: a hard link would give a writable name to an outside inode; a rename would take it away from its owner.
        var result = await _scenario.RunAsync($"ln '{outside}' hard; mv '{outside}' moved; echo changed >> hard");

        // Assert: Landlock answers EXDEV for the link (REFER) and EACCES for the rename; the append then made a new file.
        Assert.Equal("original", await File.ReadAllTextAsync(outside));
        Assert.False(File.Exists(_scenario.InWorkspace("moved")));
        Assert.Contains("failed to create hard link", result.Stderr.Text, StringComparison.Ordinal);
        Assert.Contains("cannot move", result.Stderr.Text, StringComparison.Ordinal);
    }

    [LandlockFact]
    public async Task Tcp_to_a_listener_on_loopback_fails_with_the_network_off()
    {
        // Arrange
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        // Act
        var result = await _scenario.RunAsync($"exec 3<>/dev/tcp/127.0.0.1/{port} && echo connected");

        // Assert
        Assert.False(listener.Pending(), "The listener saw a connection.");
        Assert.Equal(string.Empty, result.Stdout.Text);
        Assert.Contains("Permission denied", result.Stderr.Text, StringComparison.Ordinal);
        Assert.True(_scenario.Sandbox.LooksDenied(result));
    }

    [LandlockFact]
    public async Task Tcp_to_a_listener_on_loopback_works_with_the_network_on()
    {
        // Arrange
        using var scenario = new LandlockScenario(network: true);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepting = listener.AcceptTcpClientAsync();

        // Act
        var result = await scenario.RunAsync($"exec 3<>/dev/tcp/127.0.0.1/{port} && echo hello >&3 && echo connected");

        // Assert
        Assert.Equal((0, "connected\n"), (result.ExitCode, result.Stdout.Text));
        using var client = await accepting.WaitAsync(TimeSpan.FromSeconds(10));
        using var reader = new StreamReader(client.GetStream());
        Assert.Equal("hello", await reader.ReadLineAsync());
    }

    [LandlockTheory]
    [InlineData("exec 3<>/dev/udp/127.0.0.1/53")]
    [InlineData("exec 3<>/dev/tcp/::1/22")]
    [InlineData("exec 3<>/dev/udp/::1/53")]
    public async Task Udp_and_ipv6_sockets_cannot_be_created_with_the_network_off(string script)
    {
        // Act
        var result = await _scenario.RunAsync(script);

        // Assert
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Permission denied", result.Stderr.Text, StringComparison.Ordinal);
    }

    [LandlockFact]
    public async Task With_the_network_off_a_socket_pair_works_and_a_unix_socket_only_where_landlock_can_restrict_its_paths()
    {
        // Act: a socket pair (build tools and test runners use them), then a Unix socket of its own.
        var pair = await _scenario.RunAsync("perl -MSocket -e 'socketpair(my $a, my $b, AF_UNIX, SOCK_STREAM, 0) or die \"$!\\n\"; print \"ok\\n\"'");
        var socket = await _scenario.RunAsync("perl -MSocket -e 'socket(my $s, AF_UNIX, SOCK_STREAM, 0) or die \"$!\\n\"; print \"ok\\n\"'");

        // Assert: before ABI 9 a host's socket by path cannot be told from the command's own, so none can be made.
        Assert.Equal((0, "ok\n"), (pair.ExitCode, pair.Stdout.Text));
        if (LandlockSupport.Probe().Abi < LandlockRights.ResolveUnixAbi)
        {
            Assert.Equal((true, "Permission denied\n"), (socket.ExitCode != 0, socket.Stderr.Text));
        }
        else
        {
            Assert.Equal((0, "ok\n"), (socket.ExitCode, socket.Stdout.Text));
        }
    }

    [LandlockFact]
    public async Task The_command_has_no_capabilities_no_new_privs_and_default_signal_dispositions()
    {
        // Act
        var result = await _scenario.RunAsync("grep -E '^(Cap|NoNewPrivs|Seccomp:|SigIgn|SigBlk)' /proc/self/status");

        // Assert
        var fields = result.Stdout.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(':', 2))
            .ToDictionary(parts => parts[0], parts => parts[1].Trim());
        Assert.Equal("1", fields["NoNewPrivs"]);

        // The launcher ignores the terminal's signals and the runtime ignores SIGPIPE; none of that may reach the
        // command. Signals 32 and 33 are glibc's own (SIGCANCEL, SIGSETXID): its posix_spawn leaves them ignored in
        // every child, and glibc in the new program installs its handlers when it needs them.
        const ulong standardSignals = 0x7FFF_FFFF;
        Assert.Equal(0UL, Convert.ToUInt64(fields["SigIgn"], 16) & standardSignals);
        Assert.Equal("0000000000000000", fields["SigBlk"]);
        Assert.Equal("2", fields["Seccomp"]);
        foreach (var set in new[] { "CapInh", "CapPrm", "CapEff", "CapAmb" })
        {
            Assert.Equal("0000000000000000", fields[set]);
        }

        // Only root can (and must) empty the bounding set; for other users no_new_privs keeps exec from using it.
        if (Libc.GetEffectiveUserId() == 0)
        {
            Assert.Equal("0000000000000000", fields["CapBnd"]);
        }
    }

    [LandlockFact]
    public async Task The_environment_and_memory_of_processes_outside_the_sandbox_cannot_be_read()
    {
        // Arrange: the host process here stands for the agentexec server, whose environment holds the API keys that
        // the allow-list keeps out of the command's own. Landlock only lets a sandboxed process ptrace-read (and so
        // read /proc/PID/environ and mem of) processes inside its own domain.
        var host = Environment.ProcessId;

        // Act
        var result = await _scenario.RunAsync($"cat /proc/{host}/environ; head -c 1 /proc/{host}/mem; cat /proc/$PPID/environ");

        // Assert
        Assert.Equal(string.Empty, result.Stdout.Text);
        Assert.Equal(3, result.Stderr.Text.Split("Permission denied").Length - 1);
    }

    [LandlockFact]
    public async Task The_command_runs_in_the_launchers_own_session_with_no_terminal()
    {
        // Act: after the command name, /proc/self/stat holds state, ppid, pgrp, session, tty_nr; bash's parent is the
        // launcher, which starts a session of its own (and a process group the command cannot leave).
        var result = await _scenario.RunAsync("read -r stat < /proc/self/stat; set -- ${stat##*) }; echo \"$4 $3 $5 $PPID\"");

        // Assert
        var ids = result.Stdout.Text.Trim().Split(' ');
        Assert.Equal(ids[3], ids[0]);
        Assert.Equal(ids[3], ids[1]);
        Assert.Equal("0", ids[2]);
        Assert.NotEqual(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), ids[0]);
    }

    [LandlockFact]
    public async Task Tmpdir_is_a_fresh_writable_directory_removed_after_the_run()
    {
        // Act
        var result = await _scenario.RunAsync("echo scratch > \"$TMPDIR/file\" && cat \"$TMPDIR/file\" && echo \"$TMPDIR\"");

        // Assert
        var lines = result.Stdout.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal((0, "scratch"), (result.ExitCode, lines[0]));
        Assert.NotEqual(Path.GetTempPath().TrimEnd('/'), lines[1].TrimEnd('/'));
        Assert.False(Directory.Exists(lines[1]), $"{lines[1]} was left behind.");
    }

    [LandlockFact]
    public async Task The_shared_tmp_is_not_writable()
    {
        // Arrange
        var target = Path.Combine(Path.GetTempPath(), $"agentexec-escape-{Guid.NewGuid():N}");

        // Act
        var result = await _scenario.RunAsync($"echo pwned > {target}");

        // Assert
        Assert.False(File.Exists(target));
        Assert.NotEqual(0, result.ExitCode);
    }

    [LandlockFact]
    public async Task Dev_null_and_the_standard_streams_stay_usable()
    {
        // Act
        var result = await _scenario.RunAsync("echo gone > /dev/null && echo out > /dev/stdout && echo err > /dev/stderr && head -c 3 /dev/zero | wc -c");

        // Assert
        Assert.Equal((0, "out\n3\n", "err\n"), (result.ExitCode, result.Stdout.Text, result.Stderr.Text));
    }

    [LandlockFact]
    public async Task Git_metadata_inside_the_workspace_is_writable_which_is_the_documented_caveat()
    {
        // Landlock cannot make a path inside a writable root read-only (LandlockProbe.CaveatsFor says so); this test pins
        // the caveat down, so that fixing it someday shows up here.
        // Act
        var result = await _scenario.RunAsync("mkdir -p .git/hooks && echo 'echo planted' > .git/hooks/pre-commit && echo '[core]' > .git/config && echo '{}' > agentexec.json");

        // Assert
        Assert.Equal(0, result.ExitCode);
        Assert.True(File.Exists(_scenario.InWorkspace(".git/hooks/pre-commit")));
        Assert.Contains(LandlockSupport.Probe().CaveatsFor(SandboxMode.WorkspaceWrite), caveat => caveat.Contains(".git", StringComparison.Ordinal));
    }

    [LandlockFact]
    public async Task Read_only_mode_denies_writing_the_workspace_too()
    {
        // Arrange
        using var scenario = new LandlockScenario(SandboxMode.ReadOnly);

        // Act
        var result = await scenario.RunAsync("cat /etc/hostname > /dev/null && echo read; echo x > inside");

        // Assert
        Assert.Equal("read\n", result.Stdout.Text);
        Assert.False(File.Exists(scenario.InWorkspace("inside")));
        Assert.NotEqual(0, result.ExitCode);
    }

    [LandlockFact(MinimumAbi = 6)]
    public async Task Signals_cannot_reach_the_launcher_or_processes_outside_the_sandbox()
    {
        // Arrange: signal scoping is ABI 6; older kernels are a documented caveat (LandlockProbe.CaveatsFor).
        using var outsider = System.Diagnostics.Process.Start("sleep", "30");
        try
        {
            // Act: $PPID is the launcher, which must survive to kill the command's leftovers.
            var result = await _scenario.RunAsync($"kill -9 $PPID; kill -9 {outsider.Id}; echo still-running");

            // Assert
            Assert.Equal("still-running\n", result.Stdout.Text);
            Assert.Contains("Operation not permitted", result.Stderr.Text, StringComparison.Ordinal);
            Assert.False(outsider.HasExited, "A process outside the sandbox was killed.");
        }
        finally
        {
            outsider.Kill();
        }
    }

    [LandlockFact]
    public async Task On_an_abi_2_kernel_truncation_outside_the_writable_roots_is_still_denied()
    {
        // Arrange: Landlock ABI 2 (Debian 12's kernels) has no truncate right; the seccomp filter covers it.
        using var scenario = new LandlockScenario(abiLimit: 2);
        var outside = scenario.InSibling("precious");
        await File.WriteAllTextAsync(outside, "keep me");

        // Act
        var result = await scenario.RunAsync(
            $"perl -e 'truncate(\"{outside}\", 0) or print \"truncate: $!\\n\"; use Fcntl; sysopen(my $f, \"{outside}\", O_RDONLY|O_TRUNC) or print \"open: $!\\n\"'; "
            + "echo ok > inside && truncate -s 1 inside && cat inside");

        // Assert
        Assert.Equal("keep me", await File.ReadAllTextAsync(outside));
        Assert.Equal("truncate: Permission denied\nopen: Permission denied\no", result.Stdout.Text);
    }

    [LandlockFact]
    public async Task The_exit_code_and_a_terminating_signal_are_passed_through()
    {
        // Act
        var exited = await _scenario.RunAsync("exit 7");
        var signalled = await _scenario.RunAsync("kill -TERM $$");

        // Assert
        Assert.Equal((ExecutionOutcome.Exited, (int?)7), (exited.Outcome, exited.ExitCode));
        Assert.Equal((ExecutionOutcome.Exited, (int?)143), (signalled.Outcome, signalled.ExitCode));
    }

    [LandlockFact]
    public async Task A_writable_root_replaced_by_a_link_since_it_was_resolved_makes_nothing_beyond_it_writable()
    {
        // Found by an attack: the server resolves the writable roots once, at start-up, and each run's launcher opened
        // them again by path, following links. A command moved a root that lies inside another writable directory away
        // and put a link to the home in its place; the next call wrote ~/.bashrc with no question.
        var root = Path.Combine(Path.GetDirectoryName(_scenario.Workspace)!, "cache");
        Directory.CreateDirectory(root);
        using var scenario = new LandlockScenario { WritableRoots = [root] };
        Directory.Move(root, root + ".moved");
        File.CreateSymbolicLink(root, scenario.Sibling);

        // Act
        var result = await scenario.RunAsync($"echo pwned > '{root}/planted'");

        // Assert
        Assert.False(File.Exists(scenario.InSibling("planted")), "The link's target became writable.");
        Assert.Equal((int?)LandlockLauncherExitCodes.SetupFailed, result.ExitCode);
        Assert.Contains("symbolic link", result.Stderr.Text, StringComparison.Ordinal);
    }

    [LandlockFact]
    public async Task A_fresh_tmpdir_replaced_by_a_link_before_the_launcher_opens_it_makes_nothing_beyond_it_writable()
    {
        // Found by an attack: with the host's temporary directory writable (a writable root), a command running beside
        // this run renamed the run's fresh TMPDIR and put a link to the home in its place before the run's launcher
        // opened it; the run then wrote into the home through $TMPDIR. The swap is made here between wrap and start.
        var wrapped = _scenario.Wrap("echo pwned > \"$TMPDIR/planted\"");
        var argv = wrapped.Argv.ToList();
        var temporaryDirectory = argv[argv.IndexOf("--tmpdir") + 1];
        try
        {
            Directory.Move(temporaryDirectory, temporaryDirectory + ".moved");
            File.CreateSymbolicLink(temporaryDirectory, _scenario.Sibling);
            var spec = new ExecutionSpec(wrapped.Argv, _scenario.Workspace, wrapped.Environment, BashSpecs.GenerousTimeout, ExecutionSpec.DefaultOutputCapBytes);

            // Act
            var result = await new CommandRunner().RunAsync(spec, null, CancellationToken.None);

            // Assert
            Assert.False(File.Exists(_scenario.InSibling("planted")), "The link's target became writable.");
            Assert.Equal((int?)LandlockLauncherExitCodes.SetupFailed, result.ExitCode);
        }
        finally
        {
            wrapped.Cleanup?.Invoke();
            Directory.Delete(temporaryDirectory + ".moved", recursive: true);
        }
    }
}
