using AgentExec.Tests.Core.Execution;
using AgentExec.Tests.Mcp.Support;
using Xunit.Abstractions;

namespace AgentExec.Tests.Mcp;

/// <summary>
/// A command printing 50 MB through the real server under bubblewrap: memory stays bounded and the result says
/// <c>truncated</c>. Measures allocation process-wide, so it runs in the non-parallel large-output collection.
/// </summary>
[Collection(nameof(LargeOutputTests))]
public sealed class SandboxLargeOutputTests(ITestOutputHelper output)
{
    private const long FiftyMegabytes = 50L * 1024 * 1024;
    private const int CapBytes = AgentExec.Core.Execution.ExecutionSpec.DefaultOutputCapBytes;

    [BubblewrapFact]
    public async Task A_sandboxed_command_printing_50_MB_is_truncated_with_bounded_memory()
    {
        // Arrange: the same call printing just the cap first, so what is measured is what the 49 MB beyond it cost.
        using var scenario = new SandboxScenario();
        var settings = scenario.Settings();
        var atCap = scenario.Script("at-cap.sh", $"yes agentexec | head -c {CapBytes}");
        var flood = scenario.Script("flood.sh", $"yes agentexec | head -c {FiftyMegabytes}");
        await scenario.CallAsync(settings, atCap);
        var beforeBaseline = GC.GetTotalAllocatedBytes(precise: true);
        await scenario.CallAsync(settings, atCap);
        var baseline = GC.GetTotalAllocatedBytes(precise: true) - beforeBaseline;

        // Act
        var beforeFlood = GC.GetTotalAllocatedBytes(precise: true);
        var result = await scenario.CallAsync(settings, flood);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - beforeFlood;

        // Assert
        output.WriteLine($"Through the server under bubblewrap: 1 MiB call {baseline:N0} bytes allocated, 50 MiB call {allocated:N0}.");
        Assert.Equal(
            ("completed", "0", "true", FiftyMegabytes.ToString(System.Globalization.CultureInfo.InvariantCulture), "bubblewrap"),
            (ShellScenario.Field(result, "status"), ShellScenario.Field(result, "exit_code"), ShellScenario.Field(result, "truncated"), ShellScenario.Field(result, "stdout_bytes"), ShellScenario.Field(result, "sandbox_backend")));
        Assert.True(ShellScenario.Field(result, "stdout")!.Length < CapBytes + 1024, "More than the cap was kept.");
        // Keeping the 49 MB beyond the cap would allocate at least 49 MB of bytes plus 98 MB of UTF-16 string on top
        // of the baseline. Draining them allocates only per read (seen here: 17 to 58 MB, depending on how the pipe
        // happens to split the stream), so the bound sits between the two.
        Assert.True(allocated - baseline < 100L * 1024 * 1024, $"The 49 MB beyond the cap cost {allocated - baseline:N0} bytes.");
    }
}
