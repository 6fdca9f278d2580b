namespace AgentExec.Core.Commands;

/// <summary>A built-in verdict on one simple command and the short phrase a human is shown for it.</summary>
/// <param name="Safety">The verdict.</param>
/// <param name="Reason">Why, in a few words (<c>"rm with -r/-f"</c>).</param>
internal readonly record struct Verdict(CommandSafety Safety, string Reason)
{
    /// <summary>A known-safe verdict.</summary>
    public static Verdict Safe(string reason) => new(CommandSafety.KnownSafe, reason);

    /// <summary>An ordinary verdict.</summary>
    public static Verdict Ordinary(string reason) => new(CommandSafety.Ordinary, reason);

    /// <summary>A dangerous verdict.</summary>
    public static Verdict Dangerous(string reason) => new(CommandSafety.Dangerous, reason);

    /// <summary>The stricter of the two; on a tie this one, so the first reason found is kept.</summary>
    public Verdict Or(Verdict other) => other.Safety > Safety ? other : this;
}
