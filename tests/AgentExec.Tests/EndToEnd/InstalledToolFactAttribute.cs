namespace AgentExec.Tests.EndToEnd;

/// <summary>A test of the installed tool package; skipped, saying so in capitals, unless <see cref="InstalledTool.Variable"/> names one.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class InstalledToolFactAttribute : FactAttribute
{
    public InstalledToolFactAttribute()
    {
        if (InstalledTool.Path is null)
        {
            Skip = $"INSTALLED TOOL PACKAGE NOT TESTED: set {InstalledTool.Variable} to the agentexec that `dotnet tool install` made (.ci/run does)";
        }
    }
}
