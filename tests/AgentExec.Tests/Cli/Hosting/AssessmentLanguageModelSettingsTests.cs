using AgentExec.Cli.Hosting;

namespace AgentExec.Tests.Cli.Hosting;

/// <summary>The three LLM variables: from the environment, else from ./.env, and nothing else from .env.</summary>
public sealed class AssessmentLanguageModelSettingsTests : IDisposable
{
    private readonly TemporaryDirectory _root = new();
    private readonly string _start;
    private readonly List<string> _warnings = [];

    public AssessmentLanguageModelSettingsTests()
    {
        _start = Directory.CreateDirectory(Path.Combine(_root.Path, "start")).FullName;
    }

    public void Dispose() => _root.Dispose();

    [Fact]
    public void The_environment_alone_is_enough_and_the_model_has_a_default()
    {
        // Act
        var settings = Resolve(new() { ["OPENAI_API_KEY"] = "sk-env" });

        // Assert
        Assert.Equal("sk-env", settings.ApiKey);
        Assert.Null(settings.Endpoint);
        Assert.Equal(LanguageModelVariables.DefaultModel, settings.Model);
        Assert.Null(settings.Problem);
        Assert.Empty(_warnings);
    }

    [Fact]
    public void A_dot_env_file_supplies_the_three_variables_without_touching_the_process_environment()
    {
        // Arrange
        WriteDotEnv("""
            # the assessment endpoint
            export OPENAI_API_KEY=sk-from-dotenv
            OPENAI_BASE_URL="http://127.0.0.1:8080/v1"
            AGENTEXEC_ASSESSMENT_MODEL='local-model' # inline comment
            """);

        // Act
        var settings = Resolve([]);

        // Assert
        Assert.Equal("sk-from-dotenv", settings.ApiKey);
        Assert.Equal(new Uri("http://127.0.0.1:8080/v1"), settings.Endpoint);
        Assert.Equal("local-model", settings.Model);
        Assert.Equal(3, settings.ValuesFromDotEnv.Count);
        Assert.NotEqual("local-model", Environment.GetEnvironmentVariable("AGENTEXEC_ASSESSMENT_MODEL"));
        Assert.NotEqual("sk-from-dotenv", Environment.GetEnvironmentVariable("OPENAI_API_KEY"));
        Assert.Empty(_warnings);
    }

    [Fact]
    public void A_variable_already_set_is_never_overridden_but_an_empty_one_counts_as_unset()
    {
        // Arrange
        WriteDotEnv("OPENAI_API_KEY=sk-from-dotenv\nAGENTEXEC_ASSESSMENT_MODEL=dotenv-model\n");

        // Act
        var settings = Resolve(new() { ["OPENAI_API_KEY"] = "sk-env", ["AGENTEXEC_ASSESSMENT_MODEL"] = "" });

        // Assert
        Assert.Equal("sk-env", settings.ApiKey);
        Assert.Equal("dotenv-model", settings.Model);
        Assert.Equal(["AGENTEXEC_ASSESSMENT_MODEL"], settings.ValuesFromDotEnv.Keys);
    }

    [Fact]
    public void Policy_settings_in_a_dot_env_file_are_ignored_with_a_warning_and_other_names_silently()
    {
        // Arrange
        WriteDotEnv("OPENAI_API_KEY=sk-x\nAGENTEXEC_APPROVAL_POLICY=never\nAGENTEXEC_SANDBOX=danger-full-access\nDATABASE_URL=postgres://db\n");

        // Act
        var settings = Resolve([]);

        // Assert
        Assert.Equal("sk-x", settings.ApiKey);
        var warning = Assert.Single(_warnings);
        Assert.Contains("ignoring AGENTEXEC_APPROVAL_POLICY, AGENTEXEC_SANDBOX", warning, StringComparison.Ordinal);
        Assert.Contains("never policy settings", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dot_env_cannot_send_the_users_own_key_to_another_server_wherever_it_lies()
    {
        // SPEC.md: a .env never supplies OPENAI_BASE_URL for a key that came from anywhere else. The rule was applied
        // only to a .env inside the workspace (a review), and this one lies outside it: one in a writable root is the
        // agent's to write as well.
        WriteDotEnv("OPENAI_BASE_URL=https://attacker.example/v1\n");

        // Act
        var settings = Resolve(new() { ["OPENAI_API_KEY"] = "sk-users-own" });

        // Assert: and the key does not go to the default endpoint instead (it may be meant for another provider).
        Assert.Null(settings.Endpoint);
        Assert.Contains("ignoring OPENAI_BASE_URL: OPENAI_API_KEY comes from your environment", Assert.Single(_warnings), StringComparison.Ordinal);
        Assert.Contains("is not sent to the default endpoint", settings.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_named_dot_env_is_skipped_without_a_warning()
    {
        // A Python virtual environment is often called .env; a review found it warned about at every start once only a
        // regular file was opened.
        Directory.CreateDirectory(Path.Combine(_start, ".env", "bin"));

        var settings = Resolve(new() { ["OPENAI_API_KEY"] = "sk-env" });

        Assert.Equal("sk-env", settings.ApiKey);
        Assert.Empty(_warnings);
    }

    [Fact]
    public void Without_a_key_the_problem_names_where_it_was_looked_for()
    {
        // Act
        var settings = Resolve([]);

        // Assert
        Assert.Equal($"OPENAI_API_KEY is not set (in the environment or in {Path.Combine(_start, ".env")})", settings.Problem);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://127.0.0.1/v1")]
    public void A_base_url_that_is_not_http_is_a_problem(string url)
    {
        // Act
        var settings = Resolve(new() { ["OPENAI_API_KEY"] = "sk-x", ["OPENAI_BASE_URL"] = url });

        // Assert
        Assert.Equal("OPENAI_BASE_URL is not an http(s) URL", settings.Problem);
    }

    [Fact]
    public void Plain_http_to_another_machine_is_warned_about()
    {
        // Act
        var settings = Resolve(new() { ["OPENAI_API_KEY"] = "sk-x", ["OPENAI_BASE_URL"] = "http://llm.internal.example/v1" });

        // Assert
        Assert.Null(settings.Problem);
        Assert.Contains("travel unencrypted", Assert.Single(_warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void An_oversized_or_special_dot_env_is_not_read()
    {
        // Arrange
        WriteDotEnv("OPENAI_API_KEY=" + new string('x', DotEnvFile.MaxBytes));

        // Act
        var settings = Resolve([]);

        // Assert
        Assert.Null(settings.ApiKey);
        Assert.Contains("is larger than 65536 bytes; it is ignored", Assert.Single(_warnings), StringComparison.Ordinal);
    }

    private LanguageModelSettings Resolve(Dictionary<string, string> environment) =>
        LanguageModelSettings.Resolve(environment, _start, _warnings);

    private void WriteDotEnv(string content) => File.WriteAllText(Path.Combine(_start, ".env"), content);
}
