using AgentExec.Core.Execution;

namespace AgentExec.Tests.Core.Execution;

/// <summary>Execution specs for the runner tests: <c>bash -c SCRIPT</c> with a small, fixed environment.</summary>
internal static class BashSpecs
{
    public static readonly TimeSpan GenerousTimeout = TimeSpan.FromSeconds(30);

    public static IReadOnlyDictionary<string, string> MinimalEnvironment { get; } = new Dictionary<string, string>
    {
        ["PATH"] = "/usr/local/bin:/usr/bin:/bin",
        ["LANG"] = "C.UTF-8",
    };

    public static ExecutionSpec Bash(
        string script,
        string? workingDirectory = null,
        TimeSpan? timeout = null,
        int outputCapBytes = ExecutionSpec.DefaultOutputCapBytes,
        IReadOnlyDictionary<string, string>? environment = null) =>
        Argv(["bash", "-c", script], workingDirectory, timeout, outputCapBytes, environment);

    public static ExecutionSpec Argv(
        IReadOnlyList<string> argv,
        string? workingDirectory = null,
        TimeSpan? timeout = null,
        int outputCapBytes = ExecutionSpec.DefaultOutputCapBytes,
        IReadOnlyDictionary<string, string>? environment = null) =>
        new(
            argv,
            workingDirectory ?? Path.GetTempPath(),
            environment ?? MinimalEnvironment,
            timeout ?? GenerousTimeout,
            outputCapBytes);
}
