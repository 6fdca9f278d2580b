using AgentExec.Core.Configuration;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>The mounts bubblewrap is given, and their order: plain file-system fixtures, no bwrap needed.</summary>
public sealed class BubblewrapMountPlanTests
{
    [Fact]
    public void The_root_is_read_only_first_and_the_workspace_is_bound_writable_after_the_hidden_tmp()
    {
        // Arrange
        using var directory = new SandboxTestDirectory();

        // Act
        var arguments = Plan(directory, SandboxMode.WorkspaceWrite);

        // Assert
        Assert.Equal(["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"], arguments.Take(7));
        Assert.True(IndexOf(arguments, "--tmpfs", "/tmp") >= 0, "The real /tmp is not hidden.");
        Assert.True(IndexOf(arguments, "--tmpfs", "/run") >= 0, "/run is not hidden.");
        Assert.True(IndexOf(arguments, "--bind", directory.Workspace, directory.Workspace) > IndexOf(arguments, "--dev", "/dev"));
        Assert.True(IndexOf(arguments, "--ro-bind", "/proc/sys", "/proc/sys") > IndexOf(arguments, "--proc", "/proc"), "/proc/sys stays writable for root.");
        Assert.DoesNotContain("/tmp", Pairs(arguments, "--remount-ro"));
    }

    [Fact]
    public void Read_only_mode_binds_nothing_writable_and_makes_the_private_tmp_read_only()
    {
        // Arrange
        using var directory = new SandboxTestDirectory();

        // Act
        var arguments = Plan(directory, SandboxMode.ReadOnly);

        // Assert
        Assert.DoesNotContain("--bind", arguments);
        Assert.True(IndexOf(arguments, "--ro-bind", directory.Workspace, directory.Workspace) >= 0, "The workspace is not kept visible.");
        Assert.Contains("/tmp", Pairs(arguments, "--remount-ro"));
    }

    [Fact]
    public void A_workspace_under_tmp_is_bound_after_tmp_is_hidden_so_it_stays_visible()
    {
        // Arrange: deeper mounts must come later whatever the order they were planned in.
        var workspace = Directory.CreateDirectory(Path.Combine("/tmp", "agentexec-plan-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            // Act
            var arguments = BubblewrapMountPlan.Create(Invocation(workspace, SandboxMode.WorkspaceWrite), HostPaths("/nonexistent-home")).ToArguments();

            // Assert
            Assert.True(IndexOf(arguments, "--bind", workspace, workspace) > IndexOf(arguments, "--tmpfs", "/tmp"));
        }
        finally
        {
            Directory.Delete(workspace, recursive: true);
        }
    }

    [Fact]
    public void Protected_workspace_paths_are_read_only_after_the_writable_workspace_bind()
    {
        // Arrange
        using var directory = new SandboxTestDirectory();
        var git = Directory.CreateDirectory(Path.Combine(directory.Workspace, ".git")).FullName;
        var config = directory.WriteFile(Path.Combine("workspace", "agentexec.json"), "{}");

        // Act
        var arguments = Plan(directory, SandboxMode.WorkspaceWrite);

        // Assert
        var workspaceBind = IndexOf(arguments, "--bind", directory.Workspace, directory.Workspace);
        Assert.True(IndexOf(arguments, "--ro-bind", git, git) > workspaceBind, ".git is not re-bound read-only after the workspace.");
        Assert.True(IndexOf(arguments, "--ro-bind", config, config) > workspaceBind, "agentexec.json is not re-bound read-only after the workspace.");
    }

    [Fact]
    public void A_git_file_protects_the_git_directory_it_points_to_and_that_directorys_common_directory()
    {
        // Arrange: a worktree layout, both git directories inside a writable root.
        using var directory = new SandboxTestDirectory();
        var repository = Directory.CreateDirectory(Path.Combine(directory.Root, "repo")).FullName;
        var mainGit = Directory.CreateDirectory(Path.Combine(repository, ".git", "hooks")).Parent!.FullName;
        var worktreeGit = Directory.CreateDirectory(Path.Combine(mainGit, "worktrees", "feature")).FullName;
        File.WriteAllText(Path.Combine(worktreeGit, "commondir"), "../..\n");
        File.WriteAllText(Path.Combine(directory.Workspace, ".git"), $"gitdir: {worktreeGit}\n");

        // Act
        var arguments = BubblewrapMountPlan.Create(
            Invocation(directory.Workspace, SandboxMode.WorkspaceWrite, writableRoots: [repository]),
            HostPaths(directory.Home)).ToArguments();

        // Assert
        var dotGitFile = Path.Combine(directory.Workspace, ".git");
        Assert.True(IndexOf(arguments, "--ro-bind", dotGitFile, dotGitFile) >= 0, "The .git file is writable.");
        Assert.True(IndexOf(arguments, "--ro-bind", worktreeGit, worktreeGit) >= 0, "The worktree's git directory is writable.");
        Assert.True(IndexOf(arguments, "--ro-bind", mainGit, mainGit) > IndexOf(arguments, "--bind", repository, repository), "The main git directory (hooks, config) is writable.");
        // The worktree's git directory lies under the read-only main one: no writable pin may re-expose its parents.
        Assert.Equal(-1, IndexOf(arguments, "--bind", Path.Combine(mainGit, "worktrees"), Path.Combine(mainGit, "worktrees")));
    }

    [Fact]
    public void Directories_between_a_writable_root_and_a_protected_path_are_pinned_against_renaming()
    {
        // Arrange
        using var directory = new SandboxTestDirectory();
        var state = Directory.CreateDirectory(Path.Combine(directory.Root, "state")).FullName;
        var audit = directory.WriteFile(Path.Combine("state", "agentexec", "logs", "audit.jsonl"), string.Empty);
        var invocation = Invocation(directory.Workspace, SandboxMode.WorkspaceWrite, writableRoots: [state]);

        // Act
        var arguments = BubblewrapMountPlan.Create(invocation, HostPaths(directory.Home) with { AuditLogPath = audit }).ToArguments();

        // Assert
        var agentexec = Path.Combine(state, "agentexec");
        var logs = Path.Combine(agentexec, "logs");
        var order = new[]
        {
            IndexOf(arguments, "--bind", state, state),
            IndexOf(arguments, "--bind", agentexec, agentexec),
            IndexOf(arguments, "--bind", logs, logs),

            // The log is a credential too: hidden (empty and read-only), which also keeps it from being replaced.
            IndexOf(arguments, "--ro-bind", "/dev/null", audit),
        };
        Assert.DoesNotContain(-1, order);
        Assert.Equal(order.Order(), order);
    }

    [Fact]
    public void A_protected_path_that_is_also_hidden_gets_the_hiding_mount_alone()
    {
        // Arrange: a workspace .env, protected as a placeholder name (read-only) and hidden as a credential name.
        using var directory = new SandboxTestDirectory();
        var env = directory.WriteFile(Path.Combine("workspace", ".env"), "KEY=1");
        Assert.StartsWith(directory.Workspace, env, StringComparison.Ordinal);
        var config = directory.WriteFile(Path.Combine("workspace", "agentexec.json"), "{}");

        // Act
        var arguments = Plan(directory, SandboxMode.WorkspaceWrite);

        // Assert: one mount for .env, the hiding one (bubblewrap re-reads the mount table for each mount); a protected
        // path that is not hidden keeps its read-only bind.
        Assert.True(IndexOf(arguments, "--ro-bind", "/dev/null", env) >= 0, ".env is not hidden.");
        Assert.Equal(-1, IndexOf(arguments, "--ro-bind", env, env));
        Assert.True(IndexOf(arguments, "--ro-bind", config, config) >= 0, "agentexec.json is not kept read-only.");
    }

    [Fact]
    public void A_protected_or_hidden_link_is_followed_to_its_target()
    {
        // Arrange: a .env that is a link to a file elsewhere.
        using var directory = new SandboxTestDirectory();
        var secrets = directory.WriteFile("secrets.env", "KEY=1");
        File.CreateSymbolicLink(Path.Combine(directory.Workspace, ".env"), secrets);

        // Act
        var arguments = Plan(directory, SandboxMode.WorkspaceWrite);

        // Assert
        Assert.True(IndexOf(arguments, "--ro-bind", "/dev/null", secrets) >= 0, "The .env link's target is not hidden.");
    }

    [Fact]
    public void A_credential_named_link_to_a_file_of_another_owner_outside_the_roots_does_not_hide_that_file()
    {
        // Found by an attack: x.pem -> /usr/bin/true hid the host's true in every sandbox, which failed the start-up
        // trial and made auto choose Landlock. Outside the roots only the user's own files are hidden through a link.
        using var directory = new SandboxTestDirectory();
        const string hostFile = "/etc/hostname";
        File.CreateSymbolicLink(Path.Combine(directory.Workspace, "x.pem"), hostFile);
        var ownedByTheUser = AgentExec.Core.Configuration.UnixFileStatus.OfPath(hostFile).Owner == AgentExec.Core.Execution.Libc.GetEffectiveUserId();

        var arguments = Plan(directory, SandboxMode.WorkspaceWrite);

        // As root (stage 1 of CI) /etc/hostname is the user's own and stays hidden; as anyone else it is not.
        Assert.Equal(ownedByTheUser, IndexOf(arguments, "--ro-bind", "/dev/null", hostFile) >= 0);
    }

    [Fact]
    public void A_writable_root_that_has_become_a_link_is_refused_rather_than_followed()
    {
        // Arrange: a root beside the workspace, replaced since start-up by a link to a folder outside.
        using var directory = new SandboxTestDirectory();
        var root = Path.Combine(directory.Home, "build");
        File.CreateSymbolicLink(root, directory.Outside);

        // Act
        var plan = BubblewrapMountPlan.Create(Invocation(directory.Workspace, SandboxMode.WorkspaceWrite, writableRoots: [root]), HostPaths(directory.Home));
        var arguments = plan.ToArguments();

        // Assert
        Assert.DoesNotContain(directory.Outside, arguments);
        Assert.DoesNotContain(root, arguments);
        Assert.Equal([$"{root} now resolves to {directory.Outside}"], plan.RefusedWritableRoots);
        Assert.True(IndexOf(arguments, "--bind", directory.Workspace, directory.Workspace) >= 0);
    }

    [Fact]
    public void A_writable_root_inside_another_is_not_bound_again()
    {
        // Writable already; a second writable bind stacked at one place could be redirected beneath the top one, where
        // the mount check (it reads the top mount) would not see it.
        using var directory = new SandboxTestDirectory();
        var root = Directory.CreateDirectory(Path.Combine(directory.Workspace, "build")).FullName;

        var arguments = BubblewrapMountPlan.Create(Invocation(directory.Workspace, SandboxMode.WorkspaceWrite, writableRoots: [root]), HostPaths(directory.Home)).ToArguments();

        Assert.True(IndexOf(arguments, "--bind", directory.Workspace, directory.Workspace) >= 0);
        Assert.True(IndexOf(arguments, "--bind", root, root) < 0);
    }

    [Fact]
    public void Credential_folders_are_hidden_even_inside_a_writable_root_and_missing_ones_are_skipped()
    {
        // Arrange: the home itself is the workspace, the worst case.
        using var directory = new SandboxTestDirectory();
        var ssh = Directory.CreateDirectory(Path.Combine(directory.Workspace, ".ssh")).FullName;
        var netrc = directory.WriteFile(Path.Combine("workspace", ".netrc"), "machine x");

        // Act
        var plan = BubblewrapMountPlan.Create(Invocation(directory.Workspace, SandboxMode.WorkspaceWrite), HostPaths(directory.Workspace));
        var arguments = plan.ToArguments();

        // Assert
        Assert.True(IndexOf(arguments, "--tmpfs", ssh) > IndexOf(arguments, "--bind", directory.Workspace, directory.Workspace));
        Assert.Contains(ssh, Pairs(arguments, "--remount-ro"));
        Assert.True(IndexOf(arguments, "--ro-bind", "/dev/null", netrc) >= 0);
        Assert.Contains(Path.Combine(directory.Workspace, ".aws"), plan.Skipped);
        Assert.DoesNotContain(Path.Combine(directory.Workspace, ".aws"), arguments);
    }

    [Fact]
    public void The_user_config_and_its_folder_are_hidden_and_a_workspace_config_is_only_read_only()
    {
        // Arrange
        using var directory = new SandboxTestDirectory();
        var userConfig = directory.WriteFile(Path.Combine("config", "agentexec", "config.json"), "{}");
        var workspaceConfig = directory.WriteFile(Path.Combine("workspace", "rules.json"), "{}");
        var hostPaths = HostPaths(directory.Home) with
        {
            UserConfigPath = userConfig,
            UserConfigDirectory = Path.GetDirectoryName(userConfig),
            ReadOnlyFiles = [workspaceConfig],
        };

        // Act
        var arguments = BubblewrapMountPlan.Create(Invocation(directory.Workspace, SandboxMode.WorkspaceWrite), hostPaths).ToArguments();

        // Assert
        Assert.True(IndexOf(arguments, "--tmpfs", Path.GetDirectoryName(userConfig)!) >= 0);
        Assert.True(IndexOf(arguments, "--ro-bind", workspaceConfig, workspaceConfig) >= 0);
    }

    [Fact]
    public void Every_credential_entry_that_exists_is_hidden_for_the_home_the_command_sees_and_in_the_writable_roots()
    {
        // Arrange: a second home given to the command, a wildcard entry, a user entry and credential names at depth.
        using var directory = new SandboxTestDirectory();
        var childHome = Directory.CreateDirectory(Path.Combine(directory.Root, "child-home")).FullName;
        var kube = directory.WriteFile("child-home/.kube/config", "x");
        var cargo = directory.WriteFile("home/.cargo/credentials.toml", "x");
        var token = directory.WriteFile("home/.vault-token", "x");
        var root = Directory.CreateDirectory(Path.Combine(directory.Root, "cache")).FullName;
        var pem = directory.WriteFile("cache/pkg/test/k.pem", "x");
        var envDirectory = Directory.CreateDirectory(Path.Combine(directory.Workspace, "conf", ".env")).FullName;
        var audit = directory.WriteFile("state/audit.jsonl", "");
        var invocation = Invocation(directory.Workspace, SandboxMode.WorkspaceWrite, writableRoots: [root]) with
        {
            Environment = new Dictionary<string, string> { ["HOME"] = childHome },
        };
        var hostPaths = HostPaths(directory.Home) with { AuditLogPath = audit, Credentials = AgentExec.Core.Credentials.CredentialList.For(null, ["~/.vault-token"]) };

        // Act
        var plan = BubblewrapMountPlan.Create(invocation, hostPaths);
        var arguments = plan.ToArguments();

        // Assert
        foreach (var file in new[] { kube, cargo, token, pem, audit })
        {
            Assert.True(IndexOf(arguments, "--ro-bind", "/dev/null", file) >= 0, $"{file} is not hidden.");
        }

        Assert.True(IndexOf(arguments, "--tmpfs", envDirectory) > IndexOf(arguments, "--bind", directory.Workspace, directory.Workspace));
        Assert.Contains(envDirectory, Pairs(arguments, "--remount-ro"));
        Assert.Null(plan.IncompleteCredentialScan);
        Assert.DoesNotContain(arguments, argument => argument.StartsWith("/proc/", StringComparison.Ordinal) && argument.EndsWith("environ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("credential names")]
    [InlineData("directories holding HEAD")]
    public void Names_a_command_could_create_to_reach_the_scans_bound_refuse_the_run_instead_of_leaving_what_lies_past_it_readable(string decoys)
    {
        // Arrange: a real .env and a nested repository two levels down, and nearer the root as many empty names as the
        // scan reports (the walk is breadth-first); an attack made 2,001 empty .env.N files, and the next command read
        // config/.env and rewrote sub/.git/config from the sandbox.
        using var directory = new SandboxTestDirectory();
        var secret = directory.WriteFile(Path.Combine("workspace", "app", "config", ".env"), "TOKEN=secret\n");
        Directory.CreateDirectory(Path.Combine(directory.Workspace, "app", "sub", ".git"));
        if (decoys == "credential names")
        {
            for (var i = 0; i < AgentExec.Core.Credentials.CredentialScan.MaxFound; i++)
            {
                File.WriteAllText(Path.Combine(directory.Workspace, $".env.{i}"), string.Empty);
            }
        }
        else
        {
            for (var i = 0; i < AgentExec.Core.Credentials.CredentialScan.MaxRepositories; i++)
            {
                File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(directory.Workspace, $"d{i}")).FullName, "HEAD"), string.Empty);
            }
        }

        // Act
        var plan = BubblewrapMountPlan.Create(Invocation(directory.Workspace, SandboxMode.WorkspaceWrite), HostPaths(directory.Home));

        // Assert
        Assert.NotNull(plan.IncompleteCredentialScan);
        Assert.True(IndexOf(plan.ToArguments(), "--ro-bind", "/dev/null", secret) < 0, "The fixture is not past the bound.");
        var refusal = Assert.Single(plan.Refusals);
        Assert.Contains("by creating names alone", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wildcard_credential_entry_with_more_matches_than_can_be_listed_refuses_the_run()
    {
        // Found in a review: the matches of a user's wildcard entry past the listing bound (10,000 entries) were neither
        // hidden nor reported, and cat of the token of a late folder printed it under bubblewrap.
        using var directory = new SandboxTestDirectory();
        var many = Directory.CreateDirectory(Path.Combine(directory.Root, "many")).FullName;
        for (var i = 0; i <= 10_000; i++)
        {
            Directory.CreateDirectory(Path.Combine(many, $"d{i}"));
        }

        var hostPaths = HostPaths(directory.Home) with { Credentials = AgentExec.Core.Credentials.CredentialList.For(null, [$"{many}/*/token"]) };

        // Act
        var plan = BubblewrapMountPlan.Create(Invocation(directory.Workspace, SandboxMode.WorkspaceWrite), hostPaths);

        // Assert
        var refusal = Assert.Single(plan.Refusals);
        Assert.Contains($"{many}/*/token has more matches than can be listed", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void The_agentexec_binary_and_its_folders_inside_a_writable_directory_are_kept_read_only_and_outside_ones_are_left_alone()
    {
        // The server runs unsandboxed from them: a command once overwrote OpenAI.dll in a build inside the workspace,
        // and the server loaded it at its first risk assessment.
        using var directory = new SandboxTestDirectory();
        var inside = directory.WriteFile("workspace/tools/agentexec", "");
        var outside = directory.WriteFile("elsewhere/agentexec", "");
        var hostPaths = HostPaths(directory.Home) with { AgentExecPlaces = AgentExec.Core.Sandbox.AgentExecInstallation.Places([inside, outside]) };

        var arguments = BubblewrapMountPlan.Create(Invocation(directory.Workspace, SandboxMode.WorkspaceWrite), hostPaths).ToArguments();

        var folder = Path.GetDirectoryName(inside)!;
        Assert.True(IndexOf(arguments, "--ro-bind", folder, folder) > IndexOf(arguments, "--bind", directory.Workspace, directory.Workspace));
        Assert.True(IndexOf(arguments, "--ro-bind", inside, inside) >= 0);
        Assert.DoesNotContain(outside, arguments);
    }

    [Theory]
    [InlineData("global", "[include]\n\tpath = ~nobody/ws/team.gitconfig\n")]
    [InlineData("global", "[core]\n\thooksPath = ~nobody/ws/.hooks\n")]
    [InlineData("global", "[core]\n\thooksPath = %(prefix)/hooks\n")]
    [InlineData("global", "[init]\n\ttemplateDir = templates\n")]
    [InlineData("repository", "[core]\n\thooksPath = ~nobody/ws/.husky\n")]
    [InlineData("repository", "[include]\n\tpath = ~nobody/ws/local.gitconfig\n")]
    public void A_git_configuration_naming_what_cannot_be_placed_refuses_the_run_instead_of_leaving_it_writable(string which, string config)
    {
        // Found by a review: git expands ~user/ (the password database) and %(prefix)/; the plan skipped such values, left
        // ~user/ws/team.gitconfig and ~user/ws/.hooks writable, and the user's next git ran what a command wrote there.
        using var directory = new SandboxTestDirectory();
        var git = Directory.CreateDirectory(Path.Combine(directory.Workspace, ".git")).FullName;
        var file = which == "global" ? Path.Combine(directory.Home, ".gitconfig") : Path.Combine(git, "config");
        File.WriteAllText(file, config);
        var hostPaths = HostPaths(directory.Home) with { GitGlobalConfigs = [Path.Combine(directory.Home, ".gitconfig")] };

        var plan = BubblewrapMountPlan.Create(Invocation(directory.Workspace, SandboxMode.WorkspaceWrite), hostPaths);

        var refusal = Assert.Single(plan.Refusals);
        Assert.Contains(which == "global" ? "your global git configuration names what cannot be kept read-only" : "the repository's configuration names what cannot be kept read-only", refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("global")]
    [InlineData("repository")]
    public void A_Latin1_byte_in_a_git_configuration_does_not_hide_the_hooks_path_it_names(string which)
    {
        // Found by a review: git reads a Latin-1 user.name, this reader refused the whole file, and the hooks path it named
        // (.husky) was left writable; a command's pre-commit there ran at the user's next commit.
        using var directory = new SandboxTestDirectory();
        var git = Directory.CreateDirectory(Path.Combine(directory.Workspace, ".git")).FullName;
        var hooks = Directory.CreateDirectory(Path.Combine(directory.Workspace, ".husky")).FullName;
        var file = which == "global" ? Path.Combine(directory.Home, ".gitconfig") : Path.Combine(git, "config");
        File.WriteAllBytes(file, [.. "[user]\n\tname = Jos"u8, 0xE9, .. System.Text.Encoding.UTF8.GetBytes($"\n[core]\n\thooksPath = {(which == "global" ? hooks : ".husky")}\n")]);
        var hostPaths = HostPaths(directory.Home) with { GitGlobalConfigs = [Path.Combine(directory.Home, ".gitconfig")] };

        var plan = BubblewrapMountPlan.Create(Invocation(directory.Workspace, SandboxMode.WorkspaceWrite), hostPaths);

        Assert.Empty(plan.Refusals);
        var arguments = plan.ToArguments();
        Assert.True(IndexOf(arguments, "--ro-bind", hooks, hooks) > IndexOf(arguments, "--bind", directory.Workspace, directory.Workspace), ".husky is not kept read-only.");
    }

    [Theory]
    [InlineData("GIT_CONFIG_GLOBAL=/dev/null")]
    [InlineData("~/.gitconfig linked to /dev/null")]
    public void A_global_git_configuration_switched_off_with_the_null_device_is_empty_not_unknown(string how)
    {
        // The usual way to switch the user's configuration off; git reads it as empty. A review found it refused every run.
        using var directory = new SandboxTestDirectory();
        var global = "/dev/null";
        if (how.StartsWith('~'))
        {
            global = Path.Combine(directory.Home, ".gitconfig");
            File.CreateSymbolicLink(global, "/dev/null");
        }

        var hostPaths = HostPaths(directory.Home) with { GitGlobalConfigs = [global] };

        var plan = BubblewrapMountPlan.Create(Invocation(directory.Workspace, SandboxMode.WorkspaceWrite), hostPaths);

        Assert.Empty(plan.Refusals);
    }

    [Fact]
    public void The_global_template_directory_git_init_and_clone_copy_hooks_from_is_kept_read_only()
    {
        // Found by a review: with init.templateDir in the workspace, a command wrote tmpl/hooks/post-checkout and the
        // user's next git clone installed and ran it.
        using var directory = new SandboxTestDirectory();
        var templates = Directory.CreateDirectory(Path.Combine(directory.Workspace, "tmpl")).FullName;
        File.WriteAllText(Path.Combine(directory.Home, ".gitconfig"), $"[init]\n\ttemplateDir = {templates}\n");
        var hostPaths = HostPaths(directory.Home) with { GitGlobalConfigs = [Path.Combine(directory.Home, ".gitconfig")] };

        var plan = BubblewrapMountPlan.Create(Invocation(directory.Workspace, SandboxMode.WorkspaceWrite), hostPaths);

        Assert.Empty(plan.Refusals);
        var arguments = plan.ToArguments();
        Assert.True(IndexOf(arguments, "--ro-bind", templates, templates) > IndexOf(arguments, "--bind", directory.Workspace, directory.Workspace), "The template directory is not kept read-only.");
    }

    [Fact]
    public void The_shared_dotnet_installation_the_server_runs_on_is_kept_read_only_inside_a_writable_directory()
    {
        // Found by an attack: with ~/.dotnet (DOTNET_ROOT) inside the workspace, a command added
        // host/fxr/99.0.0/libhostfxr.so with no question, and the next agentexec start took the highest fxr version and ran
        // it outside any sandbox. The server also loads framework assemblies and native shims from there after commands ran.
        using var directory = new SandboxTestDirectory();
        var binary = directory.WriteFile("elsewhere/agentexec", "");
        var runtimeRoot = Path.GetFullPath(Path.Join(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        var hostPaths = HostPaths(directory.Home) with { AgentExecPlaces = AgentExec.Core.Sandbox.AgentExecInstallation.Places([binary]) };

        var arguments = BubblewrapMountPlan.Create(Invocation(directory.Workspace, SandboxMode.WorkspaceWrite, [runtimeRoot]), hostPaths).ToArguments();

        var host = Path.Join(runtimeRoot, "host");
        var shared = Path.Join(runtimeRoot, "shared");
        Assert.True(IndexOf(arguments, "--ro-bind", host, host) > IndexOf(arguments, "--bind", runtimeRoot, runtimeRoot), "host/ (hostfxr) is not kept read-only.");
        Assert.True(IndexOf(arguments, "--ro-bind", shared, shared) > IndexOf(arguments, "--bind", runtimeRoot, runtimeRoot), "shared/ (the framework) is not kept read-only.");
    }

    [Fact]
    public void The_runtime_places_are_the_host_and_shared_folders_of_a_shared_installation_and_nothing_under_native_aot()
    {
        using var directory = new SandboxTestDirectory();
        var root = Path.Join(directory.Workspace, ".dotnet");
        var runtime = Directory.CreateDirectory(Path.Join(root, "shared", "Microsoft.NETCore.App", "10.0.1")).FullName;
        var selfContained = Directory.CreateDirectory(Path.Join(directory.Workspace, "app")).FullName;

        Assert.Equal([Path.Join(root, "host"), Path.Join(root, "shared")], AgentExec.Core.Sandbox.AgentExecInstallation.RuntimePlaces(runtime + "/"));
        Assert.Equal([selfContained], AgentExec.Core.Sandbox.AgentExecInstallation.RuntimePlaces(selfContained));
        Assert.Empty(AgentExec.Core.Sandbox.AgentExecInstallation.RuntimePlaces(null));
        Assert.Empty(AgentExec.Core.Sandbox.AgentExecInstallation.RuntimePlaces(""));
    }

    [Fact]
    public void Danger_full_access_is_not_something_bubblewrap_wraps()
    {
        using var directory = new SandboxTestDirectory();

        Assert.Throws<ArgumentException>(() => BubblewrapMountPlan.Create(Invocation(directory.Workspace, SandboxMode.DangerFullAccess), HostPaths(directory.Home)));
    }

    private static IReadOnlyList<string> Plan(SandboxTestDirectory directory, SandboxMode mode) =>
        BubblewrapMountPlan.Create(Invocation(directory.Workspace, mode), HostPaths(directory.Home)).ToArguments();

    internal static SandboxInvocation Invocation(string workspace, SandboxMode mode, IReadOnlyList<string>? writableRoots = null, bool network = false) =>
        new(["true"], workspace, mode, workspace, writableRoots ?? [], network, new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" });

    internal static SandboxHostPaths HostPaths(string home) =>
        new([home], null, null, null, "/nonexistent/audit.jsonl", []);

    /// <summary>The index where <paramref name="sequence"/> starts as consecutive arguments, or -1.</summary>
    internal static int IndexOf(IReadOnlyList<string> arguments, params string[] sequence)
    {
        for (var i = 0; i + sequence.Length <= arguments.Count; i++)
        {
            if (sequence.Select((item, offset) => arguments[i + offset] == item).All(match => match))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The values that follow each occurrence of a one-argument option.</summary>
    private static IEnumerable<string> Pairs(IReadOnlyList<string> arguments, string option) =>
        arguments.Select((argument, index) => (argument, index))
            .Where(pair => pair.argument == option && pair.index + 1 < arguments.Count)
            .Select(pair => arguments[pair.index + 1]);
}
