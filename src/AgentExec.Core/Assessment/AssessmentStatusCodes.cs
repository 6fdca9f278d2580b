namespace AgentExec.Core.Assessment;

/// <summary>The wire spelling of <see cref="AssessmentStatus"/> (SPEC.md "Risk assessment"), for the audit log, logs and <c>assess --json</c>.</summary>
public static class AssessmentStatusCodes
{
    /// <summary><c>success</c>, <c>timeout</c>, <c>model_error</c>, <c>parse_error</c> or <c>disabled</c>.</summary>
    public static string ToCode(this AssessmentStatus status) => status switch
    {
        AssessmentStatus.Success => "success",
        AssessmentStatus.Timeout => "timeout",
        AssessmentStatus.ModelError => "model_error",
        AssessmentStatus.ParseError => "parse_error",
        _ => "disabled",
    };
}
