using AgentExec.Core.Configuration;
using AgentExec.Core.Text;

namespace AgentExec.Core.Sandbox;

/// <summary>
/// Probes the Landlock backend for backend selection: the kernel's ABI, and a launcher to re-execute (this very
/// binary, when it is <c>agentexec</c>).
/// </summary>
internal sealed class LandlockBackendProbe : ISandboxBackendProbe
{
    private readonly Func<LandlockSandbox?> _launcher;
    private readonly IReadOnlyDictionary<string, string> _hostEnvironment;

    /// <summary>Creates a probe; <paramref name="launcher"/> supplies the sandbox (default: the current process as launcher).</summary>
    /// <param name="launcher">The sandbox, or null when there is no launcher.</param>
    /// <param name="hostEnvironment">The server's environment (<c>HOME</c>, <c>XDG_CONFIG_HOME</c>: where the user config lives); none by default.</param>
    public LandlockBackendProbe(Func<LandlockSandbox?>? launcher = null, IReadOnlyDictionary<string, string>? hostEnvironment = null)
    {
        _launcher = launcher ?? LandlockSandbox.ForCurrentProcess;
        _hostEnvironment = hostEnvironment ?? new Dictionary<string, string>();
    }

    /// <inheritdoc />
    public SandboxBackendKind Backend => SandboxBackendKind.Landlock;

    /// <inheritdoc />
    public SandboxProbeResult Probe(AgentExecSettings settings)
    {
        var kernel = LandlockSupport.Probe();
        if (!kernel.IsAvailable)
        {
            return SandboxProbeResult.Unavailable(kernel.UnavailableReason!);
        }

        if (WritableConfigFolder(settings) is { } problem)
        {
            return SandboxProbeResult.Unavailable(problem);
        }

        if (_launcher() is not { } sandbox)
        {
            return SandboxProbeResult.Unavailable("this process is not the agentexec executable, so it cannot re-execute itself as the Landlock launcher");
        }

        return WritableLauncher(settings, sandbox) is { } launcherProblem
            ? SandboxProbeResult.Unavailable(launcherProblem)
            : SandboxProbeResult.Working(sandbox, [.. kernel.CaveatsFor(settings.Sandbox), .. kernel.NetworkCaveatsFor(settings)]);
    }

    // The launcher is this very binary, started again by the server for every command, and it runs unconfined until it
    // has confined the command it starts. Inside the workspace or a writable root (a build in the project's bin/, an
    // install under ~/.local with ~/.local writable) a command could replace the executable, agentexec.dll or a library
    // beside it, and the next call's launcher would run that file outside any sandbox, with no question: found by an
    // attack that replaced the apphost with a script that read ~/.netrc and wrote outside the roots, then ran the real
    // launcher so that the call looked confined. bubblewrap only ever runs the binary inside its sandbox (the egress
    // bridge), so only Landlock refuses. The folder of each file counts as well as the file (as spelt and as resolved):
    // the runtime loads the program's other assemblies, its deps.json and runtimeconfig.json (and, for `dotnet`, the
    // shared framework) from there. A root below that folder (a satellite folder such as bin/de) is not looked for:
    // a single-file binary in the home directory would then refuse every workspace in the home.
    private static string? WritableLauncher(AgentExecSettings settings, LandlockSandbox sandbox)
    {
        var files = sandbox.LauncherCommand.Where(Path.IsPathFullyQualified).ToList();
        if (files.Count == 0)
        {
            return "the Landlock launcher is not named by an absolute path, so where it lies cannot be checked";
        }

        foreach (var file in files)
        {
            var places = new List<string> { file };
            if (Path.GetDirectoryName(file) is { Length: > 0 } folder)
            {
                places.Add(folder);
                if (RealPath.TryResolve(file, out var realFile, out _) && Path.GetDirectoryName(realFile) is { Length: > 0 } realFolder)
                {
                    places.Add(realFolder);
                }
            }

            foreach (var root in (IEnumerable<string>)[settings.Workspace, .. settings.WritableRoots])
            {
                if (places.Any(path => RealPath.IsSameOrInsideAsSpeltOrResolved(path, root)))
                {
                    return $"the Landlock launcher {UntrustedText.Escape(file)} runs outside the sandbox for every command, but it lies where commands may write "
                        + $"({UntrustedText.Escape(root)}): a command could replace it and have the next call run its own program unconfined. "
                        + "Install agentexec outside the workspace and the writable roots";
                }
            }
        }

        return null;
    }

    // The folder a later start reads the user config from, inside the workspace or a writable root. bubblewrap keeps it
    // read-only there (a placeholder where it is missing); Landlock cannot keep anything inside a writable directory
    // read-only, so a command could write a config that the next start trusts (danger-full-access, allow rules): found
    // by an attack, with the home directory as the workspace. A writable root that covers it is refused with the
    // settings already; the workspace is refused here, since bubblewrap can serve such a workspace.
    private string? WritableConfigFolder(AgentExecSettings settings)
    {
        foreach (var folder in ConfigPaths.DefaultUserConfigDirectories(_hostEnvironment, SandboxHostPaths.AbsoluteOrNull(_hostEnvironment, "HOME")))
        {
            foreach (var root in (IEnumerable<string>)[settings.Workspace, .. settings.WritableRoots])
            {
                if (RealPath.IsSameOrInsideAsSpeltOrResolved(folder, root))
                {
                    return $"Landlock cannot keep {UntrustedText.Escape(folder)}, where AgentExec reads its user config, read-only inside {UntrustedText.Escape(root)}, which commands may write: a command could write a config that the next start trusts";
                }
            }
        }

        return null;
    }
}
