namespace AgentExec.Core.Audit;

/// <summary>The event names of SPEC.md "Audit log": one place for every writer and reader.</summary>
public static class AuditEventNames
{
    /// <summary>A command arrived.</summary>
    public const string CallReceived = "call_received";

    /// <summary>The policy judged it, with the evidence.</summary>
    public const string PolicyDecision = "policy_decision";

    /// <summary>A risk assessment finished (status, latency, level).</summary>
    public const string Assessment = "assessment";

    /// <summary>A question was sent to a human.</summary>
    public const string ElicitationSent = "elicitation_sent";

    /// <summary>The answer (or its absence) and the decision it produced.</summary>
    public const string Answer = "answer";

    /// <summary>The command started.</summary>
    public const string ExecutionStarted = "execution_started";

    /// <summary>The command finished.</summary>
    public const string ExecutionFinished = "execution_finished";

    /// <summary>The egress proxy's gate allowed or refused one destination of a running command.</summary>
    public const string NetworkDecision = "network_decision";

    /// <summary>The command was denied and did not run.</summary>
    public const string Denial = "denial";

    /// <summary>A writer found a torn last line and continued the chain after it.</summary>
    public const string Recovery = "recovery";
}
