using Xunit.Abstractions;

namespace AgentExec.Tests.Oracle;

/// <summary>
/// The differential oracle (issue 9, deliverable 6): every line the analyzer judges known-safe, run with the real
/// bash in a throwaway sandbox, does nothing but read. Run longer with <c>AGENTEXEC_ORACLE_SECONDS</c>; replay a
/// random seed with <c>AGENTEXEC_ORACLE_SEED</c> (docs/oracle.md).
/// </summary>
[Collection(OracleTestGroup.Name)]
[Trait("Category", "Oracle")]
public sealed class DifferentialOracleTests(OracleFixture fixture, ITestOutputHelper output)
{
    [OracleFact]
    public void No_line_the_analyzer_judges_known_safe_does_more_than_read_in_real_bash()
    {
        OracleAvailability.Require();
        var budget = OracleBudget.FromEnvironment();
        var started = DateTime.UtcNow;
        var session = new OracleSession(fixture.Oracle);

        session.CheckAll("regressions.txt", CorpusFile.Read("regressions.txt"));
        session.CheckAll("seed-corpus.txt", CorpusFile.Read("seed-corpus.txt"));
        var left = started + budget.Total - DateTime.UtcNow;
        session.Generate("fixed seed", budget.FixedSeed, DateTime.UtcNow + (left / 2));
        session.Generate("random seed", budget.RandomSeed, started + budget.Total);

        output.WriteLine(session.Report);
        output.WriteLine($"replay the random seed with {OracleBudget.SeedVariable}={budget.RandomSeed}");
        Assert.True(session.Misses.Count == 0, session.Report);
    }
}
