using System.Reflection;
using System.Text.RegularExpressions;
using AgentExec.Tests.Core.Assessment;

namespace AgentExec.Tests.Architecture;

/// <summary>
/// SECURITY.md names, for every guarantee, the tests that prove it; these tests keep the document and the test suite
/// from drifting apart. Every cited name must be a test method of this assembly, every guarantee must cite one, and
/// CI must run the whole suite, so that what the document promises is what CI checks.
/// </summary>
/// <remarks>
/// A citation is a fully-qualified method name in backticks, starting with <c>AgentExec.Tests.</c>: the name
/// <c>dotnet test --filter</c> and the test explorer show, so a reader can run it as written. A guarantee is a list
/// item that starts with a bold identifier (<c>- **A1.</c>); its citations are the lines up to the next guarantee or
/// heading. A placeholder comment (<c>&lt;!-- TODO issue13: … --&gt;</c>) stands for a guarantee whose tests are being
/// written and is not read: what it names need not exist yet.
/// </remarks>
public sealed partial class SecurityDocumentTests
{
    private const string Prefix = "AgentExec.Tests.";

    [Fact]
    public void Every_test_the_security_document_cites_exists_as_a_test_method()
    {
        // Arrange
        var document = ReadSecurityDocument();

        // Act
        var citations = Citations(document);
        var unresolved = citations.Where(name => !IsTestMethod(name)).ToList();

        // Assert
        Assert.NotEmpty(citations);
        Assert.True(
            unresolved.Count == 0,
            "SECURITY.md cites names that are not test methods ([Fact], [Theory] or an attribute derived from them) of "
            + $"{typeof(SecurityDocumentTests).Assembly.GetName().Name}:{Environment.NewLine}  "
            + string.Join(Environment.NewLine + "  ", unresolved));
    }

    [Fact]
    public void Every_guarantee_in_the_security_document_names_at_least_one_test()
    {
        // Arrange
        var document = ReadSecurityDocument();

        // Act
        var guarantees = Guarantees(document);
        var untested = guarantees.Where(guarantee => Citations(guarantee.Text).Count == 0).Select(guarantee => guarantee.Id).ToList();

        // Assert
        Assert.NotEmpty(guarantees);
        Assert.True(untested.Count == 0, "guarantees in SECURITY.md that name no test: " + string.Join(", ", untested));
        var ids = guarantees.Select(guarantee => guarantee.Id).ToList();
        Assert.True(ids.Distinct(StringComparer.Ordinal).Count() == ids.Count, "a guarantee identifier is used twice: " + string.Join(", ", ids));
    }

    [Fact]
    public void A_wrong_name_a_class_or_a_helper_is_not_taken_for_a_test_and_a_placeholder_is_not_read()
    {
        // Arrange: one real test; then the mistakes the check exists for (a misspelt test, a class, a public method that
        // is no test but feeds one, an unknown class); then placeholders naming tests to come.
        const string Sample = """
            - **Z1. A real one.**
              - `AgentExec.Tests.Mcp.ApprovalChannelTests.Never_policy_denies_without_asking`
            - **Z2. Mistakes.**
              - `AgentExec.Tests.Mcp.ApprovalChannelTests.Never_policy_approves_everything`
              - `AgentExec.Tests.Mcp.ApprovalChannelTests`
              - `AgentExec.Tests.Mcp.ElicitationAnswerTableTests.SdkAnswers`
              - `AgentExec.Tests.Mcp.NoSuchClass.Never_policy_denies_without_asking`
            <!-- TODO issue13: `AgentExec.Tests.Mcp.NotWrittenYet.Some_test` proves the next guarantee. -->
            - **Z3. Only a placeholder.**
            <!-- TODO issue13: `AgentExec.Tests.Mcp.NotWrittenYet.Another_test` -->
            ## A heading ends the last guarantee
            `AgentExec.Tests.Mcp.ApprovalChannelTests.Progress_is_reported_while_a_human_decides`
            """;

        // Act
        var citations = Citations(Sample);
        var guarantees = Guarantees(Sample);

        // Assert
        Assert.Equal(
            [
                "AgentExec.Tests.Mcp.ApprovalChannelTests.Never_policy_denies_without_asking",
                "AgentExec.Tests.Mcp.ApprovalChannelTests.Never_policy_approves_everything",
                "AgentExec.Tests.Mcp.ApprovalChannelTests",
                "AgentExec.Tests.Mcp.ElicitationAnswerTableTests.SdkAnswers",
                "AgentExec.Tests.Mcp.NoSuchClass.Never_policy_denies_without_asking",
                "AgentExec.Tests.Mcp.ApprovalChannelTests.Progress_is_reported_while_a_human_decides",
            ],
            citations);
        Assert.Equal([true, false, false, false, false, true], citations.Select(IsTestMethod));
        Assert.Equal(["Z1", "Z2", "Z3"], guarantees.Select(guarantee => guarantee.Id));
        Assert.Equal([1, 4, 0], guarantees.Select(guarantee => Citations(guarantee.Text).Count));
    }

    [Fact]
    public void The_ci_script_runs_the_whole_suite_so_every_cited_test_runs_there()
    {
        // Arrange: the document's promise is that CI runs every test it cites; a filter on the main run would break it.
        var script = File.ReadAllLines(Path.Combine(AssessmentPromptTemplateTests.RepositoryRoot(), ".ci", "run"));

        // Act
        var wholeSuiteRuns = script
            .Select(line => line.Trim())
            .Where(line => line.StartsWith("dotnet test AgentExec.sln", StringComparison.Ordinal))
            .ToList();

        // Assert
        var run = Assert.Single(wholeSuiteRuns);
        Assert.DoesNotContain("--filter", run, StringComparison.Ordinal);
    }

    private static string ReadSecurityDocument() =>
        File.ReadAllText(Path.Combine(AssessmentPromptTemplateTests.RepositoryRoot(), "SECURITY.md")).ReplaceLineEndings("\n");

    /// <summary>The cited test names, in order of first appearance, placeholders left out.</summary>
    private static List<string> Citations(string markdown) =>
        CitationPattern().Matches(WithoutPlaceholders(markdown))
            .Select(match => match.Groups["name"].Value)
            .Distinct(StringComparer.Ordinal)
            .ToList();

    /// <summary>Each guarantee's identifier and its text, up to the next guarantee or heading, placeholders left out.</summary>
    private static List<(string Id, string Text)> Guarantees(string markdown)
    {
        var guarantees = new List<(string Id, string Text)>();
        string? id = null;
        var text = new List<string>();
        foreach (var line in WithoutPlaceholders(markdown).Split('\n'))
        {
            var start = GuaranteePattern().Match(line);
            if (start.Success || line.StartsWith('#'))
            {
                Close();
                id = start.Success ? start.Groups["id"].Value : null;
            }

            text.Add(line);
        }

        Close();
        return guarantees;

        void Close()
        {
            if (id is not null)
            {
                guarantees.Add((id, string.Join('\n', text)));
            }

            text.Clear();
        }
    }

    private static string WithoutPlaceholders(string markdown) => PlaceholderPattern().Replace(markdown, string.Empty);

    /// <summary>Whether the name is a public method of a test class here that xunit runs as a test.</summary>
    private static bool IsTestMethod(string name)
    {
        var dot = name.LastIndexOf('.');
        var type = dot > Prefix.Length ? typeof(SecurityDocumentTests).Assembly.GetType(name[..dot]) : null;
        return type is not null && type
            .GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            .Any(method => method.Name == name[(dot + 1)..] && method.GetCustomAttributes<FactAttribute>(inherit: true).Any());
    }

    [GeneratedRegex(@"`(?<name>AgentExec\.Tests\.[A-Za-z0-9_.]+)`")]
    private static partial Regex CitationPattern();

    [GeneratedRegex(@"^\s*- \*\*(?<id>[A-Z]+[0-9]+)\.")]
    private static partial Regex GuaranteePattern();

    [GeneratedRegex(@"<!--\s*TODO issue13:.*?-->", RegexOptions.Singleline)]
    private static partial Regex PlaceholderPattern();
}
