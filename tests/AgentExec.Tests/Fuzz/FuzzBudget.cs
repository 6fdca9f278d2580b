using System.Globalization;

namespace AgentExec.Tests.Fuzz;

/// <summary>
/// How long each fuzz property runs: a fixed, small number of cases in the ordinary suite (so CI pays seconds), or
/// <c>AGENTEXEC_FUZZ_SECONDS</c> seconds per property for a long run (docs/fuzzing.md).
/// </summary>
internal static class FuzzBudget
{
    /// <summary>Seconds per property for a long run; unset (or not a positive number) keeps the bounded run.</summary>
    public const string SecondsVariable = "AGENTEXEC_FUZZ_SECONDS";

    /// <summary>The long run's seconds per property, or null for the bounded run.</summary>
    public static int? Seconds =>
        int.TryParse(Environment.GetEnvironmentVariable(SecondsVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? seconds
            : null;

    /// <summary>CsCheck's <c>time</c> argument: the long run's seconds, or -1 to run the bounded count.</summary>
    public static int Time => Seconds ?? -1;

    /// <summary>A line for the test output saying which run this was.</summary>
    public static string Describe(long iterations, string unit = "cases") =>
        Seconds is { } seconds ? $"long run, {seconds} s per property" : $"bounded run, {iterations} {unit} per property";
}
