namespace AgentExec.Core.Sandbox;

/// <summary>The signal numbers the launcher uses (<c>asm/signal.h</c>; the same on x86_64 and the generic ABI).</summary>
internal static class LinuxSignal
{
    /// <summary>SIGHUP: the terminal went away.</summary>
    public const int Hangup = 1;

    /// <summary>SIGINT: Ctrl-C.</summary>
    public const int Interrupt = 2;

    /// <summary>SIGQUIT: Ctrl-\.</summary>
    public const int Quit = 3;

    /// <summary>SIGKILL: cannot be caught, blocked or ignored.</summary>
    public const int Kill = 9;

    /// <summary>SIGTERM: a polite request to stop.</summary>
    public const int Terminate = 15;
}
