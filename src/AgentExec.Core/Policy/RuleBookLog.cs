using Microsoft.Extensions.Logging;

namespace AgentExec.Core.Policy;

/// <summary>What <see cref="RuleBook"/> logs, as source-generated messages.</summary>
internal static partial class RuleBookLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Count} rule(s) from {Path}")]
    public static partial void Loaded(ILogger logger, int count, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path}: ignoring the allow rule {Pattern}: the file is inside the workspace, which the agent can write, so it may only tighten the policy (prompt, forbidden)")]
    public static partial void IgnoredAllowRule(ILogger logger, string path, string pattern);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Path} {Problem}; keeping its last good rules ({Count} rule(s))")]
    public static partial void Invalid(ILogger logger, string path, string problem, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path} was removed; its {Count} rule(s) no longer apply")]
    public static partial void Removed(ILogger logger, string path, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Checking the rule files failed; the current rules stay in force")]
    public static partial void CheckFailed(ILogger logger, Exception exception);
}
