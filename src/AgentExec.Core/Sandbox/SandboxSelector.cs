using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentExec.Core.Sandbox;

/// <summary>Chooses the sandbox backend at start-up; never falls back to running unsandboxed silently.</summary>
/// <remarks>
/// <c>auto</c> takes bubblewrap when a trial run works, else Landlock, else nothing: a sandboxed mode with no usable
/// backend is unavailable, with a message that names the fix, and the pipeline refuses every sandboxed command
/// (<c>sandbox_unavailable</c>). An explicit backend is that backend or nothing. Only <c>danger-full-access</c> runs
/// commands unsandboxed, and it says so.
/// </remarks>
public static class SandboxSelector
{
    private const string BubblewrapFix = "install bubblewrap (`apt-get install bubblewrap`) where unprivileged user namespaces are allowed";
    private const string LandlockFix = "run a kernel with Landlock enabled (Linux 5.13 or later, `landlock` in the LSM list)";
    private const string AllowListFix = "the network allow-list (--allow-domain, the config's \"network\" object) needs bubblewrap, because Landlock cannot tell one destination from another. "
        + "Fix: install bubblewrap (`apt-get install bubblewrap`) and use --sandbox-backend bubblewrap or auto, or drop the allow-list";
    private const string UnsandboxedEscape = "or pass --sandbox danger-full-access only if you accept that commands run unsandboxed";

    /// <summary>Selects a backend for the settings' mode, probing with this process's environment.</summary>
    /// <param name="settings">The resolved settings.</param>
    /// <returns>The selection.</returns>
    public static SandboxSelection Select(AgentExecSettings settings) =>
        Select(settings, ChildEnvironment.ReadHost(), NullLogger.Instance);

    /// <summary>Selects a backend for the settings' mode, probing with <paramref name="hostEnvironment"/>.</summary>
    /// <param name="settings">The resolved settings.</param>
    /// <param name="hostEnvironment">The server's environment (<c>PATH</c> to find <c>bwrap</c>, <c>HOME</c>, <c>XDG_*</c>).</param>
    /// <param name="logger">Handed to the backend.</param>
    /// <param name="rememberTrialPasses">Let bubblewrap's trial run be skipped when one with the same facts passed before (a real start; see <see cref="BubblewrapTrialCache"/>).</param>
    /// <returns>The selection.</returns>
    public static SandboxSelection Select(AgentExecSettings settings, IReadOnlyDictionary<string, string> hostEnvironment, ILogger logger, bool rememberTrialPasses = false) =>
        Select(settings, new BubblewrapProbe(hostEnvironment, logger, rememberPasses: rememberTrialPasses), new LandlockBackendProbe(hostEnvironment: hostEnvironment));

    /// <summary>Selects a backend for the settings' mode from the two probes.</summary>
    /// <param name="settings">The resolved settings.</param>
    /// <param name="bubblewrap">Probes bubblewrap.</param>
    /// <param name="landlock">Probes Landlock.</param>
    /// <returns>The selection.</returns>
    public static SandboxSelection Select(AgentExecSettings settings, ISandboxBackendProbe bubblewrap, ISandboxBackendProbe landlock)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(bubblewrap);
        ArgumentNullException.ThrowIfNull(landlock);
        try
        {
            return SelectFromProbes(settings, bubblewrap, landlock);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A trial could not even be wrapped (a workspace file the mount plan cannot place, such as a linked .env).
            // That is the workspace's state, not the backend's: no sandbox, naming why. Falling back to another
            // backend would let a file the agent planted choose a weaker sandbox for the next start.
            return UnavailableForTheWorkspace(settings.Sandbox, UntrustedText.EscapeLine(e.Message));
        }
    }

    private static SandboxSelection SelectFromProbes(AgentExecSettings settings, ISandboxBackendProbe bubblewrap, ISandboxBackendProbe landlock)
    {

        var mode = settings.Sandbox;
        if (mode == SandboxMode.DangerFullAccess)
        {
            return new SandboxSelection(
                mode,
                NoSandbox.Instance,
                null,
                settings.NetworkLists is null
                    ? ["danger-full-access: commands run with no sandbox at all"]
                    : ["danger-full-access: commands run with no sandbox at all", "danger-full-access: the network allow-list does not apply; commands reach the network directly, with no proxy and no question"]);
        }

        if (!OperatingSystem.IsLinux())
        {
            return Unavailable(mode, $"sandbox not available: {mode.ToCode()} needs Linux (bubblewrap or Landlock); on this system only --sandbox danger-full-access is offered");
        }

        switch (settings.SandboxBackend)
        {
            case SandboxBackendPreference.Bubblewrap:
            {
                var probe = bubblewrap.Probe(settings);
                return probe.Works
                    ? Chosen(mode, probe, [])
                    : Unavailable(mode, $"sandbox not available: --sandbox-backend bubblewrap, but {probe.Problem}. Fix: {probe.Fix ?? BubblewrapFix}, or use --sandbox-backend auto; {UnsandboxedEscape}.");
            }

            case SandboxBackendPreference.Landlock when settings.NetworkLists is not null:
                return Unavailable(mode, $"sandbox not available: --sandbox-backend landlock, but {AllowListFix}; {UnsandboxedEscape}.");

            case SandboxBackendPreference.Landlock:
            {
                var probe = landlock.Probe(settings);
                return probe.Works
                    ? Chosen(mode, probe, [])
                    : Unavailable(mode, $"sandbox not available: --sandbox-backend landlock, but {probe.Problem}. Fix: {probe.Fix ?? LandlockFix}, or use --sandbox-backend auto; {UnsandboxedEscape}.");
            }

            default:
            {
                var first = bubblewrap.Probe(settings);
                if (first.Works)
                {
                    return Chosen(mode, first, []);
                }

                if (first.FailsForTheWorkspace)
                {
                    // As for a workspace the plan cannot be made for (Select): falling back would let what the agent
                    // planted in the workspace choose the weaker sandbox.
                    return UnavailableForTheWorkspace(mode, first.Problem!);
                }

                if (settings.NetworkLists is not null)
                {
                    // Landlock would work, but not for this setting: refused, naming why bubblewrap was not chosen.
                    return Unavailable(mode, $"sandbox not available: bubblewrap: {first.Problem}; and {AllowListFix}; {UnsandboxedEscape}.");
                }

                var second = landlock.Probe(settings);
                if (second.Works)
                {
                    return Chosen(mode, second, [$"bubblewrap is not used: {first.Problem}"]);
                }

                return Unavailable(
                    mode,
                    $"sandbox not available: no backend can enforce {mode.ToCode()} here. bubblewrap: {first.Problem}. Landlock: {second.Problem}. "
                    + $"Fix: {BubblewrapFix}, or {second.Fix ?? LandlockFix}; {UnsandboxedEscape}.");
            }
        }
    }

    private static SandboxSelection Chosen(SandboxMode mode, SandboxProbeResult probe, IReadOnlyList<string> notes) =>
        new(mode, probe.Sandbox, null, [.. notes, .. probe.Caveats]);

    private static SandboxSelection Unavailable(SandboxMode mode, string reason) => new(mode, null, reason, []);

    // No sandbox because of what the workspace holds, never another backend in its place (the agent may have planted it).
    private static SandboxSelection UnavailableForTheWorkspace(SandboxMode mode, string why) =>
        Unavailable(mode, $"sandbox not available: it cannot be prepared for the workspace: {why}");
}
