using AgentExec.Core.Assessment;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace AgentExec.Tests.Core.Assessment;

public sealed class CachingRiskAssessorTests
{
    private static readonly RiskAssessment Risk = new("Deletes build output.", RiskLevel.Medium, "data_deletion");

    [Fact]
    public async Task Identical_inputs_reuse_the_earlier_assessment_even_as_different_list_instances()
    {
        // Arrange
        var inner = Succeeding();
        var assessor = new CachingRiskAssessor(inner.Object, NullLogger.Instance);

        // Act
        var first = await assessor.AssessAsync(AssessmentRequests.For("rm -rf build"), CancellationToken.None);
        var second = await assessor.AssessAsync(AssessmentRequests.For("rm -rf build"), CancellationToken.None);

        // Assert
        inner.Verify(a => a.AssessAsync(It.IsAny<AssessmentRequest>(), It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal(Risk, second.Risk);
        Assert.Equal(AssessmentStatus.Success, second.Status);
        Assert.Equal(TimeSpan.Zero, second.Latency);
        Assert.Equal(CachingRiskAssessor.ReusedDetail, second.Detail);
        Assert.Equal(TimeSpan.FromMilliseconds(700), first.Latency);
    }

    [Fact]
    public async Task Any_difference_in_the_inputs_asks_again()
    {
        // Arrange
        var inner = Succeeding();
        var assessor = new CachingRiskAssessor(inner.Object, NullLogger.Instance);
        var request = AssessmentRequests.For("rm -rf build");

        // Act
        await assessor.AssessAsync(request, CancellationToken.None);
        await assessor.AssessAsync(request with { Justification = "different" }, CancellationToken.None);
        await assessor.AssessAsync(request with { FilesystemRoots = ["/elsewhere"] }, CancellationToken.None);
        await assessor.AssessAsync(request with { Escalation = AgentExec.Core.Execution.EscalationKind.RequireEscalated }, CancellationToken.None);

        // Assert
        inner.Verify(a => a.AssessAsync(It.IsAny<AssessmentRequest>(), It.IsAny<CancellationToken>()), Times.Exactly(4));
    }

    [Fact]
    public async Task A_failed_assessment_is_not_kept_so_the_next_question_tries_again()
    {
        // Arrange
        var inner = new Mock<IRiskAssessor>();
        inner.Setup(a => a.AssessAsync(It.IsAny<AssessmentRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new AssessmentResult(AssessmentStatus.Timeout, null, TimeSpan.FromSeconds(5)));
        var assessor = new CachingRiskAssessor(inner.Object, NullLogger.Instance);

        // Act
        await assessor.AssessAsync(AssessmentRequests.For("ls"), CancellationToken.None);
        await assessor.AssessAsync(AssessmentRequests.For("ls"), CancellationToken.None);

        // Assert
        inner.Verify(a => a.AssessAsync(It.IsAny<AssessmentRequest>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
        Assert.Equal(0, assessor.Count);
    }

    [Fact]
    public async Task The_oldest_assessment_leaves_first_when_the_cache_is_full()
    {
        // Arrange
        var inner = Succeeding();
        var assessor = new CachingRiskAssessor(inner.Object, NullLogger.Instance, capacity: 2);

        // Act
        await assessor.AssessAsync(AssessmentRequests.For("a"), CancellationToken.None);
        await assessor.AssessAsync(AssessmentRequests.For("b"), CancellationToken.None);
        await assessor.AssessAsync(AssessmentRequests.For("c"), CancellationToken.None);
        await assessor.AssessAsync(AssessmentRequests.For("c"), CancellationToken.None);
        await assessor.AssessAsync(AssessmentRequests.For("a"), CancellationToken.None);

        // Assert
        Assert.Equal(2, assessor.Count);
        inner.Verify(a => a.AssessAsync(It.Is<AssessmentRequest>(r => r.CommandLine == "a"), It.IsAny<CancellationToken>()), Times.Exactly(2));
        inner.Verify(a => a.AssessAsync(It.Is<AssessmentRequest>(r => r.CommandLine == "c"), It.IsAny<CancellationToken>()), Times.Once);
    }

    private static Mock<IRiskAssessor> Succeeding()
    {
        var inner = new Mock<IRiskAssessor>();
        inner.Setup(a => a.AssessAsync(It.IsAny<AssessmentRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new AssessmentResult(AssessmentStatus.Success, Risk, TimeSpan.FromMilliseconds(700)));
        return inner;
    }
}
