namespace AgentExec.Tests.Oracle;

/// <summary>The oracle's tests share one scratch area and run one after the other: each run restores the area the last one used.</summary>
[CollectionDefinition(Name)]
public sealed class OracleTestGroup : ICollectionFixture<OracleFixture>
{
    public const string Name = "Differential oracle";
}
