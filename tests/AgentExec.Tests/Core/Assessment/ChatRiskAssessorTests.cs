using AgentExec.Core.Assessment;
using Microsoft.Extensions.AI;
using Moq;

namespace AgentExec.Tests.Core.Assessment;

public sealed class ChatRiskAssessorTests
{
    private const string ValidAnswer = """{"description":"Deletes the build directory and everything in it.","risk_level":"high","risk_category":"data_deletion"}""";

    private static readonly AssessmentPromptWriter Writer = new(AssessmentPromptTemplate.Embedded, SecretRedactor.PatternsOnly, "TestOS");

    [Fact]
    public async Task A_valid_answer_is_a_success_with_the_risk()
    {
        // Arrange
        var client = Answering(ValidAnswer);
        var assessor = new ChatRiskAssessor(client.Object, "test-model", Writer, TimeProvider.System);

        // Act
        var result = await assessor.AssessAsync(AssessmentRequests.For("rm -rf build"), CancellationToken.None);

        // Assert
        Assert.Equal(AssessmentStatus.Success, result.Status);
        Assert.Equal(new RiskAssessment("Deletes the build directory and everything in it.", RiskLevel.High, "data_deletion"), result.Risk);
        Assert.Null(result.Detail);
    }

    [Fact]
    public async Task The_request_is_a_fresh_conversation_of_one_system_and_one_user_message_with_a_json_schema_and_no_tools()
    {
        // Arrange
        List<ChatMessage>? sent = null;
        ChatOptions? options = null;
        var client = new Mock<IChatClient>(MockBehavior.Strict);
        client.Setup(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()))
            .Callback((IEnumerable<ChatMessage> messages, ChatOptions? chatOptions, CancellationToken _) => (sent, options) = (messages.ToList(), chatOptions))
            .ReturnsAsync(new ChatResponse(new ChatMessage(ChatRole.Assistant, ValidAnswer)));
        var assessor = new ChatRiskAssessor(client.Object, "test-model", Writer, TimeProvider.System);

        // Act
        await assessor.AssessAsync(AssessmentRequests.For("rm -rf build", justification: "clean up"), CancellationToken.None);

        // Assert
        Assert.NotNull(sent);
        Assert.Equal([ChatRole.System, ChatRole.User], sent.Select(m => m.Role));
        Assert.Contains("rm -rf build", sent[1].Text, StringComparison.Ordinal);
        Assert.DoesNotContain("rm -rf build", sent[0].Text, StringComparison.Ordinal);
        Assert.Equal("test-model", options!.ModelId);
        Assert.Null(options.Tools);
        Assert.Null(options.ConversationId);
        var format = Assert.IsType<ChatResponseFormatJson>(options.ResponseFormat);
        Assert.Equal(RiskAnswerSchema.Text, format.Schema!.Value.GetRawText());
        Assert.Equal(RiskAnswerSchema.Name, format.SchemaName);
        Assert.Equal(true, options.AdditionalProperties?["strict"]);
    }

    [Theory]
    [InlineData("not json at all", "not valid JSON")]
    [InlineData("""{"description":"Lists files.","risk_level":"negligible","risk_category":"none"}""", "unknown risk_level 'negligible'")]
    [InlineData("""{"description":"Lists files.","risk_level":"low","risk_category":"harmless"}""", "unknown risk_category 'harmless'")]
    [InlineData("", "the answer is empty")]
    public async Task An_answer_that_is_not_valid_is_a_parse_error(string answer, string detail)
    {
        // Arrange
        var assessor = new ChatRiskAssessor(Answering(answer).Object, "test-model", Writer, TimeProvider.System);

        // Act
        var result = await assessor.AssessAsync(AssessmentRequests.For("ls"), CancellationToken.None);

        // Assert
        Assert.Equal(AssessmentStatus.ParseError, result.Status);
        Assert.Null(result.Risk);
        Assert.Contains(detail, result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_cut_off_at_the_token_limit_is_a_parse_error_that_says_so()
    {
        // Arrange
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, """{"description":"Dele""")) { FinishReason = ChatFinishReason.Length };
        var assessor = new ChatRiskAssessor(Answering(response).Object, "test-model", Writer, TimeProvider.System);

        // Act
        var result = await assessor.AssessAsync(AssessmentRequests.For("ls"), CancellationToken.None);

        // Assert
        Assert.Equal(AssessmentStatus.ParseError, result.Status);
        Assert.Contains("cut off at the output token limit", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refusal_is_a_model_error()
    {
        // Arrange
        var refusal = new ChatResponse(new ChatMessage(ChatRole.Assistant, [new ErrorContent("I can't help with that.") { ErrorCode = "Refusal" }]));
        var assessor = new ChatRiskAssessor(Answering(refusal).Object, "test-model", Writer, TimeProvider.System);

        // Act
        var result = await assessor.AssessAsync(AssessmentRequests.For("ls"), CancellationToken.None);

        // Assert
        Assert.Equal(AssessmentStatus.ModelError, result.Status);
        Assert.Equal("the model refused: I can't help with that.", result.Detail);
    }

    [Fact]
    public async Task An_exception_from_the_client_is_a_model_error_and_is_not_thrown()
    {
        // Arrange
        var client = new Mock<IChatClient>();
        client.Setup(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new HttpRequestException("Connection refused (127.0.0.1:9)"));
        var assessor = new ChatRiskAssessor(client.Object, "test-model", Writer, TimeProvider.System);

        // Act
        var result = await assessor.AssessAsync(AssessmentRequests.For("ls"), CancellationToken.None);

        // Assert
        Assert.Equal(AssessmentStatus.ModelError, result.Status);
        Assert.Equal("HttpRequestException: Connection refused (127.0.0.1:9)", result.Detail);
    }

    [Fact]
    public async Task An_endpoints_error_message_that_quotes_the_api_key_is_redacted_in_the_detail()
    {
        // Arrange: the detail goes to the log and the audit log; some endpoints quote the key they refused.
        var redactor = SecretRedactor.ForEnvironment(
            new Dictionary<string, string>(),
            AgentExec.Core.Configuration.EnvironmentSettings.Default,
            [new KeyValuePair<string, string>("OPENAI_API_KEY", "local-key-marker-4711")]);
        var writer = new AssessmentPromptWriter(AssessmentPromptTemplate.Embedded, redactor, "TestOS");
        var client = new Mock<IChatClient>();
        client.Setup(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("HTTP 401 (invalid_request_error: )\n\nIncorrect API key provided: local-key-marker-4711."));
        var assessor = new ChatRiskAssessor(client.Object, "test-model", writer, TimeProvider.System);

        // Act
        var result = await assessor.AssessAsync(AssessmentRequests.For("ls"), CancellationToken.None);

        // Assert
        Assert.Equal(AssessmentStatus.ModelError, result.Status);
        Assert.Equal("InvalidOperationException: HTTP 401 (invalid_request_error: ) Incorrect API key provided: [REDACTED:OPENAI_API_KEY].", result.Detail);
    }

    [Fact]
    public async Task A_server_that_rejects_json_schema_response_formats_is_a_model_error_that_names_the_cause()
    {
        // Arrange
        var client = new Mock<IChatClient>();
        client.Setup(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("HTTP 400 (invalid_request_error: )\n\nInvalid parameter: 'response_format' of type 'json_schema' is not supported with this model."));
        var assessor = new ChatRiskAssessor(client.Object, "test-model", Writer, TimeProvider.System);

        // Act
        var result = await assessor.AssessAsync(AssessmentRequests.For("ls"), CancellationToken.None);

        // Assert
        Assert.Equal(AssessmentStatus.ModelError, result.Status);
        Assert.StartsWith("the endpoint rejected the JSON-schema response format", result.Detail, StringComparison.Ordinal);
        Assert.Contains("'response_format' of type 'json_schema' is not supported", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_clients_own_network_timeout_is_a_timeout()
    {
        // Arrange
        var client = new Mock<IChatClient>();
        client.Setup(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout of 0:00:05."));
        var assessor = new ChatRiskAssessor(client.Object, "test-model", Writer, TimeProvider.System);

        // Act
        var result = await assessor.AssessAsync(AssessmentRequests.For("ls"), CancellationToken.None);

        // Assert
        Assert.Equal(AssessmentStatus.Timeout, result.Status);
        Assert.Equal("the endpoint did not answer within the client's network timeout", result.Detail);
    }

    [Fact]
    public async Task The_callers_cancellation_ends_the_call_as_a_timeout()
    {
        // Arrange
        using var cancellation = new CancellationTokenSource();
        var assessor = new ChatRiskAssessor(Hanging(out var cancelled).Object, "test-model", Writer, TimeProvider.System);

        // Act
        var assessing = assessor.AssessAsync(AssessmentRequests.For("ls"), cancellation.Token);
        await cancellation.CancelAsync();
        var result = await assessing.WaitAsync(TimeSpan.FromSeconds(10));

        // Assert
        Assert.Equal(AssessmentStatus.Timeout, result.Status);
        Assert.Equal("cancelled before the model answered", result.Detail);
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    internal static Mock<IChatClient> Answering(string answer) =>
        Answering(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer)));

    internal static Mock<IChatClient> Answering(ChatResponse response)
    {
        var client = new Mock<IChatClient>();
        client.Setup(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(response);
        return client;
    }

    /// <summary>A client that never answers; <paramref name="cancelled"/> completes when its call ends (only cancellation ends it).</summary>
    internal static Mock<IChatClient> Hanging(out TaskCompletionSource cancelled)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cancelled = signal;
        var client = new Mock<IChatClient>();
        client.Setup(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()))
            .Returns(async (IEnumerable<ChatMessage> _, ChatOptions? _, CancellationToken token) =>
            {
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, token);
                    return new ChatResponse();
                }
                finally
                {
                    signal.TrySetResult();
                }
            });
        return client;
    }
}
