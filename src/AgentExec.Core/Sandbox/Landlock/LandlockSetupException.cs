namespace AgentExec.Core.Sandbox;

/// <summary>The launcher could not confine the command; its message is shown after <c>agentexec landlock: </c>.</summary>
/// <remarks>Thrown only inside the launcher, which turns it into exit code <see cref="LandlockLauncherExitCodes.SetupFailed"/> and never runs the command.</remarks>
internal sealed class LandlockSetupException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public LandlockSetupException()
        : base("the sandbox could not be set up")
    {
    }

    /// <summary>Creates the exception with a message a user can act on.</summary>
    public LandlockSetupException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure behind it.</summary>
    public LandlockSetupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
