using System.Text.Json;
using AgentExec.Cli.Hosting;
using AgentExec.Core.Configuration;
using AgentExec.Tests.Core.Assessment;
using AgentExec.Tests.EndToEnd;

namespace AgentExec.Tests.Cli;

/// <summary>
/// The MCP server description the tool package carries (<c>src/AgentExec.Cli/.mcp/server.json</c>): what an MCP client
/// or NuGet reads to start <c>agentexec serve</c> and to offer its settings.
/// </summary>
public sealed class McpServerDescriptionTests
{
    [Fact]
    public void The_description_names_the_package_its_version_and_the_serve_command()
    {
        using var description = Read();
        var root = description.RootElement;
        var package = Assert.Single(root.GetProperty("packages").EnumerateArray());

        Assert.Equal(ToolPackageTests.ProductVersion(), root.GetProperty("version").GetString());
        Assert.Equal("nuget", package.GetProperty("registryType").GetString());
        Assert.Equal("AgentExec", package.GetProperty("identifier").GetString());
        Assert.Equal(ToolPackageTests.ProductVersion(), package.GetProperty("version").GetString());
        Assert.Equal("stdio", package.GetProperty("transport").GetProperty("type").GetString());
        var argument = Assert.Single(package.GetProperty("packageArguments").EnumerateArray());
        Assert.Equal(("positional", "serve"), (argument.GetProperty("type").GetString(), argument.GetProperty("value").GetString()));
    }

    [Fact]
    public void The_description_names_every_variable_agentexec_reads_and_marks_only_the_key_secret()
    {
        using var description = Read();
        var variables = Assert.Single(description.RootElement.GetProperty("packages").EnumerateArray())
            .GetProperty("environmentVariables").EnumerateArray().ToList();

        var named = variables.Select(variable => variable.GetProperty("name").GetString()!).Order(StringComparer.Ordinal);
        var read = SettingKeys.Shared.Select(SettingKeys.EnvironmentVariable).Concat(LanguageModelVariables.All).Order(StringComparer.Ordinal);
        var secret = variables
            .Where(variable => variable.TryGetProperty("isSecret", out var isSecret) && isSecret.GetBoolean())
            .Select(variable => variable.GetProperty("name").GetString());
        Assert.Equal(read, named);
        Assert.Equal([LanguageModelVariables.ApiKey], secret);
    }

    private static JsonDocument Read() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AssessmentPromptTemplateTests.RepositoryRoot(), "src", "AgentExec.Cli", ".mcp", "server.json")));
}
