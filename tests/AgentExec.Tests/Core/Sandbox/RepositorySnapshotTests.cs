using System.Runtime.Versioning;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>
/// The repository watch's comparison: what names a program and appeared or changed is reported, nothing else. Each
/// case changes the files between two snapshots as a command would.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class RepositorySnapshotTests : IDisposable
{
    private readonly TemporaryDirectory _root = new();

    public RepositorySnapshotTests() => HostCommand.Git(_root.Path, "init", "-q");

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Nothing_changed_reports_nothing()
    {
        var before = Take();

        var report = before.CompareWithNow();

        Assert.True(report.IsEmpty);
    }

    [Fact]
    public void A_new_alias_with_a_bang_and_a_changed_fsmonitor_value_are_reported_by_key()
    {
        // Arrange
        HostCommand.Git(_root.Path, "config", "core.fsmonitor", "first");
        var before = Take();
        HostCommand.Git(_root.Path, "config", "core.fsmonitor", "second");
        HostCommand.Git(_root.Path, "config", "alias.st", "!sh -c payload");

        // Act
        var report = before.CompareWithNow();

        // Assert
        Assert.Equal(["config sets alias.st", "config sets core.fsmonitor"], report.Changes.Select(change => change.What));
        Assert.DoesNotContain("payload", report.Render(_root.Path), StringComparison.Ordinal);
    }

    [Fact]
    public void A_setting_that_names_a_program_through_an_include_in_the_workspace_is_reported()
    {
        // Arrange: the include existed before; only the included file changes.
        var included = _root.File("shared.gitconfig");
        File.WriteAllText(included, "[user]\n\tname = x\n");
        HostCommand.Git(_root.Path, "config", "include.path", included);
        var before = Take();
        File.WriteAllText(included, "[core]\n\tpager = payload\n");

        // Act
        var report = before.CompareWithNow();

        // Assert
        Assert.Equal("config sets core.pager", Assert.Single(report.Changes).What);
    }

    [Fact]
    public void Sample_hooks_are_ignored_and_a_changed_mode_or_content_of_a_real_hook_is_reported()
    {
        // Arrange
        var hooks = _root.File(".git", "hooks");
        File.WriteAllText(Path.Combine(hooks, "pre-push"), "#!/bin/sh\n");
        var before = Take();
        File.WriteAllText(Path.Combine(hooks, "pre-commit.sample"), "#!/bin/sh\npayload\n");
        File.SetUnixFileMode(Path.Combine(hooks, "pre-push"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        // Act
        var report = before.CompareWithNow();

        // Assert
        Assert.Equal("hook pre-push changed", Assert.Single(report.Changes).What);
    }

    [Fact]
    public void A_hook_past_the_fingerprinted_files_of_a_crowded_hooks_directory_changing_is_reported()
    {
        // Arrange: more files in hooks/ than the snapshot fingerprints; pick one the enumeration reaches past the bound.
        var hooks = _root.File(".git/hooks");
        for (var i = 0; i < 300; i++)
        {
            File.WriteAllText(Path.Combine(hooks, $"pre-commit-{i}"), "#!/bin/sh\n");
        }

        var unseen = Directory.EnumerateFiles(hooks).Skip(256).First(file => !file.EndsWith(".sample", StringComparison.Ordinal));
        var before = Take();
        File.WriteAllText(unseen, "#!/bin/sh\npayload\n");

        // Act
        var report = before.CompareWithNow();

        // Assert: positive control, the changed file lies past the 256 fingerprinted ones; the change is still heard of.
        Assert.True(Directory.EnumerateFiles(hooks).ToList().IndexOf(unseen) >= 256);
        Assert.False(report.IsEmpty);
    }

    [Fact]
    public void Removing_a_setting_reports_nothing_and_a_control_character_in_a_name_is_escaped()
    {
        // Arrange
        HostCommand.Git(_root.Path, "config", "core.pager", "less");
        var before = Take();
        HostCommand.Git(_root.Path, "config", "--unset", "core.pager");
        var nested = Directory.CreateDirectory(_root.File("evil\u001b[2J")).FullName;
        HostCommand.Git(nested, "init", "-q");
        HostCommand.Git(nested, "config", "core.hookspath", "h");

        // Act
        var report = before.CompareWithNow();
        var rendered = report.Render(_root.Path);

        // Assert
        var change = Assert.Single(report.Changes);
        Assert.Equal(("config sets core.hookspath", true), (change.What, change.NewRepository));
        Assert.DoesNotContain('\u001b', rendered);
    }

    [Fact]
    public async Task A_fifo_planted_as_a_hook_or_as_the_config_does_not_hang_the_comparison()
    {
        // Arrange: opening a FIFO for reading waits for a writer forever; the watch must never open one that way.
        var before = Take();
        HostCommand.Run(_root.Path, "mkfifo", ".git/hooks/pre-commit");
        File.Delete(_root.File(".git", "config"));
        HostCommand.Run(_root.Path, "mkfifo", ".git/config");

        // Act
        var compare = Task.Run(before.CompareWithNow);
        var finished = await Task.WhenAny(compare, Task.Delay(TimeSpan.FromSeconds(30))) == compare;

        // Assert: both are reported (the config as unreadable), and the comparison ended.
        Assert.True(finished);
        Assert.Equal(["config cannot be read (config)", "hook pre-commit added"], (await compare).Changes.Select(change => change.What));
    }

    [Fact]
    public void A_placeholder_a_parallel_run_put_in_a_workspace_is_no_new_repository_but_a_planted_one_still_is()
    {
        // Arrange: a workspace without .git, where another run's placeholder appears between the snapshots.
        using var state = new TemporaryDirectory();
        var workspace = Directory.CreateDirectory(_root.File("fresh")).FullName;
        var before = RepositorySnapshot.Take([workspace]);
        var parallelRun = WorkspacePlaceholders.Prepare(workspace, state.Path);
        HostCommand.Git(Directory.CreateDirectory(Path.Combine(workspace, "sub")).FullName, "init", "-q");
        HostCommand.Git(Path.Combine(workspace, "sub"), "config", "core.fsmonitor", "touch /tmp/x");

        // Act
        var report = before.CompareWithNow();
        parallelRun.Release();

        // Assert
        var change = Assert.Single(report.Changes);
        Assert.Equal((Path.Combine(workspace, "sub", ".git"), true), (change.DotGit, change.NewRepository));
    }

    [Fact]
    public void A_hook_planted_and_then_hidden_behind_a_hooks_directory_that_cannot_be_listed_is_reported()
    {
        // Found by an attack under Landlock, where this comparison is the only guard of .git: the command wrote
        // pre-commit and then made hooks/ search-only (chmod 111); git still runs the hook by name.
        var hooks = Path.Combine(_root.Path, ".git", "hooks");
        var before = Take();
        File.WriteAllText(Path.Combine(hooks, "pre-commit"), "#!/bin/sh\ntouch /tmp/x\n");
        File.SetUnixFileMode(hooks, UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        try
        {
            var report = before.CompareWithNow();

            // As root the directory is still listed, and the hook itself is what is reported.
            Assert.Contains(report.Changes, change => change.What.StartsWith("hook ", StringComparison.Ordinal) && change.What.EndsWith(" added", StringComparison.Ordinal));
        }
        finally
        {
            File.SetUnixFileMode(hooks, (UnixFileMode)0b111_101_101);
        }
    }

    [Fact]
    public void A_repository_below_a_directory_that_cannot_be_listed_makes_the_comparison_incomplete()
    {
        // The walk cannot see what a search-only directory holds: a repository planted there is not vouched for.
        var vendor = Directory.CreateDirectory(_root.File("vendor")).FullName;
        var before = Take();
        HostCommand.Git(Directory.CreateDirectory(Path.Combine(vendor, "lib")).FullName, "init", "-q");
        HostCommand.Git(Path.Combine(vendor, "lib"), "config", "core.fsmonitor", "touch /tmp/x");
        File.SetUnixFileMode(vendor, UnixFileMode.UserExecute);
        try
        {
            var report = before.CompareWithNow();

            // As root the directory is still listed, and the new repository itself is what is reported.
            Assert.True(
                report.Incomplete?.Contains(vendor, StringComparison.Ordinal) == true || report.Changes.Any(change => change.NewRepository),
                $"neither incomplete nor a new repository: {report.Render(_root.Path)}");
        }
        finally
        {
            File.SetUnixFileMode(vendor, (UnixFileMode)0b111_101_101);
        }
    }

    private RepositorySnapshot Take() => RepositorySnapshot.Take([_root.Path]);
}
