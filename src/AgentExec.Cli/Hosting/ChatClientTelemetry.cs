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
    /// Costs nothing while no exporter listens.
    /// </remarks>
    /// <param name="client">The assessor's chat client.</param>
    /// <returns>The wrapped client.</returns>
    public static IChatClient WithAgentExecTelemetry(this IChatClient client) =>
        new ChatClientBuilder(client)
            .UseOpenTelemetry(sourceName: AgentExecTelemetry.SourceName, configure: telemetry => telemetry.EnableSensitiveData = false)
            .Build();
}
