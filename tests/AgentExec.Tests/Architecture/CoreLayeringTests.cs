using AgentExec.Core.Pipeline;
using AgentExec.Tests.Core.Assessment;

namespace AgentExec.Tests.Architecture;

/// <summary>
/// Core's namespaces depend on each other one way only, and Core references no transport (STYLE.md §1).
/// </summary>
/// <remarks>
/// The layering, lowest first (src/AgentExec.Core/README.md says why each room sits where it does):
/// Crypto → Text → Audit → Network → Configuration → Credentials → Commands → Execution → Assessment → Sandbox → Approval → Policy →
/// Settings → Telemetry → Pipeline. A room may use any room below it and none above. The cycle test holds whatever the
/// order; the order test pins this one, so a new room or a new upward reference is a decision written down here and in
/// the README, not an accident. A failure prints the references that make the cycle or the upward step.
/// </remarks>
public sealed class CoreLayeringTests
{
    /// <summary>Core's rooms, lowest first: the same list as src/AgentExec.Core/README.md.</summary>
    private static readonly string[] Layers =
        ["Crypto", "Text", "Audit", "Network", "Configuration", "Credentials", "Commands", "Execution", "Assessment", "Sandbox", "Approval", "Policy", "Settings", "Telemetry", "Pipeline"];

    private static readonly string[] Transports = ["ModelContextProtocol", "System.CommandLine", "AgentExec.Mcp", "agentexec", "OpenAI"];

    [Fact]
    public void No_two_Core_namespaces_depend_on_each_other_directly_or_through_a_chain()
    {
        // Arrange
        var graph = ReadCoreGraph();

        // Act
        var cycle = graph.FindCycle();

        // Assert
        Assert.True(cycle is null, cycle is null ? null : Describe(graph, cycle));
    }

    [Fact]
    public void Each_Core_namespace_uses_only_namespaces_below_it_in_the_documented_order()
    {
        // Arrange
        var graph = ReadCoreGraph();

        // Act
        var unplaced = graph.Namespaces.Where(name => !Layers.Contains(name)).ToList();
        var upward = graph.Namespaces
            .Where(Layers.Contains)
            .SelectMany(from => graph.DependenciesOf(from)
                .Where(to => Array.IndexOf(Layers, to) > Array.IndexOf(Layers, from))
                .Select(to => $"  {from} -> {to}: {graph.WitnessesOf(from, to)[0]}"))
            .ToList();

        // Assert
        Assert.True(unplaced.Count == 0, $"Core namespaces missing from the layering (place them in Layers and the README): {string.Join(", ", unplaced)}");
        Assert.True(upward.Count == 0, $"Core namespaces that use one above them:{Environment.NewLine}{string.Join(Environment.NewLine, upward)}");
    }

    [Fact]
    public void The_graph_reader_sees_references_from_signatures_and_from_method_bodies()
    {
        // Arrange: known references of each kind in the current code, so that an empty or blind reader cannot pass
        // the cycle test. ExecPipeline takes PipelineDependencies and returns ShellResult (signatures) over every room
        // below it; CredentialList's only use of Audit is a call inside a method (JsonLinesAuditLog.LockPathFor),
        // spelled without the AgentExec.Core prefix, so only the IL shows it.
        var core = typeof(ExecPipeline).Assembly;

        // Act
        var graph = ReadCoreGraph();
        var compiled = CoreNamespaceReferences.ReadCompiled(core);

        // Assert
        Assert.Contains("Policy", graph.DependenciesOf("Pipeline"));
        Assert.Contains("Execution", graph.DependenciesOf("Pipeline"));
        Assert.Contains("Audit", compiled.DependenciesOf("Credentials"));
        Assert.Contains(compiled.WitnessesOf("Credentials", "Audit"), witness => witness.EndsWith("JsonLinesAuditLog", StringComparison.Ordinal));
        Assert.Equal(Layers.Order(StringComparer.Ordinal), graph.Namespaces);
    }

    [Fact]
    public void The_cycle_finder_reports_a_cycle_through_a_chain_with_its_witnesses()
    {
        // Arrange: the positive control — a cycle of three with an acyclic branch beside it.
        var graph = new NamespaceGraph();
        graph.Add("Low", "Base", "Low.A -> Base.B");
        graph.Add("Middle", "Low", "Middle.A -> Low.A");
        graph.Add("High", "Middle", "High.A -> Middle.A");
        graph.Add("Low", "High", "Low.C -> High.A");

        // Act
        var cycle = graph.FindCycle();

        // Assert
        Assert.NotNull(cycle);
        Assert.Equal(cycle[0], cycle[^1]);
        Assert.Equal(["High", "Low", "Middle"], cycle.Skip(1).Order(StringComparer.Ordinal));
        Assert.Contains("Low.C -> High.A", Describe(graph, cycle), StringComparison.Ordinal);
    }

    [Fact]
    public void The_cycle_finder_finds_no_cycle_in_a_layered_graph_and_orders_it_lowest_first()
    {
        // Arrange
        var graph = new NamespaceGraph();
        graph.Add("Top", "Middle", "Top.A -> Middle.A");
        graph.Add("Top", "Base", "Top.A -> Base.A");
        graph.Add("Middle", "Base", "Middle.A -> Base.A");

        // Act
        var cycle = graph.FindCycle();

        // Assert
        Assert.Null(cycle);
        Assert.Equal(["Base", "Middle", "Top"], graph.Layers());
    }

    [Fact]
    public void Core_references_no_transport_assembly()
    {
        // Arrange
        var core = typeof(ExecPipeline).Assembly;

        // Act
        var references = core.GetReferencedAssemblies().Select(name => name.Name!).ToList();

        // Assert: the positive control is that the list is read at all — Core does use CliWrap and the AI abstractions.
        Assert.Contains("CliWrap", references);
        Assert.Contains("Microsoft.Extensions.AI.Abstractions", references);
        Assert.DoesNotContain(references, name => Transports.Any(transport =>
            name.Equals(transport, StringComparison.OrdinalIgnoreCase) || name.StartsWith(transport + ".", StringComparison.OrdinalIgnoreCase)));
    }

    private static NamespaceGraph ReadCoreGraph() =>
        CoreNamespaceReferences.Read(
            typeof(ExecPipeline).Assembly,
            Path.Combine(AssessmentPromptTemplateTests.RepositoryRoot(), "src", "AgentExec.Core"));

    private static string Describe(NamespaceGraph graph, IReadOnlyList<string> cycle)
    {
        // A few references per step: enough to see which type is in the wrong room, not a wall of text.
        var steps = cycle.Zip(cycle.Skip(1), (from, to) =>
            $"  {from} -> {to}:{Environment.NewLine}{string.Join(Environment.NewLine, graph.WitnessesOf(from, to).Take(5).Select(witness => "    " + witness))}");
        return $"Core namespaces form a cycle: {string.Join(" -> ", cycle)}{Environment.NewLine}{string.Join(Environment.NewLine, steps)}";
    }
}
