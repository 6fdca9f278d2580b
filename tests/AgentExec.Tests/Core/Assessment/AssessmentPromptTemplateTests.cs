using AgentExec.Core.Assessment;

namespace AgentExec.Tests.Core.Assessment;

public sealed class AssessmentPromptTemplateTests
{
    [Fact]
    public void The_built_in_template_is_embedded_and_uses_every_placeholder_of_the_spec()
    {
        // Act
        var template = AssessmentPromptTemplate.Embedded;

        // Assert
        var used = template.SystemPart.Concat(template.UserPart).Where(s => s.IsPlaceholder).Select(s => s.Text).ToHashSet();
        Assert.Equal("built-in", template.Source);
        Assert.Superset(
            new HashSet<string> { "platform", "sandbox_policy", "filesystem_roots", "working_directory", "command_argv", "command_joined", "justification", "sandbox_failure_message" },
            used);
    }

    [Fact]
    public void The_built_in_template_is_the_file_in_the_prompts_folder()
    {
        // Arrange
        var file = Path.Combine(RepositoryRoot(), "prompts", "sandbox-assessment.md");

        // Act
        var parsed = AssessmentPromptTemplate.TryParse(File.ReadAllText(file), file, out var fromFile, out var problem);

        // Assert
        Assert.True(parsed, problem);
        Assert.Equal(fromFile!.SystemPart, AssessmentPromptTemplate.Embedded.SystemPart);
        Assert.Equal(fromFile.UserPart, AssessmentPromptTemplate.Embedded.UserPart);
    }

    [Theory]
    [InlineData("only a system part {{command_joined}}", "no line '---'")]
    [InlineData("system\n---\n{{comand_joined}}", "unknown placeholder {{comand_joined}} on line 3")]
    [InlineData("system {{platform\n---\n{{command_joined}}", "unclosed '{{' on line 1")]
    [InlineData("system sees {{command_joined}}\n---\n{{command_joined}}", "{{command_joined}} in the system part")]
    [InlineData("system sees {{justification}}\n---\n{{command_joined}}", "{{justification}} in the system part")]
    [InlineData("system\n---\nno command here {{justification}}", "never shows the command")]
    [InlineData("\n---\n{{command_joined}}", "empty system part")]
    [InlineData("system\n---\n   \n", "empty user part")]
    public void A_template_that_would_say_less_than_meant_is_refused(string text, string expected)
    {
        // Act
        var parsed = AssessmentPromptTemplate.TryParse(text, "test", out _, out var problem);

        // Assert
        Assert.False(parsed);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_first_separator_line_splits_the_parts()
    {
        // Act
        var parsed = AssessmentPromptTemplate.TryParse("system {{platform}}\r\n---\r\nuser {{command_argv}}\n---\nstill user", "test", out var template, out _);

        // Assert
        Assert.True(parsed);
        var (system, user) = template!.Render(name => $"<{name}>");
        Assert.Equal("system <platform>", system);
        Assert.Equal("user <command_argv>\n---\nstill user", user);
    }

    [Fact]
    public void A_template_file_is_loaded_and_a_broken_one_is_explained()
    {
        // Arrange
        using var directory = new TemporaryDirectory();
        var good = directory.File("good.md");
        var broken = directory.File("broken.md");
        File.WriteAllText(good, "\uFEFFBe brief.\n---\nAssess {{command_joined}}\n");
        File.WriteAllText(broken, "Be brief.\nAssess {{command_joined}}\n");

        // Act
        var loaded = AssessmentPromptTemplate.TryLoad(good, out var template, out _);
        var refused = !AssessmentPromptTemplate.TryLoad(broken, out _, out var problem);
        var missing = !AssessmentPromptTemplate.TryLoad(directory.File("absent.md"), out _, out var missingProblem);

        // Assert
        Assert.True(loaded);
        Assert.Equal(good, template!.Source);
        Assert.True(refused);
        Assert.Equal("is not a valid assessment template: it has no line '---' separating the system part from the user part", problem);
        Assert.True(missing);
        Assert.Equal("does not exist", missingProblem);
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "AgentExec.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("AgentExec.sln not found above the test binaries");
    }
}
