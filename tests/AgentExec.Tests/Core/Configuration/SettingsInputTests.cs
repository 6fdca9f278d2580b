using AgentExec.Core.Configuration;

namespace AgentExec.Tests.Core.Configuration;

public sealed class SettingsInputTests
{
    [Fact]
    public void An_input_from_the_process_carries_the_given_flags_and_the_real_environment_and_directories()
    {
        // Arrange
        var flags = new Dictionary<string, string> { ["approval_policy"] = "never" };

        // Act
        var input = SettingsInput.FromProcess(flags);

        // Assert
        Assert.Same(flags, input.Flags);
        Assert.Equal(Environment.GetEnvironmentVariable("PATH"), input.Environment.GetValueOrDefault("PATH"));
        Assert.Equal(Environment.CurrentDirectory, input.CurrentDirectory);
        Assert.True(Path.IsPathFullyQualified(input.HomeDirectory), $"home directory '{input.HomeDirectory}' is not absolute");
    }
}
