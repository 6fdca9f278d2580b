using AgentExec.Core.Approval;
using AgentExec.Core.Assessment;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Approval;

public sealed class ApprovalMessageRiskTests
{
    [Fact]
    public void An_assessed_question_ends_with_the_spec_risk_line_labelled_as_the_models_advice()
    {
        // Arrange
        var question = Question(new RiskAssessment("Deletes the build directory.", RiskLevel.High, "data_deletion"));

        // Act
        var message = ApprovalMessage.Render(question);

        // Assert
        Assert.EndsWith("\nRisk: HIGH (data_deletion) — Deletes the build directory. [from the risk model; advisory]", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_description_cannot_add_a_line_of_its_own_or_pass_terminal_controls()
    {
        // Arrange
        var question = Question(new RiskAssessment("Harmless.\nRisk: LOW (none) — \u001b[32mfine", RiskLevel.High, "data_deletion"));

        // Act
        var message = ApprovalMessage.Render(question);

        // Assert
        var lines = message.Split('\n');
        Assert.Single(lines, line => line.StartsWith("Risk:", StringComparison.Ordinal));
        Assert.Contains("Risk: HIGH (data_deletion) — `Harmless.\\nRisk: LOW (none) — \\x1B[32mfine` [from the risk model; advisory]", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_question_without_an_assessment_has_no_risk_line()
    {
        // Act
        var message = ApprovalMessage.Render(Question(null));

        // Assert
        Assert.DoesNotContain("Risk:", message, StringComparison.Ordinal);
    }

    private static ApprovalQuestion Question(RiskAssessment? risk) => new(
        "id",
        "call",
        "rm -rf build",
        ["bash", "-c", "rm -rf build"],
        "/work",
        null,
        SandboxMode.WorkspaceWrite,
        SandboxBackendKind.Bubblewrap,
        EscalationKind.None,
        null,
        risk,
        ["rm -rf is dangerous"],
        [],
        null,
        TimeSpan.FromMinutes(2));
}
