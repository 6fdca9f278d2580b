using System.ClientModel;
using System.Runtime.ExceptionServices;
using AgentExec.Core.Telemetry;
using Microsoft.Extensions.AI;

namespace AgentExec.Cli.Hosting;

/// <summary>Puts the risk assessor's model calls in AgentExec's traces and metrics.</summary>
internal static class ChatClientTelemetry
{
    /// <summary>
    /// Wraps <paramref name="client"/> with Microsoft.Extensions.AI's OpenTelemetry decorator on the <c>AgentExec</c>
    /// source and meter, so each assessment's <c>chat</c> span is a child of the call's <c>agentexec.shell</c> span.
    /// </summary>
    /// <remarks>
    /// Sensitive data stays off whatever <c>OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT</c> says: the prompt holds
    /// the command line and, for a retry, the command's output, and <c>telemetry.include_command</c> covers neither.
    /// The decorator also puts a failed call's exception message on the span as its status description, and an
    /// endpoint's error message may quote the request it refused (the command line, the justification): so the
    /// decorator only ever sees a failure described by its type and HTTP status, and the assessor still gets the
    /// endpoint's own exception, whose text goes to the log and the audit log as before. Costs nothing while no
    /// exporter listens.
    /// </remarks>
    /// <param name="client">The assessor's chat client.</param>
    /// <returns>The wrapped client.</returns>
    public static IChatClient WithAgentExecTelemetry(this IChatClient client) =>
        new ChatClientBuilder(client)
            .Use(inner => new EndpointFailureRestorer(inner))
            .UseOpenTelemetry(sourceName: AgentExecTelemetry.SourceName, configure: telemetry => telemetry.EnableSensitiveData = false)
            .Use(inner => new EndpointFailureHider(inner))
            .Build();

    /// <summary>Below the telemetry decorator: replaces the endpoint's failure by one whose message it did not write.</summary>
    private sealed class EndpointFailureHider(IChatClient inner) : DelegatingChatClient(inner)
    {
        public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            try
            {
                return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                throw new ModelEndpointFailure(exception);
            }
        }

        // The assessor does not stream (ChatRiskAssessor asks for one whole answer); a stream passes unchanged.
    }

    /// <summary>Above the telemetry decorator: gives the assessor the endpoint's own failure back, with its stack.</summary>
    private sealed class EndpointFailureRestorer(IChatClient inner) : DelegatingChatClient(inner)
    {
        public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            try
            {
                return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
            }
            catch (ModelEndpointFailure hidden)
            {
                ExceptionDispatchInfo.Throw(hidden.InnerException!);
                throw;
            }
        }
    }
}

/// <summary>
/// A failure of the risk model's call, as the telemetry decorator sees it: its message holds the original exception's
/// type and HTTP status and nothing the endpoint wrote; the original is inside. Its name is the span's <c>error.type</c>.
/// </summary>
internal sealed class ModelEndpointFailure(Exception original) : Exception(Describe(original), original)
{
    private static string Describe(Exception exception) => exception is ClientResultException { Status: > 0 } http
        ? $"{exception.GetType().Name}: HTTP {http.Status}"
        : exception.GetType().Name;
}
