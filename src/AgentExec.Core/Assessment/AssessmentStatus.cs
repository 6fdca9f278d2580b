namespace AgentExec.Core.Assessment;

/// <summary>How a risk-assessment attempt ended (SPEC.md "Risk assessment").</summary>
public enum AssessmentStatus
{
    /// <summary>The model answered in time with a valid assessment.</summary>
    Success,

    /// <summary>The budget ran out first.</summary>
    Timeout,

    /// <summary>The endpoint failed, refused or rejected the request.</summary>
    ModelError,

    /// <summary>The answer was not valid against the schema.</summary>
    ParseError,

    /// <summary>Assessment is off (the default), or has no key.</summary>
    Disabled,
}
