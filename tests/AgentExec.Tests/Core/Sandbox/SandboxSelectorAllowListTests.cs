using AgentExec.Core.Configuration;
using AgentExec.Core.Network;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>
/// A network allow-list is a setting only bubblewrap can honour (SPEC.md: "Under Landlock an allow-list refuses to
/// start, naming the fix"); under danger-full-access it does not apply, and start-up says so.
/// </summary>
public sealed class SandboxSelectorAllowListTests
{
    private static readonly NetworkLists AllowList = new([new HostPattern(HostPatternKind.Exact, "example.com", null)], [], null);

    [Fact]
    public void An_allow_list_with_the_landlock_backend_chosen_is_refused_naming_the_fix()
    {
        // Arrange
        var landlock = new StubBackendProbe(SandboxBackendKind.Landlock, null);

        // Act
        var selection = SandboxSelector.Select(Settings(SandboxBackendPreference.Landlock), new StubBackendProbe(SandboxBackendKind.Bubblewrap, null), landlock);

        // Assert
        Assert.False(selection.IsAvailable);
        Assert.Contains("needs bubblewrap, because Landlock cannot tell one destination from another", selection.UnavailableReason, StringComparison.Ordinal);
        Assert.Contains("--sandbox-backend bubblewrap", selection.UnavailableReason, StringComparison.Ordinal);
        Assert.Contains("drop the allow-list", selection.UnavailableReason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_allow_list_where_auto_would_fall_back_to_landlock_is_refused_naming_why_bubblewrap_failed()
    {
        // Arrange
        var landlock = new StubBackendProbe(SandboxBackendKind.Landlock, null);

        // Act
        var selection = SandboxSelector.Select(Settings(SandboxBackendPreference.Auto), new StubBackendProbe(SandboxBackendKind.Bubblewrap, "bwrap: No permissions to create a new namespace"), landlock);

        // Assert
        Assert.False(selection.IsAvailable);
        Assert.Contains("bubblewrap: bwrap: No permissions to create a new namespace", selection.UnavailableReason, StringComparison.Ordinal);
        Assert.Contains("apt-get install bubblewrap", selection.UnavailableReason, StringComparison.Ordinal);
        Assert.Equal(0, landlock.Calls);
    }

    [Fact]
    public void An_allow_list_with_working_bubblewrap_is_honoured()
    {
        var selection = SandboxSelector.Select(Settings(SandboxBackendPreference.Auto), new StubBackendProbe(SandboxBackendKind.Bubblewrap, null), new StubBackendProbe(SandboxBackendKind.Landlock, null));

        Assert.Equal((true, SandboxBackendKind.Bubblewrap), (selection.IsAvailable, selection.Backend));
    }

    [Fact]
    public void Landlock_without_an_allow_list_is_still_chosen()
    {
        var selection = SandboxSelector.Select(
            Settings(SandboxBackendPreference.Landlock) with { NetworkLists = null },
            new StubBackendProbe(SandboxBackendKind.Bubblewrap, null),
            new StubBackendProbe(SandboxBackendKind.Landlock, null));

        Assert.Equal(SandboxBackendKind.Landlock, selection.Backend);
    }

    [Fact]
    public void Under_danger_full_access_the_allow_list_does_not_apply_and_start_up_says_so()
    {
        var selection = SandboxSelector.Select(
            Settings(SandboxBackendPreference.Auto) with { Sandbox = SandboxMode.DangerFullAccess },
            new StubBackendProbe(SandboxBackendKind.Bubblewrap, null),
            new StubBackendProbe(SandboxBackendKind.Landlock, null));

        Assert.True(selection.IsAvailable);
        Assert.Contains("danger-full-access: the network allow-list does not apply; commands reach the network directly, with no proxy and no question", selection.Caveats);
    }

    private static AgentExecSettings Settings(SandboxBackendPreference backend) => new()
    {
        Workspace = "/nonexistent-workspace",
        AuditLogPath = "/nonexistent/audit.jsonl",
        Sandbox = SandboxMode.WorkspaceWrite,
        SandboxBackend = backend,
        NetworkLists = AllowList,
    };
}
