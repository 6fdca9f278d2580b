using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentExec.Core.Sandbox;

/// <summary>
/// The bubblewrap backend: runs the command as <c>bwrap … -- bash -c LINE</c> in fresh mount, PID, IPC and (unless
/// network is on) network namespaces, with a read-only view of the host (SPEC.md "Sandbox").
/// </summary>
/// <remarks>
/// <para>
/// Always: the root filesystem read-only, a fresh <c>/dev</c> and <c>/proc</c> with the kernel's writable interfaces
/// read-only, a private <c>/tmp</c>, <c>/run</c> and <c>$XDG_RUNTIME_DIR</c> hidden (no host Unix socket in reach),
/// every entry of the credential list hidden (<see cref="Credentials.CredentialList"/>: the home's credential files and
/// folders, the user config, the audit log, and <c>.env</c>, keys and certificates found in the writable directories by
/// a bounded scan), no capabilities
/// (<c>--cap-drop ALL</c>: as root without it <c>mount -o remount,rw /</c> works inside), a new session (no terminal
/// to inject input into), and the sandbox killed with its parent. <c>workspace-write</c> adds writable binds of the
/// workspace and the writable roots, inside which <c>.git</c>, its git directory, <c>agentexec.json</c> and the audit
/// log stay read-only. See <see cref="BubblewrapMountPlan"/> for the order and the symbolic-link handling.
/// </para>
/// <para>
/// No process left behind: the command runs in its own PID namespace whose init is bubblewrap, so when the runner kills
/// bubblewrap on a timeout or a cancellation, or the command's main process ends, the kernel kills everything else in
/// the namespace, double-forked and <c>setsid</c> processes included.
/// </para>
/// <para>
/// A call with a network allow-list (<see cref="SandboxInvocation.EgressSocketPath"/>) keeps its private network
/// namespace: its egress socket alone is bound at <see cref="EgressSocketInside"/> (its host folder hidden), and the
/// command runs as <c>bwrap … -- agentexec __egress-bridge /run/agentexec/egress.sock -- bash -c LINE</c>, the bridge
/// relaying a loopback port to the socket (<see cref="EgressBridge"/>). The bridge is the namespace's main process, so
/// the containment below holds with it in between.
/// </para>
/// <para>
/// The workspace's <c>.git</c>, <c>.env</c> and <c>agentexec.json</c> cannot be created either when they are missing: a
/// placeholder stands in for each during the run (<see cref="WorkspacePlaceholders"/>).
/// </para>
/// <para>
/// Security caveats: other paths that do not exist when the command starts are not protected, so a command can create a
/// credential folder inside a writable root; a <c>.git</c> that is itself a symbolic link can be
/// replaced (its target stays read-only). Unix sockets outside <c>/tmp</c>, <c>/run</c> and
/// <c>$XDG_RUNTIME_DIR</c> remain reachable, and with network on so are the host's abstract sockets and loopback services.
/// </para>
/// </remarks>
public sealed partial class BubblewrapSandbox : ISandbox
{
    /// <summary>Where the call's egress socket appears inside the sandbox: in the hidden <c>/run</c>, alone there.</summary>
    public const string EgressSocketInside = "/run/agentexec/egress.sock";

    private readonly string _executable;
    private readonly SandboxHostPaths _hostPaths;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<string>? _bridgeCommand = AgentExecSelfCommand.ForCurrentProcess();

    /// <summary>Creates the backend around a bubblewrap executable.</summary>
    /// <param name="executable">The absolute path of <c>bwrap</c>.</param>
    /// <param name="hostPaths">The host paths to hide or protect.</param>
    /// <param name="logger">Where skipped paths are reported (debug level).</param>
    public BubblewrapSandbox(string executable, SandboxHostPaths hostPaths, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(executable);
        ArgumentNullException.ThrowIfNull(hostPaths);
        if (!Path.IsPathFullyQualified(executable))
        {
            // The runner would look a bare name up on the command's own PATH, which the user's environment controls.
            throw new ArgumentException("The bubblewrap path must be absolute.", nameof(executable));
        }

        _executable = executable;
        _hostPaths = hostPaths;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The <c>bwrap</c> executable this backend runs.</summary>
    public string Executable => _executable;

    /// <summary>
    /// What starts the agentexec binary inside the sandbox to run the egress bridge (<see cref="EgressBridge"/>) for a
    /// call with a network allow-list: this process's own binary by default, or null when this process is not agentexec
    /// (a test host names it). The bridge's verb and arguments are appended.
    /// </summary>
    /// <exception cref="ArgumentException">Set to an empty command, an empty argument, or a program that is not an absolute path.</exception>
    public IReadOnlyList<string>? BridgeCommand
    {
        get => _bridgeCommand;
        init
        {
            if (value is not null && (value.Count == 0 || value.Any(string.IsNullOrEmpty) || !Path.IsPathFullyQualified(value[0])))
            {
                // bwrap would look a bare name up on the command's own PATH, which the request's environment controls.
                throw new ArgumentException("The bridge command needs an absolute program path and no empty argument.", nameof(value));
            }

            _bridgeCommand = value?.ToArray();
        }
    }

    /// <inheritdoc />
    public SandboxBackendKind Backend => SandboxBackendKind.Bubblewrap;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">
    /// The mode is <c>danger-full-access</c>, which is not a sandbox; or the call has an egress socket together with
    /// network on, or one the mount plan refuses (<see cref="BubblewrapMountPlan"/>).
    /// </exception>
    /// <exception cref="InvalidOperationException">The call has an egress socket, and no <see cref="BridgeCommand"/> is known.</exception>
    public SandboxedCommand Wrap(SandboxInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);

        // Before the plan, so that it finds the placeholders standing and binds them read-only like the real thing.
        var placeholders = invocation.Mode == SandboxMode.WorkspaceWrite ? WorkspacePlaceholders.Prepare(invocation.Workspace) : null;
        try
        {
            return Wrap(invocation, placeholders);
        }
        catch
        {
            Release(placeholders);
            throw;
        }
    }

    private SandboxedCommand Wrap(SandboxInvocation invocation, WorkspacePlaceholders? placeholders)
    {
        var command = invocation.Argv;
        if (invocation.EgressSocketPath is not null)
        {
            if (invocation.Network)
            {
                // The allow-list is only a boundary inside a private network namespace (SPEC.md "Network allow-list").
                throw new ArgumentException("A call with an egress proxy must not have the network on.", nameof(invocation));
            }

            var bridge = _bridgeCommand ?? throw new InvalidOperationException("The agentexec binary that runs the egress bridge is unknown, so a call with a network allow-list cannot run.");
            command = [.. bridge, EgressBridge.Verb, EgressSocketInside, "--", .. invocation.Argv];
        }

        var plan = Plan(invocation, placeholders);
        foreach (var skipped in plan.Skipped)
        {
            LogSkipped(_logger, skipped);
        }

        foreach (var refused in plan.RefusedWritableRoots)
        {
            LogRefusedRoot(_logger, refused);
        }

        if (plan.IncompleteCredentialScan is { } incomplete)
        {
            LogIncompleteScan(_logger, incomplete, plan.HiddenCredentials);
        }

        List<string> argv =
        [
            .. BubblewrapSeccomp.Launch(_executable),
            "--die-with-parent",
            "--new-session",
            "--unshare-pid",
            "--unshare-ipc",
            .. invocation.Network ? (string[])[] : ["--unshare-net"],
            "--cap-drop", "ALL",
            .. BubblewrapSeccomp.Options,
            .. plan.ToArguments(),
            "--chdir", invocation.WorkingDirectory,
            "--",
            .. BubblewrapMountCheck.Wrap(plan.MountExpectations(), command),
        ];
        return new SandboxedCommand(argv, invocation.Environment)
        {
            Cleanup = placeholders is null ? null : () => Release(placeholders),
            Repositories = plan.Repositories,
        };
    }

    /// <summary>
    /// Plans the mounts; when a path to keep read-only is missing where a command could create it (a <c>core.hooksPath</c>
    /// not made yet), puts a placeholder at its first missing component and plans again, so that it is bound read-only
    /// like the rest. A plan that cannot hold the sandbox's promises (<see cref="BubblewrapMountPlan.Refusals"/>) refuses the run.
    /// </summary>
    /// <exception cref="IOException">A protected path cannot be held read-only for this run: the command must not run.</exception>
    private BubblewrapMountPlan Plan(SandboxInvocation invocation, WorkspacePlaceholders? placeholders)
    {
        var plan = BubblewrapMountPlan.Create(invocation, _hostPaths, _bridgeCommand);
        if (plan.MissingProtectedPaths.Count > 0 && plan.Refusals.Count == 0)
        {
            // Only workspace-write has writable roots, and it always holds placeholders.
            var standIn = placeholders ?? throw new InvalidOperationException("a path to protect is missing in a writable root, with no placeholders for the run");
            standIn.StandIn(plan.MissingProtectedPaths);
            plan = BubblewrapMountPlan.Create(invocation, _hostPaths, _bridgeCommand);
            if (plan.MissingProtectedPaths.Count > 0)
            {
                // Only a change on the host between the two plans gets here (a placeholder is never in the way of another).
                throw new IOException($"{plan.MissingProtectedPaths[0]} must stay read-only and could not be held by a placeholder, so the command did not run");
            }
        }

        if (plan.Refusals.Count > 0)
        {
            throw new IOException(plan.Refusals[0]);
        }

        placeholders?.Adopt(plan.StandingPlaceholders);
        return plan;
    }

    private void Release(WorkspacePlaceholders? placeholders)
    {
        foreach (var problem in placeholders?.Release() ?? [])
        {
            LogPlaceholderProblem(_logger, problem);
        }
    }

    /// <inheritdoc />
    public bool LooksDenied(ExecutionResult result) => SandboxDenialRule.LooksDenied(result);

    [LoggerMessage(Level = LogLevel.Warning, Message = "bubblewrap: writable root {Root}: a symbolic link stands in its path, so it stays read-only for this command")]
    private static partial void LogRefusedRoot(ILogger logger, string root);

    [LoggerMessage(Level = LogLevel.Warning, Message = "bubblewrap: the scan for credential files (.env, *.pem, *.key, id_*…) in the writable directories {Reason}; the {Hidden} found are hidden, any further ones stay readable, and a nested .git past that point is neither read-only nor checked after the run (see docs/credentials.md, docs/sandbox.md)")]
    private static partial void LogIncompleteScan(ILogger logger, string reason, int hidden);

    [LoggerMessage(Level = LogLevel.Warning, Message = "bubblewrap: {Problem}; the next run that ends alone removes it")]
    private static partial void LogPlaceholderProblem(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Debug, Message = "bubblewrap: {Path} does not exist; nothing to protect or hide there")]
    private static partial void LogSkipped(ILogger logger, string path);
}
