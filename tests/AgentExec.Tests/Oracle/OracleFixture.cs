namespace AgentExec.Tests.Oracle;

/// <summary>One oracle (and its scratch area, git repositories included) for all the oracle's tests, built on first use.</summary>
public sealed class OracleFixture : IDisposable
{
    private readonly Lazy<DifferentialOracle> oracle = new(() => new DifferentialOracle());

    internal DifferentialOracle Oracle => oracle.Value;

    public void Dispose()
    {
        if (oracle.IsValueCreated)
        {
            oracle.Value.Dispose();
        }
    }
}
