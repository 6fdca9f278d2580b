using System.Diagnostics;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Sandbox;
using AgentExec.Tests.Core.Execution;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>The bubblewrap backend run for real through <see cref="CommandRunner"/>, below the server.</summary>
public sealed class BubblewrapSandboxTests
{
    private static readonly TimeSpan KillIsDelivered = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PromptEnough = TimeSpan.FromSeconds(15);

    private readonly CommandRunner _runner = new();

    [BubblewrapFact]
    public async Task The_kernels_tunables_are_read_only_even_for_root()
    {
        // Arrange: writing back the value just read, so that even a broken sandbox changes nothing on the host.
        using var directory = new SandboxTestDirectory();
        const string script = """
            value=$(cat /proc/sys/kernel/printk) && echo "$value" > /proc/sys/kernel/printk && echo WROTE-SYSCTL
            echo DONE
            """;

        // Act
        var result = await RunAsync(directory, script);

        // Assert
        Assert.Equal("DONE\n", result.Stdout.Text);
        Assert.Matches("Read-only file system|Permission denied", result.Stderr.Text);
    }

    [BubblewrapFact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task A_set_user_or_group_id_bit_or_an_extended_attribute_cannot_be_set_in_the_workspace()
    {
        // Found by an attack: a command run as root copied bash into the workspace and made it set-user-ID (the
        // writable mount's nosuid holds only inside the sandbox); another local user then ran it with effective user
        // id 0. Landlock's filter refuses the same (LandlockFileModeEscapeTests).
        using var directory = new SandboxTestDirectory();
        const string script = """
            cp /usr/bin/true copy
            chmod 4755 copy && echo SET-USER-ID
            chmod u+s copy && echo SET-USER-ID-SYMBOLIC
            chmod 2755 copy && echo SET-GROUP-ID
            python3 -c 'import os; os.chmod("copy", 0o4755)' 2>/dev/null && echo SET-USER-ID-PYTHON
            python3 -c 'import os; os.setxattr("copy", "user.x", b"1")' 2>/dev/null && echo XATTR
            chmod 700 copy && chmod +x copy && echo PLAIN-CHMOD
            python3 -c 'import os; os.close(os.open("created", os.O_CREAT | os.O_WRONLY, 0o4755))' 2>/dev/null && echo CREATED-SET-USER-ID
            python3 -c 'import os; os.mknod("made", 0o102755)' 2>/dev/null && echo MKNOD-SET-GROUP-ID
            python3 -c 'import os; os.close(os.open("plain", os.O_CREAT | os.O_WRONLY, 0o755))' && echo CREATED-PLAIN
            echo DONE
            """;

        // Act
        var result = await RunAsync(directory, script);

        // Assert: a file created with a set-ID mode (found by a review: an empty set-user-ID file, which root's later cp
        // into it keeps) is refused like the chmod.
        Assert.Equal("PLAIN-CHMOD\nCREATED-PLAIN\nDONE\n", result.Stdout.Text);
        Assert.False(File.Exists(Path.Combine(directory.Workspace, "created")));
        Assert.False(File.Exists(Path.Combine(directory.Workspace, "made")));
        var mode = File.GetUnixFileMode(Path.Combine(directory.Workspace, "copy"));
        Assert.Equal(UnixFileMode.None, mode & (UnixFileMode.SetUser | UnixFileMode.SetGroup));
        Assert.Contains("Operation not permitted", result.Stderr.Text, StringComparison.Ordinal);
    }

    [BubblewrapFact]
    public async Task A_git_file_keeps_the_worktrees_git_directory_and_the_main_hooks_read_only()
    {
        // Arrange: the main repository is a writable root too, so only the protection stands in the way.
        using var directory = new SandboxTestDirectory();
        var repository = Directory.CreateDirectory(Path.Combine(directory.Root, "repo")).FullName;
        var hooks = Directory.CreateDirectory(Path.Combine(repository, ".git", "hooks")).FullName;
        var worktreeGit = Directory.CreateDirectory(Path.Combine(repository, ".git", "worktrees", "feature")).FullName;
        File.WriteAllText(Path.Combine(worktreeGit, "commondir"), "../..\n");
        File.WriteAllText(Path.Combine(directory.Workspace, ".git"), $"gitdir: {worktreeGit}\n");
        var script = $"""
            echo evil > {hooks}/post-checkout
            echo evil > {worktreeGit}/HEAD
            echo "gitdir: /tmp/elsewhere" > .git
            mv {repository}/.git/worktrees {repository}/.git/moved
            echo scratch > {repository}/scratch && echo REPO-WRITABLE
            echo DONE
            """;

        // Act
        var result = await RunAsync(directory, script, writableRoots: [repository]);

        // Assert
        Assert.Equal("REPO-WRITABLE\nDONE\n", result.Stdout.Text);
        Assert.False(File.Exists(Path.Combine(hooks, "post-checkout")));
        Assert.False(File.Exists(Path.Combine(worktreeGit, "HEAD")));
        Assert.Equal($"gitdir: {worktreeGit}\n", File.ReadAllText(Path.Combine(directory.Workspace, ".git")));
        Assert.True(Directory.Exists(worktreeGit));
    }

    [BubblewrapFact]
    public async Task A_configured_hooks_path_and_included_config_in_the_workspace_stay_read_only()
    {
        // Found by an attack: with core.hooksPath = .husky (what husky sets), a sandboxed command wrote .husky/pre-commit
        // and git ran it outside any sandbox at the human's next commit; an included config is git's config too.
        using var directory = new SandboxTestDirectory();
        var git = Directory.CreateDirectory(Path.Combine(directory.Workspace, ".git")).FullName;
        File.WriteAllText(Path.Combine(git, "config"), "[core]\n\thooksPath = .husky\n[include]\n\tpath = ../shared.gitconfig\n");
        Directory.CreateDirectory(Path.Combine(directory.Workspace, ".husky"));
        File.WriteAllText(Path.Combine(directory.Workspace, "shared.gitconfig"), "[user]\n\tname = x\n");
        var script = """
            echo evil > .husky/pre-commit
            printf '[core]\n\tfsmonitor = touch /tmp/x\n' >> shared.gitconfig
            echo other > other.txt && echo WORKSPACE-WRITABLE
            """;

        var result = await RunAsync(directory, script);

        Assert.Equal("WORKSPACE-WRITABLE\n", result.Stdout.Text);
        Assert.False(File.Exists(Path.Combine(directory.Workspace, ".husky", "pre-commit")));
        Assert.Equal("[user]\n\tname = x\n", File.ReadAllText(Path.Combine(directory.Workspace, "shared.gitconfig")));
    }

    [BubblewrapFact]
    public async Task A_configured_hooks_path_or_include_that_does_not_exist_yet_cannot_be_created_and_the_workspace_is_left_as_it_was()
    {
        // Found by an attack: a core.hooksPath not made yet (.husky before husky runs, or a deeper tools/git-hooks) was
        // created from the sandbox with a pre-commit in it, which git ran at the human's next commit; a missing include
        // could be written with a core.fsmonitor.
        using var directory = new SandboxTestDirectory();
        var git = Directory.CreateDirectory(Path.Combine(directory.Workspace, ".git")).FullName;
        File.WriteAllText(Path.Combine(git, "config"), "[core]\n\thooksPath = .husky\n\thooksPath = tools/git/hooks\n[include]\n\tpath = ../local.gitconfig\n");
        var nested = Directory.CreateDirectory(Path.Combine(directory.Workspace, "sub", ".git")).FullName;
        File.WriteAllText(Path.Combine(nested, "config"), "[core]\n\thooksPath = hooks-here\n");
        var script = """
            mkdir -p .husky; echo evil > .husky/pre-commit
            mkdir -p tools/git/hooks; echo evil > tools/git/hooks/pre-commit
            printf '[core]\n\tfsmonitor = touch /tmp/x\n' > local.gitconfig
            mkdir -p sub/hooks-here; echo evil > sub/hooks-here/pre-commit
            echo other > other.txt && echo WORKSPACE-WRITABLE
            """;

        var result = await RunAsync(directory, script);

        Assert.Equal("WORKSPACE-WRITABLE\n", result.Stdout.Text);
        Assert.Equal(
            [".git", "other.txt", "sub"],
            Directory.EnumerateFileSystemEntries(directory.Workspace).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal([".git"], Directory.EnumerateFileSystemEntries(Path.Combine(directory.Workspace, "sub")).Select(Path.GetFileName));
    }

    [BubblewrapFact]
    public async Task A_hook_that_links_into_the_workspace_keeps_its_target_read_only()
    {
        // Found by an attack: .git/hooks/pre-commit -> ../../tools/hooks/pre-commit (hooks kept in the repository) was
        // read-only as a link, but its target was an ordinary workspace file; the command appended to it, git ran it.
        using var directory = new SandboxTestDirectory();
        var hooks = Directory.CreateDirectory(Path.Combine(directory.Workspace, ".git", "hooks")).FullName;
        var shared = Directory.CreateDirectory(Path.Combine(directory.Workspace, "tools", "hooks")).FullName;
        File.WriteAllText(Path.Combine(shared, "pre-commit"), "#!/bin/sh\nexit 0\n");
        File.CreateSymbolicLink(Path.Combine(hooks, "pre-commit"), "../../tools/hooks/pre-commit");
        const string script = """
            echo 'touch /tmp/x' >> tools/hooks/pre-commit
            echo other > tools/hooks/README && echo WORKSPACE-WRITABLE
            """;

        var result = await RunAsync(directory, script);

        Assert.Equal("WORKSPACE-WRITABLE\n", result.Stdout.Text);
        Assert.Equal("#!/bin/sh\nexit 0\n", File.ReadAllText(Path.Combine(shared, "pre-commit")));
    }

    [BubblewrapFact]
    public void A_placeholder_for_a_missing_hooks_path_is_no_blind_spot_of_the_repository_watch()
    {
        // The placeholder is a directory no one may list (mode 000), bound read-only: the walk must not take it for one
        // a command could hide a repository in, before the run or after it (a parallel run may keep it standing).
        using var directory = new SandboxTestDirectory();
        var git = Directory.CreateDirectory(Path.Combine(directory.Workspace, ".git")).FullName;
        File.WriteAllText(Path.Combine(git, "config"), "[core]\n\thooksPath = .husky\n");
        var wrapped = Sandbox(directory).Wrap(BubblewrapMountPlanTests.Invocation(directory.Workspace, SandboxMode.WorkspaceWrite));
        try
        {
            var before = RepositorySnapshot.BeforeWritableRun(SandboxBackendKind.Bubblewrap, SandboxMode.WorkspaceWrite, directory.Workspace, [], wrapped.Repositories)!;
            var report = before.CompareWithNow();

            Assert.True(Directory.Exists(Path.Combine(directory.Workspace, ".husky")));
            Assert.Null(before.Incomplete);
            Assert.True(report.IsEmpty, report.Render(directory.Workspace));
        }
        finally
        {
            wrapped.Cleanup?.Invoke();
        }

        Assert.False(Path.Exists(Path.Combine(directory.Workspace, ".husky")));
    }

    [BubblewrapFact]
    public void A_protected_path_reached_through_a_link_in_the_workspace_refuses_the_run()
    {
        // The link is an ordinary entry of the writable workspace: a command could remove it and make .githooks a
        // directory of its own, whatever the mounts protect at the link's target.
        using var directory = new SandboxTestDirectory();
        var git = Directory.CreateDirectory(Path.Combine(directory.Workspace, ".git")).FullName;
        File.WriteAllText(Path.Combine(git, "config"), "[core]\n\thooksPath = .githooks\n");
        Directory.CreateDirectory(Path.Combine(directory.Workspace, "shared-hooks"));
        File.CreateSymbolicLink(Path.Combine(directory.Workspace, ".githooks"), "shared-hooks");
        var exception = RefusalToWrap(directory);

        var refusal = Assert.IsType<IOException>(exception);
        Assert.Contains("symbolic link", refusal.Message, StringComparison.Ordinal);
        Assert.Contains(".githooks", refusal.Message, StringComparison.Ordinal);
    }

    [BubblewrapFact]
    public void A_protected_path_that_climbs_out_of_a_missing_directory_refuses_the_run()
    {
        // sub/../.husky: a placeholder at sub would stop a sandboxed command, but git run as root walks through it and
        // on to .husky, which the command could then have made.
        using var directory = new SandboxTestDirectory();
        var git = Directory.CreateDirectory(Path.Combine(directory.Workspace, ".git")).FullName;
        File.WriteAllText(Path.Combine(git, "config"), "[core]\n\thooksPath = sub/../.husky\n");
        var exception = RefusalToWrap(directory);

        Assert.IsType<IOException>(exception);
        Assert.Equal([".git"], Directory.EnumerateFileSystemEntries(directory.Workspace).Select(Path.GetFileName));
    }

    [BubblewrapFact]
    public async Task A_global_git_config_that_links_into_the_workspace_and_what_it_includes_stay_read_only()
    {
        // Found by an attack: with a workspace of dotfiles that ~/.gitconfig links into, a command added a core.fsmonitor
        // to the global config, and git ran it in the human's next git status in any repository.
        using var directory = new SandboxTestDirectory();
        var dotfiles = Directory.CreateDirectory(Path.Combine(directory.Workspace, "dotfiles")).FullName;
        // A relative include is read beside the link, in the home: the usual dotfiles include names its file in full.
        var content = $"[user]\n\tname = x\n[include]\n\tpath = {Path.Combine(dotfiles, "local.gitconfig")}\n";
        File.WriteAllText(Path.Combine(dotfiles, "gitconfig"), content);
        File.CreateSymbolicLink(Path.Combine(directory.Home, ".gitconfig"), Path.Combine(dotfiles, "gitconfig"));
        var script = """
            printf '[core]\n\tfsmonitor = touch /tmp/x\n' >> dotfiles/gitconfig
            printf '[core]\n\tfsmonitor = touch /tmp/x\n' > dotfiles/local.gitconfig
            echo other > dotfiles/README && echo WORKSPACE-WRITABLE
            """;
        var host = BubblewrapMountPlanTests.HostPaths(directory.Home) with { GitGlobalConfigs = [Path.Combine(directory.Home, ".gitconfig")] };

        var result = await RunAsync(directory, script, host: host);

        Assert.Equal("WORKSPACE-WRITABLE\n", result.Stdout.Text);
        Assert.Equal(content, File.ReadAllText(Path.Combine(dotfiles, "gitconfig")));
        Assert.False(Path.Exists(Path.Combine(dotfiles, "local.gitconfig")));
    }

    [BubblewrapTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_missing_user_config_directory_inside_a_writable_root_cannot_be_created(bool xdgConfigHomeElsewhere)
    {
        // Found by an attack: with ~/.config a writable root (or the home the workspace) and no user config yet, a
        // command wrote ~/.config/agentexec/config.json with "sandbox": "danger-full-access", and the next start read it
        // as the user's own config and ran every command unsandboxed. Found by a review: with XDG_CONFIG_HOME elsewhere,
        // only $XDG_CONFIG_HOME/agentexec was kept read-only, while a later start without that variable reads ~/.config.
        using var directory = new SandboxTestDirectory();
        var configHome = Directory.CreateDirectory(Path.Combine(directory.Home, ".config")).FullName;
        var configDirectory = Path.Combine(configHome, "agentexec");
        var script = $$"""
            mkdir -p {{configDirectory}} && echo '{"sandbox":"danger-full-access"}' > {{configDirectory}}/config.json
            echo other > {{configHome}}/other.txt && echo ROOT-WRITABLE
            """;
        var host = BubblewrapMountPlanTests.HostPaths(directory.Home) with
        {
            UserConfigDirectory = xdgConfigHomeElsewhere ? Path.Combine(directory.Outside, "xdg", "agentexec") : configDirectory,
        };

        var result = await RunAsync(directory, script, writableRoots: [configHome], host: host);

        Assert.Equal("ROOT-WRITABLE\n", result.Stdout.Text);
        Assert.False(Path.Exists(configDirectory));
    }

    [BubblewrapFact]
    public void A_file_that_decides_what_git_runs_with_a_second_name_in_the_workspace_refuses_the_run()
    {
        // Found by an attack: a command made lib/.git with git init (nothing to report) and a hard link .cfg to its
        // config while it was new; in later runs lib/.git was read-only, yet .cfg still wrote its config.
        using var directory = new SandboxTestDirectory();
        var nested = Directory.CreateDirectory(Path.Combine(directory.Workspace, "lib", ".git", "hooks")).Parent!.FullName;
        File.WriteAllText(Path.Combine(nested, "config"), "[core]\n\tbare = false\n");
        Assert.Equal(0, HostCommand.Run(directory.Workspace, "ln", Path.Combine(nested, "config"), ".cfg").ExitCode);
        var exception = RefusalToWrap(directory);

        var refusal = Assert.IsType<IOException>(exception);
        Assert.Contains("hard links", refusal.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(nested, "config"), refusal.Message, StringComparison.Ordinal);
    }

    [BubblewrapFact]
    public async Task A_config_that_is_a_link_into_the_workspace_keeps_its_target_read_only()
    {
        // Found by an attack: mv config ../../cfg && ln -s ../../cfg config in a new repository; in later runs sub/.git
        // was read-only, but its config was the workspace file cfg, which the command rewrote.
        using var directory = new SandboxTestDirectory();
        var nested = Directory.CreateDirectory(Path.Combine(directory.Workspace, "sub", ".git")).FullName;
        File.WriteAllText(Path.Combine(directory.Workspace, "cfg"), "[core]\n\tbare = false\n");
        File.CreateSymbolicLink(Path.Combine(nested, "config"), "../../cfg");
        const string script = """
            printf '[core]\n\tfsmonitor = touch /tmp/x\n' >> cfg
            echo other > other.txt && echo WORKSPACE-WRITABLE
            """;

        var result = await RunAsync(directory, script);

        Assert.Equal("WORKSPACE-WRITABLE\n", result.Stdout.Text);
        Assert.Equal("[core]\n\tbare = false\n", File.ReadAllText(Path.Combine(directory.Workspace, "cfg")));
    }

    [BubblewrapFact]
    public async Task A_relative_global_hooks_path_is_kept_in_every_repository_of_the_workspace()
    {
        // Found by an attack: with "git config --global core.hooksPath .githooks" each repository runs its own
        // .githooks; the command made lib/.githooks/pre-commit in a nested clone, and the human's commit there ran it.
        using var directory = new SandboxTestDirectory();
        File.WriteAllText(Path.Combine(directory.Home, ".gitconfig"), "[core]\n\thooksPath = .githooks\n");
        Directory.CreateDirectory(Path.Combine(directory.Workspace, ".git"));
        Directory.CreateDirectory(Path.Combine(directory.Workspace, "lib", ".git"));
        const string script = """
            mkdir -p lib/.githooks; echo evil > lib/.githooks/pre-commit
            mkdir -p .githooks; echo evil > .githooks/pre-commit
            echo other > lib/README && echo WORKSPACE-WRITABLE
            """;
        var host = BubblewrapMountPlanTests.HostPaths(directory.Home) with { GitGlobalConfigs = [Path.Combine(directory.Home, ".gitconfig")] };

        var result = await RunAsync(directory, script, host: host);

        Assert.Equal("WORKSPACE-WRITABLE\n", result.Stdout.Text);
        Assert.False(Path.Exists(Path.Combine(directory.Workspace, "lib", ".githooks")));
        Assert.False(Path.Exists(Path.Combine(directory.Workspace, ".githooks")));
    }

    [BubblewrapFact]
    public void A_protected_path_that_climbs_out_of_a_directory_a_command_could_replace_refuses_the_run()
    {
        // tools/../.githooks: tools is an ordinary directory of the workspace; replaced by a link to sub/x, the ".."
        // would lead into sub, where a command makes .githooks, while only the end of the path is bound read-only.
        using var directory = new SandboxTestDirectory();
        var git = Directory.CreateDirectory(Path.Combine(directory.Workspace, ".git")).FullName;
        File.WriteAllText(Path.Combine(git, "config"), "[core]\n\thooksPath = tools/../.githooks\n[include]\n\tpath = ../shared.gitconfig\n");
        Directory.CreateDirectory(Path.Combine(directory.Workspace, "tools"));
        var exception = RefusalToWrap(directory);

        var refusal = Assert.IsType<IOException>(exception);
        Assert.Contains(Path.Combine(directory.Workspace, "tools"), refusal.Message, StringComparison.Ordinal);
    }

    [BubblewrapFact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task A_directory_the_credential_scan_cannot_list_hides_no_credential_and_no_repository_from_the_sandbox()
    {
        // Found by an attack: after a command made config/ search-only (chmod 111), the scan could not list it, so
        // config/.env was not hidden and a submodule's .git below libs/ was not kept read-only; the command still
        // opened both by name. Either the run is refused, or (as root, whom the mode does not stop) the scan sees them.
        using var directory = new SandboxTestDirectory();
        var config = Directory.CreateDirectory(Path.Combine(directory.Workspace, "config")).FullName;
        File.WriteAllText(Path.Combine(config, ".env"), "TOKEN=SECRET-IN-ENV\n");
        var submodule = Directory.CreateDirectory(Path.Combine(directory.Workspace, "libs", "vendored", ".git")).FullName;
        File.WriteAllText(Path.Combine(submodule, "config"), "[core]\n\tbare = false\n");
        var searchOnly = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(config, searchOnly);
        File.SetUnixFileMode(Path.Combine(directory.Workspace, "libs"), searchOnly);
        try
        {
            const string script = """
                cat config/.env
                printf '[core]\n\tfsmonitor = touch /tmp/x\n' >> libs/vendored/.git/config
                echo DONE
                """;

            ExecutionResult? result = null;
            var refusal = await Record.ExceptionAsync(async () => result = await RunAsync(directory, script));

            if (refusal is not null)
            {
                Assert.IsType<IOException>(refusal);
                Assert.Contains("cannot be listed", refusal.Message, StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal("DONE\n", result!.Stdout.Text);
            }

            Assert.Equal("[core]\n\tbare = false\n", File.ReadAllText(Path.Combine(submodule, "config")));
        }
        finally
        {
            File.SetUnixFileMode(config, (UnixFileMode)0b111_101_101);
            File.SetUnixFileMode(Path.Combine(directory.Workspace, "libs"), (UnixFileMode)0b111_101_101);
        }
    }

    [BubblewrapFact]
    public async Task A_folder_holding_a_protected_path_cannot_be_renamed_to_swap_in_a_forged_one()
    {
        // Arrange: the git directory a .git file points to lies deeper inside the writable workspace.
        using var directory = new SandboxTestDirectory();
        var gitDirectory = Directory.CreateDirectory(Path.Combine(directory.Workspace, "vendor", "repo.git", "hooks")).Parent!.FullName;
        File.WriteAllText(Path.Combine(directory.Workspace, ".git"), "gitdir: vendor/repo.git\n");
        const string script = """
            mv vendor vendor-old || echo "RENAME REFUSED"
            mkdir -p vendor/repo.git/hooks && echo evil > vendor/repo.git/hooks/pre-commit
            echo DONE
            """;

        // Act
        var result = await RunAsync(directory, script);

        // Assert
        Assert.Equal("RENAME REFUSED\nDONE\n", result.Stdout.Text);
        Assert.False(Directory.Exists(Path.Combine(directory.Workspace, "vendor-old")));
        Assert.False(File.Exists(Path.Combine(gitDirectory, "hooks", "pre-commit")));
    }

    [BubblewrapFact]
    public async Task A_cancelled_command_leaves_no_double_forked_or_setsid_process_behind()
    {
        // Arrange
        using var directory = new SandboxTestDirectory();
        using var cancellation = new CancellationTokenSource();
        var observer = new RecordingOutputObserver(onFirstStdout: cancellation.Cancel);
        var marker = "agentexec-cancel-" + Guid.NewGuid().ToString("N");
        var script = $"""
            ( (exec -a {marker}-double sleep 300) & )
            setsid bash -c 'exec -a {marker}-setsid sleep 300' &
            until pgrep -f {marker}-double >/dev/null && pgrep -f {marker}-setsid >/dev/null; do sleep 0.05; done
            echo STARTED
            sleep 300
            """;
        var stopwatch = Stopwatch.StartNew();

        // Act
        var result = await RunAsync(directory, script, observer: observer, cancellationToken: cancellation.Token);

        // Assert
        Assert.Equal((ExecutionOutcome.Cancelled, "STARTED\n"), (result.Outcome, result.Stdout.Text));
        Assert.True(stopwatch.Elapsed < PromptEnough, $"Took {stopwatch.Elapsed}.");
        try
        {
            Assert.True(HostProcesses.NoneWithin(marker, KillIsDelivered), $"Survivors: {string.Join(", ", HostProcesses.Matching(marker))}");
        }
        finally
        {
            HostProcesses.KillAll(marker);
        }
    }

    [BubblewrapFact]
    public async Task A_sandboxed_command_outlives_the_thread_that_started_it()
    {
        // Arrange: --die-with-parent arms a parent-death signal, which Linux sends when the parent *thread* exits. The
        // thread that asks for the command waits until the command is up (so the signal is surely armed) and then
        // ends; the command must still run to its end.
        using var directory = new SandboxTestDirectory();
        using var up = new ManualResetEventSlim();
        var observer = new RecordingOutputObserver(onFirstStdout: up.Set);
        Task<ExecutionResult>? running = null;
        var starter = new Thread(() =>
        {
            running = RunAsync(directory, "echo up; sleep 0.5; echo survived", observer: observer);
            up.Wait(PromptEnough);
        });

        // Act
        starter.Start();
        starter.Join();
        var result = await running!.WaitAsync(PromptEnough);

        // Assert
        Assert.Equal((ExecutionOutcome.Exited, (int?)0, "up\nsurvived\n"), (result.Outcome, result.ExitCode, result.Stdout.Text));
    }

    [BubblewrapFact]
    public async Task A_working_directory_the_sandbox_hides_fails_as_bubblewraps_own_denial()
    {
        // Arrange: a directory under the real /tmp, outside the workspace: it does not exist inside.
        using var directory = new SandboxTestDirectory();
        using var hidden = new TemporaryDirectory();
        var sandbox = Sandbox(directory);
        var wrapped = sandbox.Wrap(BubblewrapMountPlanTests.Invocation(directory.Workspace, SandboxMode.WorkspaceWrite) with { WorkingDirectory = hidden.Path });

        // Act
        var result = await _runner.RunAsync(new ExecutionSpec(wrapped.Argv, hidden.Path, wrapped.Environment, PromptEnough, 4096), null, CancellationToken.None);
        wrapped.Cleanup?.Invoke();

        // Assert
        Assert.StartsWith("bwrap: ", result.Stderr.Text, StringComparison.Ordinal);
        Assert.True(sandbox.LooksDenied(result));
    }

    [Fact]
    public void The_command_line_starts_with_the_namespaces_and_ends_with_the_mount_check_and_the_command()
    {
        // Arrange
        using var directory = new SandboxTestDirectory();
        var invocation = BubblewrapMountPlanTests.Invocation(directory.Workspace, SandboxMode.WorkspaceWrite) with { Argv = ["bash", "-c", "echo hi"] };

        // Act
        var argv = ArgvOf(new BubblewrapSandbox("/usr/bin/bwrap", BubblewrapMountPlanTests.HostPaths(directory.Home)), invocation);

        // Assert
        // /bin/sh opens the seccomp filter on descriptor 3 and becomes bwrap, which reads it (BubblewrapSeccomp).
        Assert.Equal(["/bin/sh", "-c", "exec \"$@\" 3<\"$0\""], argv.Take(3));
        Assert.Matches("/seccomp-file-modes-[0-9a-f]{16}\\.bpf$", argv[3]);
        Assert.Equal(["/usr/bin/bwrap", "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-ipc", "--unshare-net", "--cap-drop", "ALL", "--seccomp", "3"], argv.Skip(4).Take(10));
        var separator = argv.ToList().IndexOf("--");
        Assert.Equal(["--chdir", directory.Workspace], argv.Skip(separator - 2).Take(2));
        Assert.Equal([BubblewrapMountCheck.Shell, "-c"], argv.Skip(separator + 1).Take(2));
        Assert.Equal(["--", "bash", "-c", "echo hi"], argv.TakeLast(4));
    }

    [Fact]
    public void With_network_on_the_network_namespace_is_shared()
    {
        using var directory = new SandboxTestDirectory();
        var invocation = BubblewrapMountPlanTests.Invocation(directory.Workspace, SandboxMode.WorkspaceWrite, network: true);

        var argv = ArgvOf(new BubblewrapSandbox("/usr/bin/bwrap", BubblewrapMountPlanTests.HostPaths(directory.Home)), invocation);

        Assert.DoesNotContain("--unshare-net", argv);
        Assert.Contains("--unshare-pid", argv);
    }

    [Fact]
    public void A_relative_bubblewrap_path_is_refused_because_the_command_path_would_decide_what_runs()
    {
        Assert.Throws<ArgumentException>(() => new BubblewrapSandbox("bwrap", BubblewrapMountPlanTests.HostPaths("/home/x")));
    }

    private async Task<ExecutionResult> RunAsync(
        SandboxTestDirectory directory,
        string script,
        IReadOnlyList<string>? writableRoots = null,
        IOutputObserver? observer = null,
        SandboxHostPaths? host = null,
        CancellationToken cancellationToken = default)
    {
        var invocation = BubblewrapMountPlanTests.Invocation(directory.Workspace, SandboxMode.WorkspaceWrite, writableRoots) with
        {
            Argv = ["bash", "-c", script],
        };
        var wrapped = Sandbox(directory, host).Wrap(invocation);
        try
        {
            return await _runner.RunAsync(
                new ExecutionSpec(wrapped.Argv, directory.Workspace, wrapped.Environment, TimeSpan.FromSeconds(60), ExecutionSpec.DefaultOutputCapBytes),
                observer,
                cancellationToken);
        }
        finally
        {
            wrapped.Cleanup?.Invoke();
        }
    }

    /// <summary>What wrapping a workspace-write command in <paramref name="directory"/> throws (null when it is wrapped; what it prepared is then released).</summary>
    private static Exception? RefusalToWrap(SandboxTestDirectory directory) =>
        Record.Exception(() => Sandbox(directory).Wrap(BubblewrapMountPlanTests.Invocation(directory.Workspace, SandboxMode.WorkspaceWrite)).Cleanup?.Invoke());

    /// <summary>The argv the sandbox builds, releasing what the wrap prepared (the workspace placeholders) at once.</summary>
    private static IReadOnlyList<string> ArgvOf(BubblewrapSandbox sandbox, SandboxInvocation invocation)
    {
        var wrapped = sandbox.Wrap(invocation);
        wrapped.Cleanup?.Invoke();
        return wrapped.Argv;
    }

    private static BubblewrapSandbox Sandbox(SandboxTestDirectory directory, SandboxHostPaths? host = null)
    {
        var selection = new BubblewrapProbe(ChildEnvironment.ReadHost()).Probe(new()
        {
            Workspace = directory.Workspace,
            AuditLogPath = Path.Combine(directory.Root, "audit.jsonl"),
        });
        var sandbox = Assert.IsType<BubblewrapSandbox>(selection.Sandbox);
        return new BubblewrapSandbox(sandbox.Executable, host ?? BubblewrapMountPlanTests.HostPaths(directory.Home));
    }
}
