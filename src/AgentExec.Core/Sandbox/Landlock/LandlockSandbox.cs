using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;

namespace AgentExec.Core.Sandbox;

/// <summary>
/// The Landlock backend: runs each command through the <c>agentexec __landlock-exec</c> launcher, which confines it
/// with Landlock and seccomp, drops every capability, and kills whatever the command leaves behind.
/// </summary>
/// <remarks>
/// For machines without a usable bubblewrap. Its limits — paths inside a writable root cannot be made read-only, files
/// cannot be hidden — are listed by <see cref="LandlockProbe.CaveatsFor"/>. Under <c>workspace-write</c> each run gets
/// a fresh <c>TMPDIR</c>, removed by <see cref="SandboxedCommand.Cleanup"/> once the run has ended.
/// </remarks>
public sealed class LandlockSandbox : ISandbox
{
    private readonly IReadOnlyList<string> _launcherCommand;
    private readonly int? _abiLimit;

    /// <summary>Creates the backend around a launcher command, for example <c>["/usr/bin/agentexec"]</c> or <c>["dotnet", "/opt/agentexec/agentexec.dll"]</c>.</summary>
    /// <param name="launcherCommand">What starts the agentexec binary; the launcher verb and its arguments are appended.</param>
    public LandlockSandbox(IReadOnlyList<string> launcherCommand)
        : this(launcherCommand, null)
    {
    }

    /// <summary>Creates the backend with the launcher confining as a kernel with at most <paramref name="abiLimit"/> would (tests of older kernels).</summary>
    internal LandlockSandbox(IReadOnlyList<string> launcherCommand, int? abiLimit)
    {
        ArgumentNullException.ThrowIfNull(launcherCommand);
        if (launcherCommand.Count == 0 || launcherCommand.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("The launcher command needs a program, and no empty argument.", nameof(launcherCommand));
        }

        _launcherCommand = launcherCommand.ToArray();
        _abiLimit = abiLimit;
    }

    /// <inheritdoc />
    public SandboxBackendKind Backend => SandboxBackendKind.Landlock;

    /// <summary>What starts the launcher: the agentexec executable, or <c>dotnet</c> and <c>agentexec.dll</c>.</summary>
    /// <remarks>
    /// The launcher runs unconfined until it confines its own command, so these files, and the folders the runtime
    /// loads the rest of the program from, must lie outside every directory a command may write
    /// (<see cref="AgentExecInstallation"/>).
    /// </remarks>
    internal IReadOnlyList<string> LauncherCommand => _launcherCommand;

    /// <summary>
    /// The backend with this process as its launcher — the agentexec executable (Native AOT or apphost, under any file
    /// name), or <c>dotnet agentexec.dll</c> — or null when this process is something else, such as a test host, which
    /// must name the launcher explicitly.
    /// </summary>
    public static LandlockSandbox? ForCurrentProcess() =>
        AgentExecSelfCommand.ForCurrentProcess() is { } command ? new LandlockSandbox(command) : null;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">
    /// The mode is <c>danger-full-access</c>, which this backend does not run, or the call has a network allow-list
    /// (<see cref="SandboxInvocation.EgressSocketPath"/>), which only bubblewrap can enforce.
    /// </exception>
    /// <exception cref="IOException">The fresh temporary directory could not be created.</exception>
    public SandboxedCommand Wrap(SandboxInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (invocation.Mode == SandboxMode.DangerFullAccess)
        {
            throw new ArgumentException("danger-full-access runs without a sandbox, not under Landlock.", nameof(invocation));
        }

        if (invocation.EgressSocketPath is not null)
        {
            // Landlock cannot tell one destination from another, and its command shares the host's network namespace,
            // where a loopback relay would be every other local program's way out too (SPEC.md "Network allow-list").
            throw new ArgumentException("A network allow-list needs the bubblewrap backend; Landlock cannot confine a command to the egress proxy.", nameof(invocation));
        }

        string? temporaryDirectory = null;
        IReadOnlyList<string> writableRoots = [];
        if (invocation.Mode == SandboxMode.WorkspaceWrite)
        {
            writableRoots = [invocation.Workspace, .. invocation.WritableRoots];
            temporaryDirectory = LandlockTemporaryDirectory.Create();
        }

        var options = new LandlockLaunchOptions(writableRoots, temporaryDirectory, invocation.Network, _abiLimit, invocation.Argv);
        IReadOnlyList<string> argv = [.. _launcherCommand, LandlockLauncher.Verb, .. LandlockLaunchArguments.Format(options)];
        return new SandboxedCommand(argv, invocation.Environment)
        {
            Cleanup = temporaryDirectory is null ? null : () => LandlockTemporaryDirectory.Delete(temporaryDirectory),
        };
    }

    /// <inheritdoc />
    public bool LooksDenied(ExecutionResult result) => SandboxDenialRule.LooksDenied(result);
}
