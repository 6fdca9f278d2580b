namespace AgentExec.Core.Commands;

/// <summary>The script a part stands in, as far as the proof is concerned: its grammar, and why nothing in it can be known-safe.</summary>
/// <param name="Dialect">The grammar the script was read with.</param>
/// <param name="Refusal">Why no part of the script can be known-safe (another shell's script, a bash option off the allow-list), or null.</param>
internal sealed record ProofScope(ShellDialect Dialect, string? Refusal)
{
    /// <summary>The command line itself: bash, nothing refused.</summary>
    public static ProofScope Line { get; } = new(ShellDialect.Bash, null);
}
