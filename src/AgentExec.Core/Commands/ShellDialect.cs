namespace AgentExec.Core.Commands;

/// <summary>Which shell's grammar a script is read with (SPEC.md "Policy", step 3a: only bash scripts can be known-safe).</summary>
/// <remarks>
/// <c>/bin/sh</c> is dash on Debian: it has no <c>&amp;&gt;</c>, <c>|&amp;</c>, <c>$'…'</c>, <c>$"…"</c>,
/// process substitution or here-strings, so a line that bash reads as one command can be two to dash. Scripts
/// of other shells are read with both grammars, so tightening rules see every command either reading finds.
/// </remarks>
internal enum ShellDialect
{
    /// <summary>GNU bash, the shell AgentExec itself runs.</summary>
    Bash,

    /// <summary>The POSIX grammar as dash reads it.</summary>
    Dash,
}
