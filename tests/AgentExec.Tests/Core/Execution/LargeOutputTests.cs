using System.Diagnostics;
using AgentExec.Core.Execution;
using Xunit.Abstractions;

namespace AgentExec.Tests.Core.Execution;

/// <summary>Measures allocation process-wide, so it runs alone: other tests' allocations would blur the figure.</summary>
[Collection(nameof(LargeOutputTests))]
[CollectionDefinition(nameof(LargeOutputTests), DisableParallelization = true)]
public sealed class LargeOutputTests(ITestOutputHelper output)
{
    private const long FiftyMegabytes = 50L * 1024 * 1024;

    [Fact]
    public async Task Output_beyond_the_cap_is_drained_and_counted()
    {
        // Arrange
        var runner = new CommandRunner();
        var spec = BashSpecs.Bash($"head -c {FiftyMegabytes} /dev/zero; echo done >&2");
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var stopwatch = Stopwatch.StartNew();

        // Act
        var result = await runner.RunAsync(spec, null, CancellationToken.None);

        // Assert
        var elapsed = stopwatch.Elapsed;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        output.WriteLine($"50 MiB captured in {elapsed.TotalMilliseconds:F0} ms, {allocated:N0} bytes allocated.");
        Assert.Equal((ExecutionOutcome.Exited, (int?)0, "done\n"), (result.Outcome, result.ExitCode, result.Stderr.Text));
        Assert.Equal(FiftyMegabytes, result.Stdout.TotalBytes);
        Assert.True(result.Stdout.Truncated);
        var marker = CappedOutputBuffer.OmissionMarker(FiftyMegabytes - ExecutionSpec.DefaultOutputCapBytes);
        Assert.True(result.Stdout.Text.Length <= ExecutionSpec.DefaultOutputCapBytes + marker.Length, $"Text is {result.Stdout.Text.Length} characters.");
        // Keeping the stream would cost 50 MB of bytes plus 100 MB of string; the cap, the text and the runtime's
        // own churn stay far below 25 MB.
        Assert.True(allocated < 25L * 1024 * 1024, $"Allocated {allocated:N0} bytes while capturing 50 MB.");
    }
}
