namespace AgentExec.Core.Execution.Limits;

/// <summary>A command's cgroup could not be made or configured; the command must not run.</summary>
public sealed class CgroupSetupException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CgroupSetupException()
    {
    }

    /// <summary>Creates the exception with a reason.</summary>
    /// <param name="message">What failed.</param>
    public CgroupSetupException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a reason and its cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public CgroupSetupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
