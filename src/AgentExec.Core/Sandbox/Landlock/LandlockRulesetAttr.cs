using System.Runtime.InteropServices;

namespace AgentExec.Core.Sandbox;

/// <summary><c>struct landlock_ruleset_attr</c> in its ABI 6 shape: what a ruleset handles and scopes.</summary>
/// <remarks>
/// The kernel accepts a larger structure than it knows as long as the unknown tail is zero (<c>copy_struct_from_user</c>),
/// so this one shape serves every ABI: fields an older kernel lacks are left at zero.
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
internal struct LandlockRulesetAttr
{
    /// <summary>File-system rights this ruleset restricts (<c>handled_access_fs</c>).</summary>
    public ulong HandledAccessFs;

    /// <summary>Network rights this ruleset restricts (<c>handled_access_net</c>, ABI 4).</summary>
    public ulong HandledAccessNet;

    /// <summary>IPC scopes (<c>scoped</c>, ABI 6).</summary>
    public ulong Scoped;
}
