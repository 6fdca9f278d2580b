using AgentExec.Core.Text;
using Microsoft.Extensions.AI;

namespace AgentExec.Core.Assessment;

/// <summary>
/// Assesses a command in a separate, fresh conversation through an <see cref="IChatClient"/> (SPEC.md "Risk
/// assessment"): one system and one user message, no history, no tools, a strict JSON-schema answer.
/// </summary>
/// <remarks>
/// <para>
/// This type does not enforce the budget: <see cref="BudgetedRiskAssessor"/> does, around the whole call, and cancels
/// the token passed here. What this type decides is how each ending maps to a status:
/// </para>
/// <list type="bullet">
/// <item>a valid answer → <c>success</c>;</item>
/// <item>the token cancelled, or the client's own network timeout → <c>timeout</c>;</item>
/// <item>any exception from the client (HTTP error, refused connection, a server that rejects JSON-schema response
/// formats), a refusal, or an answer stopped by a content filter → <c>model_error</c>: the model or the endpoint
/// declined to assess;</item>
/// <item>an answer that arrived but is empty, cut off at the token limit, not JSON, or not valid against the schema
/// → <c>parse_error</c>: the model answered, but not usably.</item>
/// </list>
/// <para>Never throws: every ending is a result, and the question is then asked without a risk.</para>
/// </remarks>
internal sealed class ChatRiskAssessor : IRiskAssessor
{
    /// <summary>Enough for a 500-character description and the JSON around it, with room to spare.</summary>
    public const int MaxOutputTokens = 400;

    private const int MaxDetailLength = 300;

    // The key Microsoft.Extensions.AI's OpenAI adapter reads to send "strict": true with a JSON schema (OpenAI's
    // structured outputs: the model's output is constrained to the schema, not merely asked to follow it).
    private const string StrictKey = "strict";

    private readonly IChatClient _client;
    private readonly string _modelId;
    private readonly AssessmentPromptWriter _writer;
    private readonly TimeProvider _time;

    /// <summary>Creates an assessor.</summary>
    /// <param name="client">The chat client (the host builds it; no retries of its own, see the CLI's factory).</param>
    /// <param name="modelId">The model to ask.</param>
    /// <param name="writer">Renders the prompt.</param>
    /// <param name="time">The clock for the latency.</param>
    public ChatRiskAssessor(IChatClient client, string modelId, AssessmentPromptWriter writer, TimeProvider time)
    {
        _client = client;
        _modelId = modelId;
        _writer = writer;
        _time = time;
    }

    /// <inheritdoc />
    public async Task<AssessmentResult> AssessAsync(AssessmentRequest request, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        AssessmentResult Result(AssessmentStatus status, RiskAssessment? risk, string? detail) =>
            new(status, risk, _time.GetElapsedTime(started), detail);

        var prompt = _writer.Write(request);

        // A fresh list every time: the conversation is this request and nothing else (no agent history, no tools).
        List<ChatMessage> conversation =
        [
            new(ChatRole.System, prompt.System),
            new(ChatRole.User, prompt.User),
        ];
        var options = new ChatOptions
        {
            ModelId = _modelId,
            ResponseFormat = ChatResponseFormat.ForJsonSchema(RiskAnswerSchema.Schema, RiskAnswerSchema.Name, RiskAnswerSchema.Description),
            MaxOutputTokens = MaxOutputTokens,
            AdditionalProperties = new AdditionalPropertiesDictionary { [StrictKey] = true },
        };

        ChatResponse response;
        try
        {
            response = await _client.GetResponseAsync(conversation, options, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Result(AssessmentStatus.Timeout, null, "cancelled before the model answered");
        }
        catch (OperationCanceledException)
        {
            // Not our token: the HTTP client reports its own network timeout as a cancellation (with a long message
            // about how to raise it, which is not advice we want in the log: the budget is the setting to change).
            return Result(AssessmentStatus.Timeout, null, "the endpoint did not answer within the client's network timeout");
        }
#pragma warning disable CA1031 // Advisory only: whatever the client throws means "ask without a risk".
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return Result(AssessmentStatus.ModelError, null, DescribeFailure(exception));
        }

        if (Refusal(response) is { } refusal)
        {
            return Result(AssessmentStatus.ModelError, null, "the model refused: " + Clip(_writer.Redact(refusal)));
        }

        if (response.FinishReason == ChatFinishReason.ContentFilter)
        {
            return Result(AssessmentStatus.ModelError, null, "the endpoint's content filter stopped the answer");
        }

        var text = response.Text;
        if (string.IsNullOrWhiteSpace(text))
        {
            return Result(AssessmentStatus.ParseError, null, response.FinishReason == ChatFinishReason.Length
                ? "the answer is empty: it was cut off at the output token limit"
                : "the answer is empty");
        }

        if (!RiskAnswerParser.TryParse(text, out var risk, out var problem))
        {
            var cutOff = response.FinishReason == ChatFinishReason.Length ? " (it was cut off at the output token limit)" : "";
            return Result(AssessmentStatus.ParseError, null, Clip(problem + cutOff));
        }

        return Result(AssessmentStatus.Success, risk, null);
    }

    // The OpenAI adapter turns a refusal into ErrorContent; other providers may too.
    private static string? Refusal(ChatResponse response) =>
        response.Messages.SelectMany(message => message.Contents).OfType<ErrorContent>().Select(error => error.Message).FirstOrDefault();

    private string DescribeFailure(Exception exception)
    {
        var description = Describe(exception);
        if (exception.Message.Contains("response_format", StringComparison.OrdinalIgnoreCase)
            || exception.Message.Contains("json_schema", StringComparison.OrdinalIgnoreCase))
        {
            // Some OpenAI-compatible servers reject structured outputs. Say so plainly: the fix is another model or
            // server, not another retry.
            return "the endpoint rejected the JSON-schema response format (this server or model does not support structured outputs; "
                + "choose one that does): " + description;
        }

        return description;
    }

    // The whole message on one line: OpenAI's client puts the status on one line and the server's error body on later
    // ones, and both matter. The body is the endpoint's text and may quote what it was sent, the API key included
    // ("Incorrect API key provided: sk-…"); this detail goes to the log and the audit log, so it is redacted like the
    // prompt, before it is cut so that a secret is never halved and missed.
    private string Describe(Exception exception) =>
        Clip(_writer.Redact(exception.GetType().Name + ": " + string.Join(' ', exception.Message.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))));

    private static string Clip(string text) => UntrustedText.Escape(UntrustedText.Truncate(text, MaxDetailLength));
}
