namespace AgentExec.Tests.TestSupport;

/// <summary>
/// The Native AOT <c>agentexec</c> as <c>dotnet publish</c> makes it, named by <c>AGENTEXEC_TEST_LAUNCHER</c> (.ci/run's
/// third stage sets it; the Landlock tests use the same binary as their launcher).
/// </summary>
internal static class PublishedBinary
{
    /// <summary>The variable that names the published binary.</summary>
    public const string Variable = "AGENTEXEC_TEST_LAUNCHER";

    /// <summary>The published binary, or null when none is under test.</summary>
    public static string? Path { get; } = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured ? configured : null;
}
