using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace AgentExec.Core.Assessment;

/// <summary>Assembles the assessor a host uses: the session cache, around the hard budget, around the model call.</summary>
internal static class RiskAssessors
{
    /// <summary>
    /// The cache is outermost so a reused assessment costs nothing; the budget sits between, so every call that does
    /// reach the model is bounded as a whole.
    /// </summary>
    /// <param name="client">The chat client (built by the host).</param>
    /// <param name="modelId">The model to ask.</param>
    /// <param name="writer">Renders and redacts the prompt.</param>
    /// <param name="budget">The whole call's budget.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">Where outcomes and latencies are logged.</param>
    /// <returns>The assessor.</returns>
    public static IRiskAssessor ForChatClient(
        IChatClient client,
        string modelId,
        AssessmentPromptWriter writer,
        TimeSpan budget,
        TimeProvider time,
        ILogger logger) =>
        new CachingRiskAssessor(
            new BudgetedRiskAssessor(new ChatRiskAssessor(client, modelId, writer, time), budget, time, logger),
            logger);
}
