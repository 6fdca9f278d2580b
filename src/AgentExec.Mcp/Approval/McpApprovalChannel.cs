using AgentExec.Core.Approval;
using ModelContextProtocol.Server;

namespace AgentExec.Mcp.Approval;

/// <summary>
/// What the MCP channels share whatever the protocol generation: a question is a form elicitation, so the client can be
/// asked only if it declared form elicitation, and the human reads SPEC.md's rendered message.
/// </summary>
/// <param name="server">The request's server, which knows this client's capabilities.</param>
internal abstract class McpApprovalChannel(McpServer server) : IApprovalChannel
{
    /// <summary>The request's server.</summary>
    protected McpServer Server { get; } = server;

    /// <inheritdoc />
    public bool CanAsk => Server.ClientCapabilities?.Elicitation?.Form is not null;

    /// <inheritdoc />
    public ApprovalReason CannotAskReason => ApprovalReason.ClientCannotElicit;

    /// <inheritdoc />
    public string Render(ApprovalQuestion question) => ApprovalMessage.Render(question);

    /// <inheritdoc />
    public abstract Task<ApprovalOutcome> AskAsync(ApprovalQuestion question, TimeSpan timeout, CancellationToken cancellationToken);

    /// <inheritdoc />
    public virtual ApprovalReason? CancelledBecause => null;
}
