using AgentExec.Tests.TestSupport;
using CliWrap;
using CliWrap.Buffered;

namespace AgentExec.Tests.EndToEnd;

/// <summary>
/// <c>agentexec run</c> on a machine where OpenSSL cannot be loaded, made with bubblewrap binding <c>/dev/null</c> over
/// every <c>libssl</c>. .NET's OpenSSL shim aborts the process (SIGABRT, "No usable version of libssl was found") on the
/// first hash, and no exception handler sees it; so nothing may compute a hash on another thread before the run is sure
/// to compute one (a warm-up that did, with the settings, raced their error and cut it off; see AuditWarmUp).
/// </summary>
public sealed class RunWithoutOpenSslTests
{
    // Each try is a race between the settings error on the main thread and a warm-up's hash on another: several tries
    // make a warm-up that starts too early show up as an abort in practice (about every other try on 2 cores).
    private const int Tries = 8;

    [BubblewrapFact]
    public async Task A_run_that_ends_on_a_configuration_error_reports_it_and_exits_2_every_time()
    {
        // Arrange
        using var agentexec = new AgentExecProcess();
        var config = Path.Combine(agentexec.Home, "broken-config.json");
        await File.WriteAllTextAsync(config, "{ \"sandbox\": ");
        var audited = await RunWithoutOpenSslAsync(agentexec, ["run", "--sandbox", "danger-full-access", "--", "true"]);
        Assert.True(
            audited.StandardError.Contains("No usable version of libssl", StringComparison.Ordinal),
            $"precondition: with libssl hidden, a run that audits must fail to load OpenSSL; exit {audited.ExitCode}: {audited.StandardError}");

        for (var attempt = 1; attempt <= Tries; attempt++)
        {
            // Act
            var result = await RunWithoutOpenSslAsync(agentexec, ["run", "--config", config, "--", "true"]);

            // Assert
            Assert.True(
                result.ExitCode == 2 && result.StandardError.Contains("is not valid JSON", StringComparison.Ordinal),
                $"try {attempt}: exit {result.ExitCode}: {result.StandardError}");
        }
    }

    /// <summary>
    /// Runs the agentexec under test (the published one when <see cref="PublishedBinary.Variable"/> names it, where the
    /// race is closest) with every libssl on the library path replaced by an empty device.
    /// </summary>
    private static async Task<BufferedCommandResult> RunWithoutOpenSslAsync(AgentExecProcess agentexec, string[] arguments)
    {
        string[] hideLibssl = [.. LibsslFiles().SelectMany(library => new[] { "--ro-bind", "/dev/null", library })];
        Assert.NotEmpty(hideLibssl);

        // No core file for the aborts: the shell lowers the limit, then becomes agentexec.
        return await CliWrap.Cli.Wrap("bwrap")
            .WithArguments([
                "--dev-bind", "/", "/", .. hideLibssl, "--",
                "setsid", "--wait", "sh", "-c", "ulimit -c 0; exec \"$@\"", "sh", PublishedBinary.Path ?? AgentExecProcess.ExecutablePath, .. arguments])
            .WithWorkingDirectory(agentexec.Workspace)
            .WithEnvironmentVariables(agentexec.Environment())
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
    }

    /// <summary>Every <c>libssl.so*</c> in the directories the dynamic loader searches on Debian, Fedora and Alpine.</summary>
    private static IEnumerable<string> LibsslFiles()
    {
        string[] roots = ["/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/local/lib"];
        var directories = roots
            .Where(Directory.Exists)
            .SelectMany(root => Directory.EnumerateDirectories(root, "*-linux-*").Prepend(root));
        return directories.SelectMany(directory => Directory.EnumerateFiles(directory, "libssl.so*"));
    }
}
