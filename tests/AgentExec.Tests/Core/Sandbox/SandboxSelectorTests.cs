using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>Backend selection: bubblewrap when it works, else Landlock, else a refusal that names the fix; never unsandboxed by accident.</summary>
public sealed class SandboxSelectorTests
{
    private const string BubblewrapBroken = "a trial run exited with 1: bwrap: No permissions to creating new namespace";
    private const string LandlockMissing = "the kernel has no Landlock";

    [Fact]
    public void Auto_takes_bubblewrap_when_it_works_and_does_not_probe_landlock()
    {
        var landlock = new StubBackendProbe(SandboxBackendKind.Landlock, null);

        var selection = SandboxSelector.Select(Settings(SandboxBackendPreference.Auto), new StubBackendProbe(SandboxBackendKind.Bubblewrap, null), landlock);

        Assert.Equal((true, SandboxBackendKind.Bubblewrap), (selection.IsAvailable, selection.Backend));
        Assert.Equal(0, landlock.Calls);
    }

    [Fact]
    public void A_trial_that_cannot_be_wrapped_for_the_workspace_leaves_no_sandbox_rather_than_another_backend()
    {
        var landlock = new StubBackendProbe(SandboxBackendKind.Landlock, null);

        var selection = SandboxSelector.Select(Settings(SandboxBackendPreference.Auto), new UnwrappableProbe(), landlock);

        Assert.False(selection.IsAvailable);
        Assert.Equal(0, landlock.Calls);
        Assert.Equal("sandbox not available: it cannot be prepared for the workspace: .env is a symbolic link\\nsecond line", selection.UnavailableReason);
    }

    [Fact]
    public void Auto_falls_back_to_landlock_and_says_why_bubblewrap_is_not_used()
    {
        var selection = SandboxSelector.Select(
            Settings(SandboxBackendPreference.Auto),
            new StubBackendProbe(SandboxBackendKind.Bubblewrap, BubblewrapBroken),
            new StubBackendProbe(SandboxBackendKind.Landlock, null));

        Assert.Equal(SandboxBackendKind.Landlock, selection.Backend);
        Assert.Equal([$"bubblewrap is not used: {BubblewrapBroken}", "Landlock caveat"], selection.Caveats);
    }

    [Fact]
    public void Auto_with_no_working_backend_is_unavailable_and_names_both_fixes()
    {
        var selection = SandboxSelector.Select(
            Settings(SandboxBackendPreference.Auto),
            new StubBackendProbe(SandboxBackendKind.Bubblewrap, BubblewrapBroken),
            new StubBackendProbe(SandboxBackendKind.Landlock, LandlockMissing));

        Assert.Equal((false, (ISandbox?)null, SandboxBackendKind.None), (selection.IsAvailable, selection.Sandbox, selection.Backend));
        Assert.Contains("apt-get install bubblewrap", selection.UnavailableReason, StringComparison.Ordinal);
        Assert.Contains("Landlock", selection.UnavailableReason, StringComparison.Ordinal);
        Assert.Contains(BubblewrapBroken, selection.UnavailableReason, StringComparison.Ordinal);
        Assert.Contains(LandlockMissing, selection.UnavailableReason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_explicit_bubblewrap_that_does_not_work_is_refused_even_when_landlock_would()
    {
        var landlock = new StubBackendProbe(SandboxBackendKind.Landlock, null);

        var selection = SandboxSelector.Select(Settings(SandboxBackendPreference.Bubblewrap), new StubBackendProbe(SandboxBackendKind.Bubblewrap, BubblewrapBroken), landlock);

        Assert.False(selection.IsAvailable);
        Assert.StartsWith("sandbox not available: --sandbox-backend bubblewrap, but " + BubblewrapBroken, selection.UnavailableReason, StringComparison.Ordinal);
        Assert.Contains("apt-get install bubblewrap", selection.UnavailableReason, StringComparison.Ordinal);
        Assert.Equal(0, landlock.Calls);
    }

    [Fact]
    public void An_explicit_landlock_is_landlock_or_nothing()
    {
        var bubblewrap = new StubBackendProbe(SandboxBackendKind.Bubblewrap, null);

        var selection = SandboxSelector.Select(Settings(SandboxBackendPreference.Landlock), bubblewrap, new StubBackendProbe(SandboxBackendKind.Landlock, LandlockMissing));

        Assert.False(selection.IsAvailable);
        Assert.Contains(LandlockMissing, selection.UnavailableReason, StringComparison.Ordinal);
        Assert.Equal(0, bubblewrap.Calls);
    }

    [Fact]
    public void Danger_full_access_runs_unsandboxed_without_probing_and_says_so()
    {
        var bubblewrap = new StubBackendProbe(SandboxBackendKind.Bubblewrap, null);

        var selection = SandboxSelector.Select(Settings(SandboxBackendPreference.Auto) with { Sandbox = SandboxMode.DangerFullAccess }, bubblewrap, bubblewrap);

        Assert.Same(NoSandbox.Instance, selection.Sandbox);
        Assert.Equal(SandboxBackendKind.None, selection.Backend);
        Assert.NotEmpty(selection.Caveats);
        Assert.Equal(0, bubblewrap.Calls);
    }

    [Fact]
    public void Landlock_is_unavailable_to_a_process_that_is_not_agentexec_because_it_cannot_re_execute_itself()
    {
        var probe = new LandlockBackendProbe().Probe(Settings(SandboxBackendPreference.Landlock));

        Assert.False(probe.Works);
        Assert.Contains("not the agentexec executable", probe.Problem, StringComparison.Ordinal);
    }

    [LandlockTheory]
    [InlineData("")] // the home directory itself as the workspace: ~/.config/agentexec may not exist yet
    [InlineData(".config")]
    public void Landlock_refuses_a_workspace_that_holds_the_folder_the_user_config_is_read_from(string below)
    {
        // Found by an attack: with the home as the workspace, a Landlock command wrote ~/.config/agentexec/config.json
        // with no question, and the next start elsewhere ran danger-full-access. Landlock cannot keep it read-only there.
        using var directory = new SandboxTestDirectory();
        var home = directory.Workspace;
        var workspace = Directory.CreateDirectory(Path.Join(home, below)).FullName;
        var host = new Dictionary<string, string> { ["HOME"] = home };

        var probe = new LandlockBackendProbe(() => null, host).Probe(Settings(SandboxBackendPreference.Landlock, workspace));

        Assert.False(probe.Works);
        Assert.Contains(Path.Join(home, ".config", "agentexec"), probe.Problem, StringComparison.Ordinal);
        Assert.Contains("next start trusts", probe.Problem, StringComparison.Ordinal);
    }

    [LandlockTheory]
    [InlineData(".gitconfig")] // ~/.gitconfig -> dotfiles/gitconfig
    [InlineData(".config/git/config")] // ~/.config/git/config -> dotfiles/gitconfig
    public void Landlock_refuses_a_workspace_that_holds_the_users_global_git_configuration(string linkedFrom)
    {
        // Found by an attack: with a dotfiles workspace that ~/.gitconfig links into, a Landlock command appended a
        // core.fsmonitor to it with no question and no repository report, and the human's next git status ran it.
        using var directory = new SandboxTestDirectory();
        var target = directory.WriteFile("workspace/gitconfig", "[user]\n\tname = u\n");
        var link = Path.Join(directory.Home, linkedFrom);
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        File.CreateSymbolicLink(link, target);
        var host = new Dictionary<string, string> { ["HOME"] = directory.Home };

        var probe = new LandlockBackendProbe(() => null, host).Probe(Settings(SandboxBackendPreference.Landlock, directory.Workspace));

        Assert.False(probe.Works);
        Assert.Contains($"Landlock cannot keep {link}, which git reads as your global configuration", probe.Problem, StringComparison.Ordinal);
    }

    [LandlockTheory]
    [InlineData("[init]\n\ttemplateDir = WORKSPACE/tmpl\n", "Landlock cannot keep WORKSPACE/tmpl")]
    [InlineData("[include]\n\tpath = ~nobody/ws/team.gitconfig\n", "Landlock cannot tell whether your global git configuration")]
    [InlineData("[core]\n\thooksPath = ~nobody/ws/.hooks\n", "Landlock cannot tell whether your global git configuration")]
    public void Landlock_refuses_a_global_git_configuration_that_names_a_template_in_the_workspace_or_what_it_cannot_place(string config, string expected)
    {
        // Found by a review: Landlock started with init.templateDir in the workspace (the user's next git clone ran a hook
        // a command wrote there), and with a ~user/ include or hooks path, which the check skipped.
        using var directory = new SandboxTestDirectory();
        File.WriteAllText(Path.Join(directory.Home, ".gitconfig"), config.Replace("WORKSPACE", directory.Workspace, StringComparison.Ordinal));
        var host = new Dictionary<string, string> { ["HOME"] = directory.Home };

        var probe = new LandlockBackendProbe(() => null, host).Probe(Settings(SandboxBackendPreference.Landlock, directory.Workspace));

        Assert.False(probe.Works);
        Assert.Contains(expected.Replace("WORKSPACE", directory.Workspace, StringComparison.Ordinal), probe.Problem, StringComparison.Ordinal);
    }

    [LandlockFact]
    public void Landlock_takes_a_workspace_beside_the_user_config_folder()
    {
        using var directory = new SandboxTestDirectory();
        var host = new Dictionary<string, string> { ["HOME"] = directory.Outside };

        var probe = new LandlockBackendProbe(() => null, host).Probe(Settings(SandboxBackendPreference.Landlock, directory.Workspace));

        // No launcher in the test host: the answer is about the launcher, not the config folder.
        Assert.Contains("not the agentexec executable", probe.Problem, StringComparison.Ordinal);
    }

    [LandlockTheory]
    [InlineData("workspace")] // a build in the project's own bin/ folder
    [InlineData("writable root")] // an install under ~/.local with ~/.local a writable root
    [InlineData("link into a writable root")] // ~/bin/agentexec -> ~/.local/share/agentexec/agentexec
    public void Landlock_refuses_a_launcher_that_lies_where_commands_may_write(string where)
    {
        // Found by an attack: with the binary in a writable root, a Landlock command replaced it with a script, and
        // the next call's launcher (started by the server, unconfined until it confines its command) read ~/.netrc
        // and wrote outside the roots with no question, then ran the real launcher so that the call looked confined.
        using var directory = new SandboxTestDirectory();
        var root = Directory.CreateDirectory(Path.Join(directory.Root, "local")).FullName;
        var binary = directory.WriteFile(where == "workspace" ? "workspace/bin/agentexec" : "local/share/agentexec/agentexec", "");
        var launcher = binary;
        if (where == "link into a writable root")
        {
            launcher = Path.Join(directory.Outside, "agentexec");
            File.CreateSymbolicLink(launcher, binary);
        }

        var settings = Settings(SandboxBackendPreference.Landlock, directory.Workspace) with { WritableRoots = where == "workspace" ? [] : [root] };

        var probe = new LandlockBackendProbe(() => new LandlockSandbox([launcher])).Probe(settings);

        Assert.False(probe.Works);
        Assert.Contains($"the agentexec binary {launcher} runs outside the sandbox", probe.Problem, StringComparison.Ordinal);
    }

    [LandlockTheory]
    [InlineData(SandboxBackendPreference.Landlock)]
    [InlineData(SandboxBackendPreference.Auto)]
    public void A_Landlock_refusal_for_where_a_file_lies_names_moving_it_not_the_kernels_fix(SandboxBackendPreference backend)
    {
        // The kernel has Landlock; the refusal is about the launcher lying in the workspace, so advice to run a kernel
        // with Landlock enabled would send the user the wrong way.
        using var directory = new SandboxTestDirectory();
        var binary = directory.WriteFile("workspace/bin/agentexec", "");
        var landlock = new LandlockBackendProbe(() => new LandlockSandbox([binary]));

        var selection = SandboxSelector.Select(Settings(backend, directory.Workspace), new StubBackendProbe(SandboxBackendKind.Bubblewrap, "bwrap is missing"), landlock);

        Assert.Null(selection.Sandbox);
        Assert.Contains($"the agentexec binary {binary} runs outside the sandbox", selection.UnavailableReason, StringComparison.Ordinal);
        Assert.Contains("choose a workspace and writable roots that do not hold it, or use bubblewrap", selection.UnavailableReason, StringComparison.Ordinal);
        Assert.DoesNotContain("run a kernel with Landlock enabled", selection.UnavailableReason, StringComparison.Ordinal);
    }

    [BubblewrapFact]
    public void Bubblewrap_serves_a_workspace_holding_the_server_binary_and_keeps_the_binary_read_only()
    {
        // Found by an attack: with the build in the workspace, a bubblewrap command overwrote OpenAI.dll, which the
        // server loads only at its first risk assessment; the server process then loaded the command's file. Refusing
        // such a workspace refused a home directory holding ~/.dotnet/tools (a review): the plan keeps the binary and its
        // folder read-only instead, as it does .git.
        using var directory = new SandboxTestDirectory();
        var binary = directory.WriteFile("workspace/bin/agentexec", "");
        var settings = Settings(SandboxBackendPreference.Auto, directory.Workspace);
        var bubblewrap = new BubblewrapProbe(ChildEnvironment.ReadHost()) { AgentExecCommand = [binary] };

        var probe = bubblewrap.Probe(settings);
        var wrapped = probe.Sandbox!.Wrap(BubblewrapMountPlanTests.Invocation(directory.Workspace, SandboxMode.WorkspaceWrite));

        Assert.True(probe.Works, probe.Problem);
        Assert.True(BubblewrapMountPlanTests.IndexOf(wrapped.Argv, "--ro-bind", binary, binary) >= 0, "The binary is not kept read-only.");
        Assert.True(BubblewrapMountPlanTests.IndexOf(wrapped.Argv, "--ro-bind", Path.GetDirectoryName(binary)!, Path.GetDirectoryName(binary)!) >= 0, "Its folder is not kept read-only.");
    }

    [LandlockFact]
    public void Landlock_refuses_a_writable_root_holding_the_shared_dotnet_installation_the_server_runs_on()
    {
        // Landlock cannot keep host/ and shared/ read-only inside a writable root, and the launcher and the server load
        // from the installation outside the sandbox (a planted host/fxr/99.0.0/libhostfxr.so ran at the next start).
        using var directory = new SandboxTestDirectory();
        var launcher = directory.WriteFile("outside/agentexec", "");
        var runtimeRoot = Path.GetFullPath(Path.Join(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        var settings = Settings(SandboxBackendPreference.Landlock, directory.Workspace) with { WritableRoots = [runtimeRoot] };

        var probe = new LandlockBackendProbe(() => new LandlockSandbox([launcher])).Probe(settings);

        Assert.False(probe.Works);
        Assert.Contains("the .NET runtime agentexec runs on", probe.Problem, StringComparison.Ordinal);
    }

    [LandlockFact]
    public void Landlock_takes_a_launcher_outside_the_workspace_and_the_writable_roots()
    {
        using var directory = new SandboxTestDirectory();
        var launcher = directory.WriteFile("outside/agentexec", "");
        var root = Directory.CreateDirectory(Path.Join(directory.Root, "local")).FullName;
        var settings = Settings(SandboxBackendPreference.Landlock, directory.Workspace) with { WritableRoots = [root] };

        var probe = new LandlockBackendProbe(() => new LandlockSandbox([launcher])).Probe(settings);

        Assert.True(probe.Works, probe.Problem);
    }

    [LandlockFact]
    public void Auto_falls_back_to_landlock_with_its_caveats_when_bubblewrap_is_missing()
    {
        using var directory = new SandboxTestDirectory();
        var host = new Dictionary<string, string>(ChildEnvironment.ReadHost()) { ["PATH"] = directory.Outside };
        var settings = Settings(SandboxBackendPreference.Auto, directory.Workspace);

        var selection = SandboxSelector.Select(settings, new BubblewrapProbe(host), new LandlockBackendProbe(() => LandlockTestLauncher.Sandbox()));

        Assert.Equal(SandboxBackendKind.Landlock, selection.Backend);
        Assert.Contains(selection.Caveats, caveat => caveat.Contains(".git", StringComparison.Ordinal));
        Assert.Contains(selection.Caveats, caveat => caveat.StartsWith("bubblewrap is not used", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_bwrap_on_path_auto_refuses_instead_of_running_unsandboxed()
    {
        // Arrange: a PATH with no bwrap on it; under the test host Landlock has no launcher (the process is not agentexec).
        using var directory = new SandboxTestDirectory();
        var host = new Dictionary<string, string>(ChildEnvironment.ReadHost()) { ["PATH"] = directory.Outside };

        // Act
        var selection = SandboxSelector.Select(Settings(SandboxBackendPreference.Auto, directory.Workspace), host, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        // Assert
        Assert.Equal((false, SandboxBackendKind.None), (selection.IsAvailable, selection.Backend));
        Assert.Contains("`bwrap` was not found on PATH", selection.UnavailableReason, StringComparison.Ordinal);
    }

    [BubblewrapFact]
    public void Auto_selects_the_real_bubblewrap_when_it_works_here()
    {
        using var directory = new SandboxTestDirectory();

        var selection = SandboxSelector.Select(Settings(SandboxBackendPreference.Auto, directory.Workspace), ChildEnvironment.ReadHost(), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        Assert.Equal(SandboxBackendKind.Bubblewrap, selection.Backend);
        Assert.IsType<BubblewrapSandbox>(selection.Sandbox);
    }

    private static AgentExecSettings Settings(SandboxBackendPreference backend, string workspace = "/nonexistent-workspace") => new()
    {
        Workspace = workspace,
        AuditLogPath = "/nonexistent/audit.jsonl",
        Sandbox = SandboxMode.WorkspaceWrite,
        SandboxBackend = backend,
    };

    // What BubblewrapProbe meets when the mount plan refuses the workspace: Wrap throws before any trial runs.
    private sealed class UnwrappableProbe : ISandboxBackendProbe
    {
        public SandboxBackendKind Backend => SandboxBackendKind.Bubblewrap;

        public SandboxProbeResult Probe(AgentExecSettings settings) => throw new IOException(".env is a symbolic link\nsecond line");
    }
}
