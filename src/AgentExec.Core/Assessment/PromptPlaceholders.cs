namespace AgentExec.Core.Assessment;

/// <summary>
/// The placeholders of the assessment template (SPEC.md "Risk assessment"), and which of them carry untrusted text.
/// </summary>
/// <remarks>
/// Untrusted values — from the agent or from a command's output — may stand only in the user part, where they are
/// fenced as data: a system message is the one place a model is most inclined to obey, so nothing the agent wrote
/// may reach it. <c>{{fence_nonce}}</c> is AgentExec's addition to the SPEC's list, so that a template can tell the
/// model which markers are real.
/// </remarks>
internal static class PromptPlaceholders
{
    public const string Platform = "platform";
    public const string SandboxPolicy = "sandbox_policy";
    public const string FilesystemRoots = "filesystem_roots";
    public const string WorkingDirectory = "working_directory";
    public const string CommandArgv = "command_argv";
    public const string CommandJoined = "command_joined";
    public const string Justification = "justification";
    public const string SandboxFailureMessage = "sandbox_failure_message";
    public const string FenceNonce = "fence_nonce";

    /// <summary>Placeholders whose values the user or AgentExec itself supplies; allowed in both parts.</summary>
    public static IReadOnlyList<string> Trusted { get; } = [Platform, SandboxPolicy, FilesystemRoots, FenceNonce];

    /// <summary>Placeholders whose values came from the agent or a command; user part only, always fenced.</summary>
    /// <remarks>The working directory is the agent's <c>workdir</c>: a directory name is text the agent chose.</remarks>
    public static IReadOnlyList<string> Untrusted { get; } = [WorkingDirectory, CommandArgv, CommandJoined, Justification, SandboxFailureMessage];

    /// <summary>True for any name the template may use.</summary>
    public static bool IsKnown(string name) => Trusted.Contains(name, StringComparer.Ordinal) || IsUntrusted(name);

    /// <summary>True for a placeholder whose value is fenced as data.</summary>
    public static bool IsUntrusted(string name) => Untrusted.Contains(name, StringComparer.Ordinal);
}
