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

    // The refusals below are about where a file AgentExec or git trusts lies, not about the kernel: the kernel's advice
    // would not help, moving the file or the root would.
    private const string KeepOutsideFix = "choose a workspace and writable roots that do not hold it, or use bubblewrap, which keeps it read-only there";

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

        var globalGit = RepositorySnapshot.GlobalConfiguration(SandboxHostPaths.GitGlobalConfigsOf(name => _hostEnvironment.TryGetValue(name, out var value) ? value : null));
        if (globalGit.Unknown.Count > 0 && settings.Sandbox == SandboxMode.WorkspaceWrite)
        {
            // Where it points is not known, so whether that lies where commands may write is not either (found by a
            // review: Landlock started with a ~user/ include and a hooks path in the workspace). Nothing is writable in a
            // read-only run, as for bubblewrap's plan.
            return SandboxProbeResult.UnavailableForTheSettings(
                $"Landlock cannot tell whether your global git configuration makes git read or run files that commands may write: {UntrustedText.Escape(globalGit.Unknown[0])}",
                "write the paths in your git configuration as absolute paths (or fix the file)");
        }

        if ((WritableConfigFolder(settings) ?? WritableGlobalGitConfiguration(settings, globalGit)) is { } problem)
        {
            return SandboxProbeResult.UnavailableForTheSettings(problem, KeepOutsideFix);
        }

        if (_launcher() is not { } sandbox)
        {
            return SandboxProbeResult.Unavailable("this process is not the agentexec executable, so it cannot re-execute itself as the Landlock launcher");
        }

        return AgentExecInstallation.WritableBy(sandbox.LauncherCommand, settings) is { } launcherProblem
            ? SandboxProbeResult.UnavailableForTheSettings(launcherProblem, KeepOutsideFix)
            : SandboxProbeResult.Working(sandbox, [.. kernel.CaveatsFor(settings.Sandbox), .. kernel.NetworkCaveatsFor(settings)]);
    }

    // The user's global git configuration (~/.gitconfig, ~/.config/git/config, $XDG_CONFIG_HOME/git/config,
    // $GIT_CONFIG_GLOBAL), what it includes, an absolute core.hooksPath and init.templateDir, inside the workspace or a writable root: a
    // workspace of dotfiles that ~/.gitconfig links into. git reads it for every repository of the user's, outside any
    // sandbox; bubblewrap keeps it read-only there, but Landlock cannot, and the repository report after a run reads
    // repositories, not the global configuration: an attack appended a core.fsmonitor to the linked file with no
    // question and no report, and the human's next `git status` in another repository ran it. So the workspace or root
    // is refused here, as for the user config folder; bubblewrap can serve it.
    private static string? WritableGlobalGitConfiguration(AgentExecSettings settings, GlobalGitConfiguration global)
    {
        foreach (var path in global.Paths)
        {
            if (CommandWritablePlaces.RootHolding(settings, path) is { } root)
            {
                return $"Landlock cannot keep {UntrustedText.Escape(path)}, which git reads as your global configuration for every repository, read-only inside {UntrustedText.Escape(root)}, which commands may write: "
                    + "a command could add a program (core.fsmonitor, a hook) that your next git runs outside the sandbox";
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
            if (CommandWritablePlaces.RootHolding(settings, folder) is { } root)
            {
                return $"Landlock cannot keep {UntrustedText.Escape(folder)}, where AgentExec reads its user config, read-only inside {UntrustedText.Escape(root)}, which commands may write: a command could write a config that the next start trusts";
            }
        }

        return null;
    }
}
