using System.Collections;
using System.Runtime.InteropServices;
using AgentExec.Core.Execution;

namespace AgentExec.Core.Sandbox;

/// <summary>
/// The launcher mode of the <c>agentexec</c> binary: <c>agentexec __landlock-exec [options] -- PROGRAM [ARG]…</c>
/// confines itself with Landlock and seccomp, runs the command, supervises it as a child subreaper and exits with its
/// status. <see cref="LandlockSandbox"/> builds these command lines; <c>Program.cs</c> dispatches here before anything
/// else starts, because every sandboxed command pays this start-up.
/// </summary>
/// <remarks>
/// <para>
/// The sequence, and why in this order:
/// </para>
/// <list type="number">
/// <item>Parse the arguments strictly (<see cref="LandlockLaunchArguments"/>); a bad one exits
/// <see cref="LandlockLauncherExitCodes.Usage"/>.</item>
/// <item>Process-wide set-up on the main thread: ignore the terminal's signals (Ctrl-C reaches the whole foreground
/// process group; the launcher must outlive its command so that its caller's tree kill finds the command's orphans
/// under it), restore <c>SIGCHLD</c> (an ignored one would make the kernel reap the command's status away), become a
/// child subreaper, stop being dumpable (no ptrace or <c>/proc/PID/mem</c> access from the command, which lacks
/// CAP_SYS_PTRACE), and mark every inherited descriptor above stderr close-on-exec.</item>
/// <item>Probe Landlock; refuse without it. Build the ruleset and the seccomp filter for the options
/// (<see cref="LandlockPolicy"/>).</item>
/// <item>Confine a dedicated thread and start the command from it (<see cref="LandlockConfinement"/>).</item>
/// <item>Supervise: forward the exit status, kill what the command left behind, and kill the command and all it started
/// if the launcher's parent (the server) goes first (<see cref="DescendantReaper"/>).</item>
/// </list>
/// <para>
/// Any failure before the command starts exits <see cref="LandlockLauncherExitCodes.SetupFailed"/> with a line starting
/// <see cref="MessagePrefix"/> on stderr. The command never runs unconfined.
/// </para>
/// <para>
/// Messages go straight to file descriptor 2: <c>System.Console</c> would cost start-up time and would install the
/// runtime's own <c>SIGCHLD</c> handling, which reaps children behind the launcher's back.
/// </para>
/// </remarks>
internal static unsafe class LandlockLauncher
{
    /// <summary>The first argument that selects launcher mode. Not a subcommand: <c>--help</c> does not list it.</summary>
    public const string Verb = "__landlock-exec";

    /// <summary>How every message of the launcher starts, so that callers can tell its failures from the command's.</summary>
    public const string MessagePrefix = "agentexec landlock: ";

    // prctl options (include/uapi/linux/prctl.h).
    private const nint PrSetDumpable = 4;
    private const nint PrSetChildSubreaper = 36;

    // SIGCHLD on x86_64 and the generic ABI; SIG_DFL.
    private const int SignalChild = 17;
    private const nint SignalDefault = 0;

    /// <summary>True when <paramref name="args"/> asks for launcher mode.</summary>
    public static bool IsInvocation(string[] args) => args.Length > 0 && args[0] == Verb;

    /// <summary>Runs launcher mode with the process's arguments (the verb first); returns the exit code.</summary>
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (!LandlockLaunchArguments.TryParse(args.AsSpan(1).ToArray(), out var options, out var error))
        {
            Report($"usage error: {error}. Nothing was run.");
            return LandlockLauncherExitCodes.Usage;
        }

        // The server that started this launcher: when it goes, the command goes too (DescendantReaper).
        var parentPid = (int)Libc.Syscall(X64Syscall.GetParentPid, 0, 0, 0, 0, 0);
        int commandPid;
        try
        {
            commandPid = StartConfined(options);
        }
        catch (LandlockSetupException exception)
        {
            Report($"{exception.Message}. Nothing was run.");
            return LandlockLauncherExitCodes.SetupFailed;
        }

        try
        {
            return DescendantReaper.WaitForCommandThenKillTheRest(commandPid, parentPid);
        }
        catch (LandlockSetupException exception)
        {
            // The command ran; what it left behind has been killed, but its status is lost.
            Report(exception.Message);
            return LandlockLauncherExitCodes.SetupFailed;
        }
    }

    /// <summary>Everything up to the spawn: returns the confined command's pid, or throws having run nothing.</summary>
    private static int StartConfined(LandlockLaunchOptions options)
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            throw new LandlockSetupException(LandlockSupport.UnsupportedArchitecture);
        }

        PrepareProcess();

        var kernelAbi = LandlockRuleset.ProbeAbi();
        if (kernelAbi < 1)
        {
            throw new LandlockSetupException(LandlockSupport.DescribeMissingLandlock(-kernelAbi));
        }

        var policy = LandlockPolicy.For(options, kernelAbi);
        var filter = LandlockSeccompFilter.For(policy.RefuseNonLocalSockets, policy.RefuseReadOnlyTruncation, policy.RefuseUnixSockets);
        using (var ruleset = LandlockRuleset.Create(policy.Handled))
        using (var spawn = PreparedSpawn.Create(options.Command, CommandEnvironment(options.TemporaryDirectory)))
        {
            foreach (var grant in policy.Grants)
            {
                if (grant is { IsDirectory: true, WithoutLinks: true })
                {
                    ruleset.AllowDirectoryWithoutLinks(grant.Path, grant.Access);
                }
                else if (grant is { IsDirectory: true, IfPresent: true })
                {
                    ruleset.AllowDirectoryIfPresent(grant.Path, grant.Access);
                }
                else if (grant.IsDirectory)
                {
                    ruleset.AllowDirectory(grant.Path, grant.Access);
                }
                else
                {
                    ruleset.AllowFileIfPresent(grant.Path, grant.Access);
                }
            }

            return new LandlockConfinement(ruleset, filter, spawn, CapabilityDrop.LastCapability()).ConfineAndSpawn();
        }
    }

    private static void PrepareProcess()
    {
        foreach (var signal in (ReadOnlySpan<int>)[LinuxSignal.Hangup, LinuxSignal.Interrupt, LinuxSignal.Quit, LinuxSignal.Terminate])
        {
            if (Libc.Signal(signal, Libc.SignalIgnore) == Libc.SignalError)
            {
                throw new LandlockSetupException($"cannot ignore signal {signal}: {Libc.Describe(Libc.LastError)}");
            }
        }

        if (Libc.Signal(SignalChild, SignalDefault) == Libc.SignalError)
        {
            throw new LandlockSetupException($"cannot restore SIGCHLD: {Libc.Describe(Libc.LastError)}");
        }

        // A session and process group of its own, which the command inherits and cannot leave (LandlockSeccompFilter):
        // no controlling terminal, and one kill(-launcher, SIGKILL) ends everything (ExecutionAttempt.Stop). Started by
        // the runner it is never a group leader already; if it is, nothing runs.
        if (Libc.Syscall(X64Syscall.SetSession, 0, 0, 0, 0, 0) < 0)
        {
            throw new LandlockSetupException($"cannot start a session of its own: {Libc.Describe(Libc.LastError)}");
        }

        if (Prctl(PrSetChildSubreaper, 1) != 0)
        {
            throw new LandlockSetupException($"cannot become a child subreaper: {Libc.Describe(Libc.LastError)}");
        }

        if (Prctl(PrSetDumpable, 0) != 0)
        {
            throw new LandlockSetupException($"cannot make the launcher non-dumpable: {Libc.Describe(Libc.LastError)}");
        }

        // Whatever the launcher inherited beyond stdin, stdout and stderr stays with it and does not reach the command.
        if (InheritedDescriptors.MarkCloseOnExec() is { } descriptorProblem)
        {
            throw new LandlockSetupException(descriptorProblem);
        }
    }

    /// <summary>The launcher's own environment, with <c>TMPDIR</c> set to the fresh directory when there is one.</summary>
    private static List<string> CommandEnvironment(string? temporaryDirectory)
    {
        var environment = new List<string>();
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            var name = (string)variable.Key;
            if (temporaryDirectory is not null && name == "TMPDIR")
            {
                continue;
            }

            environment.Add($"{name}={variable.Value}");
        }

        if (temporaryDirectory is not null)
        {
            environment.Add($"TMPDIR={temporaryDirectory}");
        }

        return environment;
    }

    private static nint Prctl(nint option, nint argument) => Libc.Syscall(X64Syscall.Prctl, option, argument, 0, 0, 0);

    private static void Report(string message) => Libc.WriteLineToStandardError(MessagePrefix + message);
}
