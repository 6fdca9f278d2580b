using System.Runtime.InteropServices;

namespace AgentExec.Core.Sandbox;

/// <summary><c>struct landlock_path_beneath_attr</c>: rights granted beneath an opened file or directory. Packed in C.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal struct LandlockPathBeneathAttr
{
    /// <summary>The rights granted (<c>allowed_access</c>).</summary>
    public ulong AllowedAccess;

    /// <summary>An <c>O_PATH</c> descriptor of the file or directory (<c>parent_fd</c>).</summary>
    public int ParentFd;
}
