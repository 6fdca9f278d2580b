namespace AgentExec.Core.Commands;

/// <summary>The built-in verdict on one simple command, before any rule is applied.</summary>
/// <remarks>Ordered from the most to the least permissive so that a compound line takes the maximum.</remarks>
public enum CommandSafety
{
    /// <summary>Read-only and fully understood: needs no question under any policy.</summary>
    KnownSafe = 0,

    /// <summary>Neither known-safe nor dangerous: runs in the sandbox, asks only under <c>untrusted</c>.</summary>
    Ordinary = 1,

    /// <summary>Destroys data or escalates privilege (<c>rm -rf</c>, <c>git reset --hard</c>, <c>sudo</c>…): always asks.</summary>
    Dangerous = 2,
}
