namespace AgentExec.Core.Pipeline;

/// <summary>
/// Why an answer that arrived as its own call (an MCP 2026-07-28 retry carrying <c>requestState</c>) was not given to
/// any question. The retry is refused and audited as a call of its own; it never receives another call's result.
/// </summary>
public enum UnmatchedAnswer
{
    /// <summary>
    /// No question with that state is open: it was answered already, timed out, was cancelled, its client went away,
    /// or it never existed. Refused as <c>no_response</c>: the question it claims to answer got none in time.
    /// </summary>
    QuestionNotOpen,

    /// <summary>
    /// The question is open, but it was asked about a different call: the retry's command, working directory,
    /// timeout, justification or escalation differ from the original's. Refused as <c>malformed_response</c>; the
    /// question stays open for its own call's retry.
    /// </summary>
    DifferentCall,
}
