namespace AgentExec.Tests.EndToEnd;

/// <summary>
/// The <c>agentexec</c> that <c>dotnet tool install</c> put on disk from the tool package, named by
/// <c>AGENTEXEC_TEST_INSTALLED_TOOL</c> (.ci/run packs, installs and sets it; nothing else does).
/// </summary>
internal static class InstalledTool
{
    /// <summary>The variable that names the installed tool.</summary>
    public const string Variable = "AGENTEXEC_TEST_INSTALLED_TOOL";

    /// <summary>The installed command, or null when no installed tool is under test.</summary>
    public static string? Path { get; } = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured ? configured : null;
}
