using System.Globalization;

namespace AgentExec.Tests.Oracle;

/// <summary>How long the oracle's generator runs and from which seeds, read from the environment.</summary>
/// <param name="Total">The time for the whole run: the corpus always runs in full, the generator fills what is left.</param>
/// <param name="FixedSeed">The seed every run starts with, so that CI sees the same lines every time.</param>
/// <param name="RandomSeed">The second seed, new each run unless <c>AGENTEXEC_ORACLE_SEED</c> fixes it (to replay a miss).</param>
internal sealed record OracleBudget(TimeSpan Total, int FixedSeed, int RandomSeed)
{
    /// <summary>Seconds for the whole oracle run (default 60).</summary>
    public const string SecondsVariable = "AGENTEXEC_ORACLE_SECONDS";

    /// <summary>The random seed to use instead of a new one.</summary>
    public const string SeedVariable = "AGENTEXEC_ORACLE_SEED";

    /// <summary>The seed CI starts from on every run.</summary>
    public const int DefaultFixedSeed = 20261204;

    /// <summary>The budget the environment asks for.</summary>
    public static OracleBudget FromEnvironment()
    {
        var seconds = double.TryParse(Environment.GetEnvironmentVariable(SecondsVariable), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : 60;
        var seed = int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var fixedSeed)
            ? fixedSeed
            : Random.Shared.Next();
        return new OracleBudget(TimeSpan.FromSeconds(Math.Max(0, seconds)), DefaultFixedSeed, seed);
    }
}
