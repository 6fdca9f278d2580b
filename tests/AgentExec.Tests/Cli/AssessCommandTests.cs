using System.Text.Json.Nodes;
using CliWrap;
using CliWrap.Buffered;

namespace AgentExec.Tests.Cli;

/// <summary><c>agentexec assess</c> as a user runs it: the real executable, against a Chat Completions stub on 127.0.0.1.</summary>
public sealed class AssessCommandTests : IDisposable
{
    private static readonly string Executable = Path.Combine(AppContext.BaseDirectory, "agentexec");
    private readonly TemporaryDirectory _root = new();
    private readonly string _project;

    public AssessCommandTests()
    {
        _project = Directory.CreateDirectory(Path.Combine(_root.Path, "project")).FullName;
        Directory.CreateDirectory(Path.Combine(_project, "build"));
    }

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task Assess_prints_the_models_assessment_as_json_and_runs_nothing()
    {
        // Arrange
        await using var stub = ChatCompletionsStub.Start(StubReply.Assessment("Deletes the build directory.", "high", "data_deletion"));

        // Act
        var result = await Run(stub, "assess", "--experimental-sandbox-command-assessment", "--json", "--", "rm", "-rf", "build");

        // Assert
        Assert.True(result.ExitCode == 0, result.StandardError);
        var json = JsonNode.Parse(result.StandardOutput)!;
        Assert.Equal("rm -rf build", json["command"]!.GetValue<string>());
        Assert.Equal("success", json["status"]!.GetValue<string>());
        Assert.Equal("""{"description":"Deletes the build directory.","risk_level":"high","risk_category":"data_deletion"}""", json["risk"]!.ToJsonString());
        Assert.True(Directory.Exists(Path.Combine(_project, "build")));
        Assert.Equal(1, stub.RequestCount);
    }

    [Fact]
    public async Task Assess_prints_the_assessment_as_text_labelled_as_advice()
    {
        // Arrange
        await using var stub = ChatCompletionsStub.Start(StubReply.Assessment("Deletes the build directory.", "high", "data_deletion"));

        // Act
        var result = await Run(stub, "assess", "--experimental-sandbox-command-assessment", "--", "rm", "-rf", "build");

        // Assert
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("risk:        HIGH (data_deletion)\n", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("description: Deletes the build directory. [from the risk model; advisory]\n", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_flag_assess_says_why_there_is_no_assessment_and_makes_no_request()
    {
        // Arrange
        await using var stub = ChatCompletionsStub.Start(StubReply.Assessment("x", "low", "none"));

        // Act
        var result = await Run(stub, "assess", "--", "rm", "-rf", "build");

        // Assert
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("status:      disabled\n", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("no assessment: the risk assessment is off; turn it on with --experimental-sandbox-command-assessment", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, stub.RequestCount);
    }

    [Fact]
    public async Task A_failed_assessment_says_why_and_the_dot_env_key_is_used_but_never_sent_in_the_prompt()
    {
        // Arrange: the key only in ./.env, and the command mentions it.
        await using var stub = ChatCompletionsStub.Start(StubReply.Error(500, "boom"));
        File.WriteAllText(Path.Combine(_project, ".env"), "OPENAI_API_KEY=sk-only-in-dotenv-0123456789\n");

        // Act
        var result = await RunWithKey(stub, null, "assess", "--experimental-sandbox-command-assessment", "--json", "--", "echo", "sk-only-in-dotenv-0123456789");

        // Assert
        var json = JsonNode.Parse(result.StandardOutput)!;
        Assert.Equal("model_error", json["status"]!.GetValue<string>());
        Assert.Contains("500", json["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        var body = Assert.Single(stub.Bodies);
        Assert.DoesNotContain("sk-only-in-dotenv-0123456789", body, StringComparison.Ordinal);
        Assert.Contains("[REDACTED:OPENAI_API_KEY]", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_larger_than_the_bound_is_a_model_error_and_is_not_read_into_memory()
    {
        // Arrange: found by an attack. OpenAI's client read a whole answer into memory before looking at it, and the
        // budget bounds only the time: an endpoint of the agent's choosing (a workspace .env may name it) sent 1.6 GB
        // into one assessment within 5 s. This one is a valid assessment padded with 3 MiB of white space, which the
        // client would otherwise have accepted.
        var valid = StubReply.Assessment("Deletes the build directory.", "high", "data_deletion");
        await using var stub = ChatCompletionsStub.Start(valid with { Body = valid.Body + new string(' ', 3 * 1024 * 1024) });

        // Act
        var result = await Run(stub, "assess", "--experimental-sandbox-command-assessment", "--json", "--", "rm", "-rf", "build");

        // Assert
        var json = JsonNode.Parse(result.StandardOutput)!;
        Assert.Equal("model_error", json["status"]!.GetValue<string>());
        Assert.Contains("larger than 1048576 bytes", json["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_larger_than_the_bound_sent_with_no_length_is_refused_while_it_is_read()
    {
        // Arrange: the same padded answer, chunked, so no Content-Length announces its size and only counting the bytes
        // as they are read can stop it.
        var valid = StubReply.Assessment("Deletes the build directory.", "high", "data_deletion");
        await using var stub = ChatCompletionsStub.Start(valid with { Body = valid.Body + new string(' ', 3 * 1024 * 1024), Chunked = true });

        // Act
        var result = await Run(stub, "assess", "--experimental-sandbox-command-assessment", "--json", "--", "rm", "-rf", "build");

        // Assert
        var json = JsonNode.Parse(result.StandardOutput)!;
        Assert.Equal("model_error", json["status"]!.GetValue<string>());
        Assert.Contains("larger than 1048576 bytes", json["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_valid_answer_sent_with_no_length_is_read()
    {
        // The positive control for the chunked refusal: the bound counts bytes, it does not refuse chunked answers.
        await using var stub = ChatCompletionsStub.Start(StubReply.Assessment("Deletes the build directory.", "high", "data_deletion") with { Chunked = true });

        var result = await Run(stub, "assess", "--experimental-sandbox-command-assessment", "--json", "--", "rm", "-rf", "build");

        var json = JsonNode.Parse(result.StandardOutput)!;
        Assert.Equal("success", json["status"]!.GetValue<string>());
        Assert.Equal("high", json["risk"]!["risk_level"]!.GetValue<string>());
    }

    private Task<BufferedCommandResult> Run(ChatCompletionsStub stub, params string[] arguments) =>
        RunWithKey(stub, "sk-test-key-for-the-local-stub", arguments);

    private Task<BufferedCommandResult> RunWithKey(ChatCompletionsStub stub, string? apiKey, params string[] arguments)
    {
        var environment = new Dictionary<string, string?>
        {
            ["OPENAI_API_KEY"] = apiKey,
            ["OPENAI_BASE_URL"] = stub.BaseUrl.ToString(),
            ["AGENTEXEC_ASSESSMENT_MODEL"] = "stub-model",
            ["AGENTEXEC_EXPERIMENTAL_SANDBOX_COMMAND_ASSESSMENT"] = null,
            ["AGENTEXEC_CONFIG"] = null,
            ["XDG_CONFIG_HOME"] = Path.Combine(_root.Path, "config"),
            ["XDG_STATE_HOME"] = Path.Combine(_root.Path, "state"),
        };
        return global::CliWrap.Cli.Wrap(Executable)
            .WithArguments(arguments)
            .WithWorkingDirectory(_project)
            .WithEnvironmentVariables(environment)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
    }
}
