using System.Runtime.Versioning;
using AgentExec.Core.Configuration;
using AgentExec.Core.Sandbox;
using AgentExec.Tests.TestSupport;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>
/// The start-up trial run of bubblewrap is skipped only when a trial with the same facts passed before: a failure is
/// never remembered, and any change to bubblewrap or to the settings runs it again. The "bubblewrap" here is a script
/// that counts its runs and exits with the code in a file, so each test sees exactly when the trial ran.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class BubblewrapTrialCacheTests : IDisposable
{
    private readonly TemporaryDirectory _root = new();
    private readonly string _workspace;
    private readonly string _bubblewrap;
    private readonly Dictionary<string, string> _host;

    public BubblewrapTrialCacheTests()
    {
        _workspace = Directory.CreateDirectory(_root.File("workspace")).FullName;
        _bubblewrap = _root.File("bin", "bwrap");
        Directory.CreateDirectory(_root.File("bin"));
        WriteBubblewrap(exitCode: 0);
        _host = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["HOME"] = Directory.CreateDirectory(_root.File("home")).FullName,
            ["XDG_CACHE_HOME"] = _root.File("home", ".cache"),
            ["PATH"] = "/usr/bin:/bin",
        };
    }

    private string CacheFolder => Path.Combine(_host["XDG_CACHE_HOME"], "agentexec", "bubblewrap-trial");

    [Fact]
    public void A_pass_is_remembered_and_the_next_start_with_the_same_facts_skips_the_trial()
    {
        Assert.True(Probe(Settings()).Works);
        Assert.True(Probe(Settings()).Works);

        Assert.Equal(1, TrialRuns());
        Assert.Single(Directory.GetFiles(CacheFolder));
    }

    [Fact]
    public void An_entry_whose_name_matches_but_whose_facts_do_not_is_no_pass()
    {
        Assert.True(Probe(Settings()).Works);
        var entry = Assert.Single(Directory.GetFiles(CacheFolder));
        File.WriteAllText(entry, "some other facts");

        Assert.True(Probe(Settings()).Works);

        Assert.Equal(2, TrialRuns());
    }

    [Fact]
    public void A_failure_is_never_remembered()
    {
        WriteBubblewrap(exitCode: 1);
        Assert.False(Probe(Settings()).Works);

        Assert.False(Probe(Settings()).Works);

        // Each failed trial is repeated once in an empty workspace, to tell the machine's failure from the workspace's.
        Assert.Equal(4, TrialRuns());
        Assert.False(Directory.Exists(CacheFolder) && Directory.GetFiles(CacheFolder).Length > 0);
    }

    [Fact]
    public void Bubblewrap_rewritten_after_a_pass_is_tried_again_and_its_failure_is_seen()
    {
        Assert.True(Probe(Settings()).Works);

        // The same path, new contents: another identity (its status-change time at least).
        WriteBubblewrap(exitCode: 1);
        var second = Probe(Settings());

        Assert.False(second.Works);
        Assert.Equal(3, TrialRuns());
    }

    [Fact]
    public void Other_settings_are_other_facts()
    {
        Assert.True(Probe(Settings()).Works);

        Assert.True(Probe(Settings() with { Network = true }).Works);
        Assert.True(Probe(Settings() with { Sandbox = SandboxMode.ReadOnly }).Works);
        Assert.True(Probe(Settings() with { WritableRoots = [Directory.CreateDirectory(_root.File("extra")).FullName] }).Works);

        Assert.Equal(4, TrialRuns());
    }

    [Fact]
    public void A_cache_folder_inside_the_workspace_is_neither_read_nor_written()
    {
        _host["XDG_CACHE_HOME"] = Path.Combine(_workspace, ".cache");

        Assert.True(Probe(Settings()).Works);
        Assert.True(Probe(Settings()).Works);

        Assert.Equal(2, TrialRuns());
        Assert.False(Directory.Exists(Path.Combine(_workspace, ".cache")));
    }

    [Fact]
    public void A_forged_entry_in_a_cache_folder_inside_a_writable_root_is_not_believed()
    {
        var root = Directory.CreateDirectory(_root.File("root")).FullName;
        _host["XDG_CACHE_HOME"] = Path.Combine(root, "cache");
        var settings = Settings() with { WritableRoots = [root] };
        var facts = BubblewrapTrialCache.Facts(settings, _host, _bubblewrap)!;
        var forged = Path.Combine(root, "cache", "agentexec", "bubblewrap-trial", Convert.ToHexStringLower(System.IO.Hashing.XxHash128.Hash(System.Text.Encoding.UTF8.GetBytes(facts))));
        Directory.CreateDirectory(Path.GetDirectoryName(forged)!);
        File.WriteAllText(forged, facts);
        WriteBubblewrap(exitCode: 1);

        Assert.False(Probe(settings).Works);
        Assert.Equal(2, TrialRuns());
    }

    [Fact]
    public void A_probe_that_does_not_remember_runs_its_trial_every_time_and_writes_nothing()
    {
        var probe = new BubblewrapProbe(_host, executable: _bubblewrap);

        Assert.True(probe.Probe(Settings()).Works);
        Assert.True(probe.Probe(Settings()).Works);

        Assert.Equal(2, TrialRuns());
        Assert.False(Directory.Exists(CacheFolder));
    }

    public void Dispose() => _root.Dispose();

    private SandboxProbeResult Probe(AgentExecSettings settings) =>
        new BubblewrapProbe(_host, executable: _bubblewrap, rememberPasses: true).Probe(settings);

    [Fact]
    public void A_trial_that_fails_only_for_this_workspace_blames_the_workspace_and_auto_chooses_no_other_backend()
    {
        // A bubblewrap that fails when its command line names this workspace (as a sandbox broken by what the agent
        // planted there would) and works in an empty one: found by an attack, which made auto fall back to Landlock.
        var temporary = _bubblewrap + ".new";
        File.WriteAllText(temporary, $"#!/bin/sh\necho run >> '{_root.File("runs")}'\ncase \"$*\" in *'{_workspace}'*) exit 1;; esac\nexit 0\n");
        File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.Move(temporary, _bubblewrap, overwrite: true);
        var landlockProbed = false;

        var probe = Probe(Settings());
        var selection = SandboxSelector.Select(Settings(), new BubblewrapProbe(_host, executable: _bubblewrap), new CountingProbe(() => landlockProbed = true));

        Assert.False(probe.Works);
        Assert.True(probe.FailsForTheWorkspace);
        Assert.Contains("starts a sandbox here, but not for this workspace", probe.Problem, StringComparison.Ordinal);
        Assert.Null(selection.Sandbox);
        Assert.StartsWith("sandbox not available: it cannot be prepared for the workspace", selection.UnavailableReason, StringComparison.Ordinal);
        Assert.False(landlockProbed);
    }

    [Fact]
    public void A_trial_that_fails_in_an_empty_workspace_too_is_the_machines_and_auto_may_choose_landlock()
    {
        WriteBubblewrap(exitCode: 1);

        var probe = Probe(Settings());

        Assert.False(probe.Works);
        Assert.False(probe.FailsForTheWorkspace);
        Assert.Contains("cannot start a sandbox here", probe.Problem, StringComparison.Ordinal);
    }

    // A Landlock probe that only notes it was asked.
    private sealed class CountingProbe(Action asked) : ISandboxBackendProbe
    {
        public SandboxBackendKind Backend => SandboxBackendKind.Landlock;

        public SandboxProbeResult Probe(AgentExecSettings settings)
        {
            asked();
            return SandboxProbeResult.Unavailable("not probed in this test");
        }
    }

    private AgentExecSettings Settings() => new()
    {
        Workspace = _workspace,
        AuditLogPath = _root.File("state", "audit.jsonl"),
    };

    private int TrialRuns() => File.Exists(_root.File("runs")) ? File.ReadAllLines(_root.File("runs")).Length : 0;

    private void WriteBubblewrap(int exitCode)
    {
        // Written anew (not edited in place): a new inode, as a package upgrade gives.
        var temporary = _bubblewrap + ".new";
        File.WriteAllText(temporary, $"#!/bin/sh\necho run >> '{_root.File("runs")}'\nexit {exitCode}\n");
        File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.Move(temporary, _bubblewrap, overwrite: true);
    }
}
