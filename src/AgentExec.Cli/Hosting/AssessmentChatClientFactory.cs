using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;

namespace AgentExec.Cli.Hosting;

/// <summary>Builds the production <see cref="IChatClient"/>: OpenAI's client for any OpenAI-compatible endpoint, tuned for one budget.</summary>
internal static class AssessmentChatClientFactory
{
    /// <summary>Creates the client.</summary>
    /// <remarks>
    /// Retries are off: OpenAI's client retries failed requests with back-off by default, which could outlive the
    /// budget and, worse, send the same command twice. Its network timeout is the budget itself, so even a call that
    /// escaped <c>BudgetedRiskAssessor</c>'s cancellation would not linger; that decorator remains the real deadline.
    /// </remarks>
    /// <param name="model">The model.</param>
    /// <param name="apiKey">The API key.</param>
    /// <param name="endpoint">The base URL, or null for OpenAI's.</param>
    /// <param name="budget">The assessment budget.</param>
    /// <returns>The client.</returns>
    public static IChatClient Create(string model, string apiKey, Uri? endpoint, TimeSpan budget)
    {
        var options = new OpenAIClientOptions
        {
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = budget,
            UserAgentApplicationId = "agentexec",

            // The client reads a whole answer into memory: bounded, so an endpoint cannot make the server hold gigabytes.
            // The time is the pipeline's (NetworkTimeout, and the budget around it), not HttpClient's own 100 s.
            Transport = new HttpClientPipelineTransport(
                new HttpClient(new BoundedResponseHandler(BoundedResponseHandler.DefaultMaxBytes)) { Timeout = Timeout.InfiniteTimeSpan }),
        };
        if (endpoint is not null)
        {
            options.Endpoint = endpoint;
        }

        return new ChatClient(model, new ApiKeyCredential(apiKey), options).AsIChatClient();
    }
}
