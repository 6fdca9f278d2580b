using System.Runtime.Versioning;
using AgentExec.Core.Configuration;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>
/// The placeholders that make a missing <c>.git</c>, <c>.env</c> and <c>agentexec.json</c> uncreatable for one run, on
/// the real file system: made when missing, never over something real, removed by the last run to end and only while
/// they are still placeholders.
/// </summary>
/// <remarks>Each test has its own lock and journal directory, so that runs of other tests cannot keep its lock shared.</remarks>
[SupportedOSPlatform("linux")]
public sealed class WorkspacePlaceholdersTests : IDisposable
{
    private readonly TemporaryDirectory _root = new();

    public WorkspacePlaceholdersTests()
    {
        Workspace = Directory.CreateDirectory(_root.File("workspace")).FullName;
        State = _root.File("state");
    }

    private string Workspace { get; }

    private string State { get; }

    [Fact]
    public void Missing_names_get_placeholders_for_the_run_and_nothing_is_left_after_it()
    {
        // Act
        var placeholders = WorkspacePlaceholders.Prepare(Workspace, State);
        var during = Names().Select(path => (Path.GetFileName(path), PlaceholderEntry.IsPlaceholder(path), Directory.Exists(path))).ToList();
        var problems = placeholders.Release();

        // Assert
        Assert.Equal([(".git", true, true), (".env", true, false), ("agentexec.json", true, false)], during);
        Assert.Equal(3, placeholders.Created.Count);
        Assert.Empty(problems);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Workspace));
    }

    [Fact]
    public void A_stand_in_is_made_only_where_no_link_leads_and_is_removed_after_the_run()
    {
        // Found by an attack: a command beside the run swapped a directory on the way for a link to the home between the
        // plan and the mkdir, and the placeholder landed in the home, where it stayed.
        var elsewhere = Directory.CreateDirectory(_root.File("elsewhere")).FullName;
        Directory.CreateDirectory(Path.Combine(Workspace, "tools"));
        Directory.CreateSymbolicLink(Path.Combine(Workspace, "swapped"), elsewhere);
        var placeholders = WorkspacePlaceholders.Prepare(Workspace, State);

        placeholders.StandIn([Path.Combine(Workspace, "tools", "hooks")]);
        var through = Record.Exception(() => placeholders.StandIn([Path.Combine(Workspace, "swapped", "hooks")]));
        var standing = PlaceholderEntry.IsPlaceholder(Path.Combine(Workspace, "tools", "hooks"));
        placeholders.Release();

        Assert.IsType<IOException>(through);
        Assert.True(standing);
        Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere));
        Assert.False(Path.Exists(Path.Combine(Workspace, "tools", "hooks")));
    }

    [Fact]
    public void Existing_entries_are_neither_replaced_nor_removed()
    {
        // Arrange
        Directory.CreateDirectory(Path.Combine(Workspace, ".git", "hooks"));
        File.WriteAllText(Path.Combine(Workspace, ".env"), "A=1\n");

        // Act
        var placeholders = WorkspacePlaceholders.Prepare(Workspace, State);
        placeholders.Release();

        // Assert
        Assert.Equal([Path.Combine(Workspace, "agentexec.json")], placeholders.Created);
        Assert.True(Directory.Exists(Path.Combine(Workspace, ".git", "hooks")));
        Assert.Equal("A=1\n", File.ReadAllText(Path.Combine(Workspace, ".env")));
        Assert.False(File.Exists(Path.Combine(Workspace, "agentexec.json")));
    }

    [Fact]
    public void While_another_run_holds_them_the_first_run_to_end_leaves_them_and_the_last_removes_them()
    {
        // Arrange
        var first = WorkspacePlaceholders.Prepare(Workspace, State);
        var second = WorkspacePlaceholders.Prepare(Workspace, State);

        // Act
        first.Release();
        var afterFirst = Names().All(PlaceholderEntry.IsPlaceholder);
        second.Release();

        // Assert
        Assert.True(afterFirst, "The first run to end removed placeholders another run still has mounted.");
        Assert.Empty(second.Created);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Workspace));
    }

    [Fact]
    public void A_run_in_another_workspace_does_not_delay_the_cleanup_here()
    {
        // Arrange
        var other = Directory.CreateDirectory(_root.File("other")).FullName;
        var here = WorkspacePlaceholders.Prepare(Workspace, State);
        var elsewhere = WorkspacePlaceholders.Prepare(other, State);

        // Act
        here.Release();
        var leftHere = Directory.EnumerateFileSystemEntries(Workspace).ToList();
        var standingElsewhere = Directory.EnumerateFileSystemEntries(other).Count();
        elsewhere.Release();

        // Assert
        Assert.Empty(leftHere);
        Assert.Equal(3, standingElsewhere);
        Assert.Empty(Directory.EnumerateFileSystemEntries(other));
    }

    [Fact]
    public void Placeholders_a_crashed_run_left_are_removed_by_the_next_run_in_the_workspace()
    {
        // Arrange: what a run leaves when its process dies before releasing.
        Directory.CreateDirectory(Path.Combine(Workspace, ".git"), UnixFileMode.None);
        using (new FileStream(Path.Combine(Workspace, ".env"), new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.None }))
        {
        }

        // Act
        var next = WorkspacePlaceholders.Prepare(Workspace, State);
        next.Release();

        // Assert
        Assert.Equal([Path.Combine(Workspace, "agentexec.json")], next.Created);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Workspace));
    }

    [Fact]
    public void What_the_human_writes_on_the_host_during_the_run_is_kept()
    {
        // Arrange
        var placeholders = WorkspacePlaceholders.Prepare(Workspace, State);
        var dotEnv = Path.Combine(Workspace, ".env");
        File.SetUnixFileMode(dotEnv, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(dotEnv, "OPENAI_MODEL=x\n");

        // Act
        placeholders.Release();

        // Assert
        Assert.Equal("OPENAI_MODEL=x\n", File.ReadAllText(dotEnv));
        Assert.False(Directory.Exists(Path.Combine(Workspace, ".git")));
    }

    [Fact]
    public void A_dangling_link_in_place_of_git_refuses_the_run_since_the_command_could_create_its_target()
    {
        // Arrange
        File.CreateSymbolicLink(Path.Combine(Workspace, ".git"), Path.Combine(Workspace, "planted-git-dir"));

        // Act
        var exception = Assert.Throws<IOException>(() => WorkspacePlaceholders.Prepare(Workspace, State));

        // Assert
        Assert.Contains("symbolic link", exception.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Workspace, ".env")), "A refused run left a placeholder behind.");
    }

    [Theory]
    [InlineData(".git")]
    [InlineData(".env")]
    [InlineData("agentexec.json")]
    public void A_protected_name_that_is_a_link_to_something_real_is_refused_too_since_the_link_itself_could_be_replaced(string name)
    {
        // Arrange: the link comes last in the order of creation, so a refusal after a placeholder would leave it behind.
        var target = _root.File("real-" + name.TrimStart('.'));
        Directory.CreateDirectory(target);
        File.CreateSymbolicLink(Path.Combine(Workspace, name), target);

        // Act
        var exception = Assert.Throws<IOException>(() => WorkspacePlaceholders.Prepare(Workspace, State));

        // Assert
        Assert.Contains("symbolic link", exception.Message, StringComparison.Ordinal);
        Assert.Equal([name], Directory.EnumerateFileSystemEntries(Workspace).Select(Path.GetFileName));
        Assert.Equal(target, new FileInfo(Path.Combine(Workspace, name)).LinkTarget);
    }

    [Fact]
    public void A_run_waits_for_a_foreign_exclusive_holder_and_then_refuses_rather_than_hang()
    {
        // Arrange: someone else holds the lock exclusively, as a cleaning run does for an instant.
        Directory.CreateDirectory(State, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var holder = new FileStream(WorkspacePlaceholders.LockPath(State, Workspace), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        // Act
        var exception = Assert.Throws<IOException>(() => WorkspacePlaceholders.Prepare(Workspace, State));

        // Assert
        Assert.Contains("held by someone else", exception.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Workspace));
    }

    [Fact]
    public void A_placeholder_config_reads_as_no_config_and_an_empty_real_one_is_still_an_error()
    {
        // Arrange
        var placeholders = WorkspacePlaceholders.Prepare(Workspace, State);
        var config = Path.Combine(Workspace, "agentexec.json");
        var emptyReal = _root.File("empty.json");
        File.WriteAllText(emptyReal, string.Empty);

        // Act
        var duringRun = ConfigFileFormat.Read(config);
        var empty = ConfigFileFormat.Read(emptyReal);
        placeholders.Release();

        // Assert
        Assert.Equal(ConfigFileState.Missing, duringRun.State);
        Assert.Equal(ConfigFileState.Unreadable, empty.State);
    }

    /// <summary>
    /// The lock directory sits in world-writable <c>/tmp</c>, where another user can make the name first: a directory
    /// open to others (here <c>/tmp</c> itself: someone else's as an unprivileged user, mode 1777 as root) or a link is
    /// refused before any lock file or placeholder is made.
    /// </summary>
    [Fact]
    public void A_lock_directory_that_is_not_this_users_private_directory_is_refused()
    {
        // Arrange
        var privateDirectory = Directory.CreateDirectory(_root.File("private"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute).FullName;
        var link = _root.File("link-to-private");
        File.CreateSymbolicLink(link, privateDirectory);

        // Positive control: the same directory, named directly, is accepted.
        WorkspacePlaceholders.Prepare(Workspace, privateDirectory).Release();

        // Act
        var shared = Assert.Throws<IOException>(() => WorkspacePlaceholders.Prepare(Workspace, "/tmp"));
        var linked = Assert.Throws<IOException>(() => WorkspacePlaceholders.Prepare(Workspace, link));

        // Assert
        Assert.Contains("not a private directory of this user", shared.Message, StringComparison.Ordinal);
        Assert.Contains("not a private directory of this user", linked.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Workspace));
        Assert.False(File.Exists(WorkspacePlaceholders.LockPath("/tmp", Workspace)), "A lock file was made in a shared directory.");
    }

    public void Dispose() => _root.Dispose();

    private IEnumerable<string> Names() => WorkspaceProtectedPaths.MustExist.Select(name => Path.Combine(Workspace, name.Name));
}
