using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>Finding bwrap without ever taking one that a sandboxed command could have planted.</summary>
public sealed class BubblewrapLocatorTests
{
    [Fact]
    public void A_bwrap_planted_inside_a_writable_root_is_passed_over_for_the_system_one()
    {
        // Arrange: the planted one comes first on PATH.
        using var directory = new SandboxTestDirectory();
        var planted = Plant(Path.Combine(directory.Workspace, "bin"));
        var system = Plant(Path.Combine(directory.Outside, "bin"));

        // Act
        var found = BubblewrapLocator.Find($"{Path.GetDirectoryName(planted)}:{Path.GetDirectoryName(system)}", [directory.Workspace]);

        // Assert
        Assert.Equal(system, found);
    }

    [Fact]
    public void A_link_on_path_that_resolves_into_a_writable_root_is_passed_over()
    {
        using var directory = new SandboxTestDirectory();
        var planted = Plant(Path.Combine(directory.Workspace, "bin"));
        var linkDirectory = Directory.CreateDirectory(Path.Combine(directory.Outside, "bin")).FullName;
        File.CreateSymbolicLink(Path.Combine(linkDirectory, "bwrap"), planted);

        Assert.Null(BubblewrapLocator.Find(linkDirectory, [directory.Workspace]));
    }

    [Fact]
    public void Relative_path_entries_and_files_that_are_not_executable_are_ignored()
    {
        using var directory = new SandboxTestDirectory();
        var notExecutable = Path.Combine(directory.Outside, "bwrap");
        File.WriteAllText(notExecutable, "#!/bin/sh\n");

        Assert.Null(BubblewrapLocator.Find($"bin:.::{directory.Outside}", []));
    }

    private static string Plant(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "bwrap");
        File.WriteAllText(path, "#!/bin/sh\nshift $#; exec \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }
}
