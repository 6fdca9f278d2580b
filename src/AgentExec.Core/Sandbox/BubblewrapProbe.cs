using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Text;
using Microsoft.Extensions.Logging;

namespace AgentExec.Core.Sandbox;

/// <summary>
/// Decides whether bubblewrap works here by running it: <c>true</c>, wrapped exactly as commands will be for the
/// settings (same mode, mounts and namespaces, network included).
/// </summary>
/// <remarks>
/// Being installed is not enough: containers and hardened kernels often forbid unprivileged user namespaces
/// (<c>user.max_user_namespaces=0</c>, Ubuntu's AppArmor restriction), and then every command would fail. Running the
/// real wrapping once at start-up costs a few milliseconds and catches that, and any mount the machine refuses. A
/// real start remembers a pass (<see cref="BubblewrapTrialCache"/>), so the trial runs again only when bubblewrap, the
/// kernel, its user-namespace switches, the binary or the settings change.
/// </remarks>
public sealed class BubblewrapProbe : ISandboxBackendProbe
{
    /// <summary>How long the trial run may take before bubblewrap counts as not working.</summary>
    public static readonly TimeSpan TrialTimeout = TimeSpan.FromSeconds(10);

    private const int LongestReportedError = 400;

    private readonly IReadOnlyDictionary<string, string> _hostEnvironment;
    private readonly ILogger? _logger;
    private readonly string? _executable;
    private readonly bool _rememberPasses;
    private readonly CommandRunner _runner = new();

    /// <summary>Creates a probe that looks <c>bwrap</c> up on the server's <c>PATH</c>, or uses <paramref name="executable"/>.</summary>
    /// <param name="hostEnvironment">The server's environment (<c>PATH</c>, <c>HOME</c>, <c>XDG_*</c>).</param>
    /// <param name="logger">Handed to the sandbox it builds.</param>
    /// <param name="executable">An absolute path to <c>bwrap</c>, instead of the <c>PATH</c> look-up.</param>
    /// <param name="rememberPasses">
    /// Skip the trial when one with the same facts passed before, and remember a pass (<see cref="BubblewrapTrialCache"/>,
    /// in the user's cache folder): what a real start does. Off by default, so a probe built in a test runs its trial.
    /// </param>
    public BubblewrapProbe(IReadOnlyDictionary<string, string> hostEnvironment, ILogger? logger = null, string? executable = null, bool rememberPasses = false)
    {
        ArgumentNullException.ThrowIfNull(hostEnvironment);
        _hostEnvironment = hostEnvironment;
        _logger = logger;
        _executable = executable;
        _rememberPasses = rememberPasses;
    }

    /// <inheritdoc />
    public SandboxBackendKind Backend => SandboxBackendKind.Bubblewrap;

    /// <summary>
    /// What starts this agentexec binary (null in a test host), which runs unsandboxed: the mount plan keeps it and its
    /// folders read-only where commands may write (<see cref="AgentExecInstallation"/>).
    /// </summary>
    internal IReadOnlyList<string>? AgentExecCommand { get; init; } = AgentExecSelfCommand.ForCurrentProcess();

    /// <inheritdoc />
    public SandboxProbeResult Probe(AgentExecSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Sandbox == SandboxMode.DangerFullAccess)
        {
            return SandboxProbeResult.Unavailable("danger-full-access is not a sandbox");
        }

        if (!OperatingSystem.IsLinux())
        {
            return SandboxProbeResult.Unavailable("bubblewrap needs Linux");
        }

        var executable = _executable ?? BubblewrapLocator.Find(_hostEnvironment.GetValueOrDefault("PATH"), [settings.Workspace, .. settings.WritableRoots]);
        if (executable is null)
        {
            return SandboxProbeResult.Unavailable("`bwrap` was not found on PATH outside the writable directories");
        }

        if (!Path.IsPathFullyQualified(executable) || !File.Exists(executable))
        {
            return SandboxProbeResult.Unavailable($"the bubblewrap executable {UntrustedText.Escape(executable)} does not exist");
        }

        // The binary and its folders inside the workspace or a writable root are kept read-only by the mount plan (a
        // command once overwrote OpenAI.dll there, which the server loads only at its first risk assessment); Landlock,
        // which cannot, refuses such an installation instead.
        var host = SandboxHostPaths.From(settings, _hostEnvironment) with { AgentExecPlaces = AgentExecInstallation.Places(AgentExecCommand ?? []) };
        var sandbox = new BubblewrapSandbox(executable, host, _logger);
        var cache = _rememberPasses ? BubblewrapTrialCache.For(settings, _hostEnvironment, executable) : null;
        if (cache?.HasPassed() == true)
        {
            return SandboxProbeResult.Working(sandbox, Caveats(settings));
        }

        var trial = Trial(sandbox, settings, settings.Workspace, settings.WritableRoots);
        if (trial is { Outcome: ExecutionOutcome.Exited, ExitCode: 0 })
        {
            cache?.RecordPass();
            return SandboxProbeResult.Working(sandbox, Caveats(settings));
        }

        // The trial's sandbox is built for this workspace, whose files the agent may have planted (a link named like a
        // credential, a pinned path swapped under the mount check): a failure that an empty workspace does not repeat is
        // the workspace's, not the machine's, and must not make auto choose another backend.
        var empty = Directory.CreateTempSubdirectory("agentexec-trial-");
        try
        {
            if (Trial(sandbox, settings, empty.FullName, []) is { Outcome: ExecutionOutcome.Exited, ExitCode: 0 })
            {
                return SandboxProbeResult.UnavailableForTheWorkspace($"bubblewrap ({executable}) starts a sandbox here, but not for this workspace: {Describe(trial)}");
            }
        }
        finally
        {
            empty.Delete(recursive: true);
        }

        return SandboxProbeResult.Unavailable($"bubblewrap ({executable}) cannot start a sandbox here: {Describe(trial)}");
    }

    // Runs `true` in the sandbox the settings ask for, built for the given workspace and writable roots.
    private ExecutionResult Trial(BubblewrapSandbox sandbox, AgentExecSettings settings, string workspace, IReadOnlyList<string> writableRoots)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["PATH"] = ChildEnvironment.DefaultPath };
        var wrapped = sandbox.Wrap(new SandboxInvocation(
            ["true"],
            workspace,
            settings.Sandbox,
            workspace,
            writableRoots,
            settings.Network,
            environment));

        // Start-up is synchronous in both front ends, and the runner never captures a context, so blocking is safe here.
        try
        {
            return _runner.RunAsync(
                new ExecutionSpec(wrapped.Argv, workspace, wrapped.Environment, TrialTimeout, LongestReportedError),
                null,
                CancellationToken.None).GetAwaiter().GetResult();
        }
        finally
        {
            // The trial prepared what a real run does (the workspace placeholders and their lock): release it the same way.
            wrapped.Cleanup?.Invoke();
        }
    }

    private static IReadOnlyList<string> Caveats(AgentExecSettings settings) => settings.Network
        ? ["network is on (--network): under bubblewrap sandboxed commands share the host's network namespace, so they "
            + "reach the host's network, every service listening on the host's loopback (127.0.0.1, ::1) and the host's "
            + "abstract Unix sockets (X11, container runtimes, D-Bus)"]
        : [];

    private static string Describe(ExecutionResult trial)
    {
        switch (trial.Outcome)
        {
            case ExecutionOutcome.TimedOut:
                return $"a trial run did not finish within {TrialTimeout.TotalSeconds:0} s";
            case ExecutionOutcome.FailedToStart:
                return trial.StartError ?? "it could not be started";
        }

        var error = UntrustedText.Escape(trial.Stderr.Text.Trim());
        var hint = error.Contains("namespace", StringComparison.OrdinalIgnoreCase) || error.Contains("uid map", StringComparison.OrdinalIgnoreCase)
            ? " (unprivileged user namespaces look disabled: check user.max_user_namespaces, kernel.unprivileged_userns_clone or an AppArmor userns restriction, or run where they are allowed)"
            : string.Empty;
        return $"a trial run exited with {trial.ExitCode}: {(error.Length == 0 ? "no message" : error)}{hint}";
    }
}
