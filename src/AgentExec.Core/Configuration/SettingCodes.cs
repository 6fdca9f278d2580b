namespace AgentExec.Core.Configuration;

/// <summary>The wire spelling of the settings vocabulary: one place for every renderer and parser.</summary>
/// <remarks>
/// These spellings were part of <c>PolicyCodes</c>; they live here because the settings parser (<see cref="SettingNames"/>)
/// reads them, and Configuration sits below Policy and Sandbox (README.md).
/// </remarks>
public static class SettingCodes
{
    /// <summary>The code of a rule decision (<c>allow</c>, <c>prompt</c>, <c>forbidden</c>).</summary>
    public static string ToCode(this RuleDecision decision) => decision switch
    {
        RuleDecision.Allow => "allow",
        RuleDecision.Prompt => "prompt",
        RuleDecision.Forbidden => "forbidden",
        _ => throw new ArgumentOutOfRangeException(nameof(decision), decision, "unknown decision"),
    };

    /// <summary>The code of an approval policy (<c>on-failure</c>…).</summary>
    public static string ToCode(this ApprovalPolicy policy) => policy switch
    {
        ApprovalPolicy.Untrusted => "untrusted",
        ApprovalPolicy.OnFailure => "on-failure",
        ApprovalPolicy.OnRequest => "on-request",
        ApprovalPolicy.Never => "never",
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "unknown policy"),
    };

    /// <summary>The code of a sandbox mode (<c>workspace-write</c>…).</summary>
    public static string ToCode(this SandboxMode mode) => mode switch
    {
        SandboxMode.ReadOnly => "read-only",
        SandboxMode.WorkspaceWrite => "workspace-write",
        SandboxMode.DangerFullAccess => "danger-full-access",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown mode"),
    };
}
