using AgentExec.Tests.EndToEnd;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>
/// SPEC.md "Sandbox", limits: memory "tmpfs pages included", enforced by a cgroup when one is delegated, else rlimit
/// "with the gaps stated". The sized private <c>/tmp</c> and <c>/dev/shm</c> are not the only tmpfs a command has: a
/// <c>memfd_create</c> file lives on the kernel's internal, unsized tmpfs, and written with <c>write(2)</c> (never
/// mapped) its pages count against no rlimit. Through the real <c>agentexec run</c> with <c>limits</c> in the user
/// config: either the kernel stops it (cgroup) or the start-up caveats say so.
/// </summary>
public sealed class SharedMemoryLimitTests
{
    private const long Mebibyte = 1024 * 1024;

    /// <summary>Anonymous memory past the limit (the positive control: the limit is in force), then a memfd of twice that.</summary>
    private const string MemoryProbeScript = """
        import os, sys
        size = int(sys.argv[1])
        try:
            block = bytearray(size)
            print('ANONYMOUS-HELD')
            del block
        except MemoryError:
            print('ANONYMOUS-REFUSED')
        try:
            descriptor = os.memfd_create('probe')
            chunk = b'\1' * (1 << 20)
            for _ in range(2 * size >> 20):
                os.write(descriptor, chunk)
            print('MEMFD-HELD %d' % os.fstat(descriptor).st_size)
        except OSError as error:
            print('MEMFD-STOPPED errno %s' % error.errno)
        """;

    [BubblewrapFact]
    public async Task A_memfd_past_the_memory_limit_is_stopped_or_the_gap_is_stated()
    {
        // Arrange
        const long limit = 128 * Mebibyte;
        using var run = new AgentExecProbeRun();
        var environment = run.Environment();
        var configDirectory = Directory.CreateDirectory(Path.Combine(environment["XDG_CONFIG_HOME"]!, "agentexec")).FullName;
        File.WriteAllText(Path.Combine(configDirectory, "config.json"), $$$"""{"limits": {"memory_bytes": {{{limit}}}}}""");
        run.WriteWorkspaceFile("memory_probe.py", MemoryProbeScript);

        // Act
        var result = await run.RunAgentExecAsync(
            AgentExecProbeRun.RunArguments("bubblewrap", network: false, "python3", "memory_probe.py", (2 * limit).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            environment);

        // Assert
        Assert.Contains("ANONYMOUS-REFUSED", result.StandardOutput, StringComparison.Ordinal);
        var stopped = result.StandardOutput.Contains("MEMFD-STOPPED", StringComparison.Ordinal) || result.ExitCode != 0;
        Assert.True(
            stopped || result.StandardError.Contains("memfd", StringComparison.Ordinal),
            $"a {4 * limit / Mebibyte} MiB memfd outlived a {limit / Mebibyte} MiB memory limit, and the start-up did not say it could: {result.StandardOutput} {result.StandardError}");
    }
}
