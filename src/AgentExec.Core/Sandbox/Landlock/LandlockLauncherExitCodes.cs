namespace AgentExec.Core.Sandbox;

/// <summary>
/// How the launcher ends when it did not run the command. Otherwise it exits with the command's own code, or 128+N
/// when signal N ended it, like a shell.
/// </summary>
/// <remarks>
/// Any code can also come from the command itself, so the launcher's own failures are recognised by the code together
/// with the <see cref="LandlockLauncher.MessagePrefix"/> line it writes to stderr (see <see cref="SandboxDenialRule"/>).
/// </remarks>
internal static class LandlockLauncherExitCodes
{
    /// <summary>The launcher's arguments broke the protocol; nothing was run.</summary>
    public const int Usage = 121;

    /// <summary>The sandbox could not be set up (no Landlock, a failed system call, a missing path); nothing was run.</summary>
    /// <remarks>The same number as <c>agentexec run</c>'s "could not start", which is what this is.</remarks>
    public const int SetupFailed = 125;
}
