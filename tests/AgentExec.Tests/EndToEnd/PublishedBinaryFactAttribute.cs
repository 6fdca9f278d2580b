namespace AgentExec.Tests.EndToEnd;

/// <summary>
/// A test of the published Native AOT binary; skipped, saying so in capitals, unless <see cref="PublishedBinary.Variable"/>
/// names one (the JIT-started apphost beside the tests is built without the native parts under test).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class PublishedBinaryFactAttribute : FactAttribute
{
    public PublishedBinaryFactAttribute()
    {
        if (PublishedBinary.Path is null)
        {
            Skip = $"PUBLISHED NATIVE AOT BINARY NOT TESTED: set {PublishedBinary.Variable} to a `dotnet publish -r linux-x64` agentexec (.ci/run does)";
        }
        else if (!Directory.Exists("/sys/kernel/mm/transparent_hugepage"))
        {
            Skip = "this kernel has no transparent huge pages, so there is no advice to observe";
        }
    }
}
