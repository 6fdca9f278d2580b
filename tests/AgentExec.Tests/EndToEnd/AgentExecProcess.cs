using CliWrap;
using CliWrap.Buffered;

namespace AgentExec.Tests.EndToEnd;

/// <summary>The real <c>agentexec</c> executable built beside the tests, run with an isolated environment.</summary>
internal sealed class AgentExecProcess : IDisposable
{
    private readonly TemporaryDirectory _home = new();

    public AgentExecProcess()
    {
        Workspace = Directory.CreateDirectory(Path.Combine(_home.Path, "workspace")).FullName;
        AuditLog = Path.Combine(_home.Path, "state", "audit.jsonl");
    }

    /// <summary>The apphost the Cli project copies into the test output.</summary>
    public static string ExecutablePath => Path.Combine(AppContext.BaseDirectory, "agentexec");

    public string Workspace { get; }

    public string AuditLog { get; }

    public string Home => _home.Path;

    /// <summary>An environment with a private HOME and XDG folders, so no real user config or log is touched.</summary>
    public Dictionary<string, string?> Environment() => IsolatedEnvironment(Home);

    /// <summary>
    /// An environment for agentexec with <paramref name="home"/> as its HOME and XDG folders, and none of the variables
    /// through which the developer's or CI's own settings would decide for the process under test.
    /// </summary>
    public static Dictionary<string, string?> IsolatedEnvironment(string home) => new(StringComparer.Ordinal)
    {
        ["HOME"] = home,
        ["XDG_CONFIG_HOME"] = Path.Combine(home, "config"),
        ["XDG_STATE_HOME"] = Path.Combine(home, "state"),
        ["AGENTEXEC_CONFIG"] = null,
        ["AGENTEXEC_APPROVAL_POLICY"] = null,
        ["AGENTEXEC_SANDBOX"] = null,
        ["AGENTEXEC_WORKSPACE"] = null,
        ["AGENTEXEC_AUDIT_LOG"] = null,
        ["AGENTEXEC_NETWORK"] = null,
        ["AGENTEXEC_ALLOW_DOMAIN"] = null,

        // A developer's or CI's collector must not receive the tests' spans; a test that wants them sets its own.
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = null,
    };

    /// <summary>Runs <c>agentexec ARGS</c> to completion in <paramref name="workingDirectory"/> (default: the workspace), with <paramref name="environment"/> (default: <see cref="Environment"/>).</summary>
    /// <remarks>
    /// Through <c>setsid</c>, so the process has no controlling terminal even when the tests run in one: a question
    /// must never wait on the developer's keyboard, and "no terminal" is the case under test.
    /// </remarks>
    public async Task<BufferedCommandResult> RunAsync(IEnumerable<string> arguments, string? workingDirectory = null, string standardInput = "", IReadOnlyDictionary<string, string?>? environment = null) =>
        await CliWrap.Cli.Wrap("setsid")
            .WithArguments(["--wait", ExecutablePath, .. arguments])
            .WithStandardInputPipe(PipeSource.FromString(standardInput))
            .WithWorkingDirectory(workingDirectory ?? Workspace)
            .WithEnvironmentVariables(environment ?? Environment())
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

    public void Dispose() => _home.Dispose();
}
