using System.Diagnostics;
using AgentExec.Core.Assessment;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace AgentExec.Tests.Core.Assessment;

public sealed class BudgetedRiskAssessorTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);
    private static readonly AssessmentPromptWriter Writer = new(AssessmentPromptTemplate.Embedded, SecretRedactor.PatternsOnly, "TestOS");

    [Fact]
    public async Task A_model_that_never_answers_falls_back_at_the_budget_and_its_call_is_cancelled()
    {
        // Arrange
        var clock = new ManualTimeProvider();
        var inner = new ChatRiskAssessor(ChatRiskAssessorTests.Hanging(out var cancelled).Object, "test-model", Writer, clock);
        var assessor = new BudgetedRiskAssessor(inner, Budget, clock, NullLogger.Instance);

        // Act
        var assessing = assessor.AssessAsync(AssessmentRequests.For("rm -rf build"), CancellationToken.None);
        await clock.FirstTimerCreated.WaitAsync(Generous);
        clock.Advance(Budget - TimeSpan.FromMilliseconds(1));
        var earlyCompleted = assessing.IsCompleted;
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var result = await assessing.WaitAsync(Generous);
        await cancelled.Task.WaitAsync(Generous);

        // Assert
        Assert.False(earlyCompleted);
        Assert.Equal(AssessmentStatus.Timeout, result.Status);
        Assert.Null(result.Risk);
        Assert.Equal(Budget, result.Latency);
        Assert.Equal("no answer within the budget of 5000 ms", result.Detail);
    }

    [Fact]
    public async Task On_the_real_clock_a_hang_ends_within_the_budget_plus_a_generous_margin()
    {
        // Arrange
        var inner = new ChatRiskAssessor(ChatRiskAssessorTests.Hanging(out _).Object, "test-model", Writer, TimeProvider.System);
        var assessor = new BudgetedRiskAssessor(inner, TimeSpan.FromMilliseconds(200), TimeProvider.System, NullLogger.Instance);
        var stopwatch = Stopwatch.StartNew();

        // Act
        var result = await assessor.AssessAsync(AssessmentRequests.For("ls"), CancellationToken.None).WaitAsync(Generous);

        // Assert
        Assert.Equal(AssessmentStatus.Timeout, result.Status);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task An_inner_call_that_blocks_before_its_first_await_cannot_hold_the_caller()
    {
        // Arrange: a cold client stuck in synchronous set-up (DNS, say) before it returns a task.
        using var release = new ManualResetEventSlim();
        var inner = new Mock<IRiskAssessor>();
        inner.Setup(a => a.AssessAsync(It.IsAny<AssessmentRequest>(), It.IsAny<CancellationToken>()))
            .Returns(() =>
            {
                release.Wait(Generous);
                return Task.FromResult(AssessmentResult.Disabled);
            });
        var assessor = new BudgetedRiskAssessor(inner.Object, TimeSpan.FromMilliseconds(100), TimeProvider.System, NullLogger.Instance);

        // Act
        var result = await assessor.AssessAsync(AssessmentRequests.For("ls"), CancellationToken.None).WaitAsync(Generous);
        release.Set();

        // Assert
        Assert.Equal(AssessmentStatus.Timeout, result.Status);
    }

    [Fact]
    public async Task The_callers_cancellation_ends_the_assessment_at_once_and_cancels_the_call()
    {
        // Arrange
        var clock = new ManualTimeProvider();
        using var cancellation = new CancellationTokenSource();
        var inner = new ChatRiskAssessor(ChatRiskAssessorTests.Hanging(out var cancelled).Object, "test-model", Writer, clock);
        var assessor = new BudgetedRiskAssessor(inner, Budget, clock, NullLogger.Instance);

        // Act
        var assessing = assessor.AssessAsync(AssessmentRequests.For("ls"), cancellation.Token);
        await cancellation.CancelAsync();
        var result = await assessing.WaitAsync(Generous);
        await cancelled.Task.WaitAsync(Generous);

        // Assert
        Assert.Equal(AssessmentStatus.Timeout, result.Status);
        Assert.Equal("the call was cancelled before the assessment finished", result.Detail);
        Assert.Equal(TimeSpan.Zero, result.Latency);
    }

    [Fact]
    public async Task An_abandoned_call_is_still_observed_when_it_ends()
    {
        // Arrange: the inner call ignores cancellation and fails late.
        var finish = new TaskCompletionSource<AssessmentResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var inner = new Mock<IRiskAssessor>();
        inner.Setup(a => a.AssessAsync(It.IsAny<AssessmentRequest>(), It.IsAny<CancellationToken>())).Returns(finish.Task);
        var clock = new ManualTimeProvider();
        var assessor = new BudgetedRiskAssessor(inner.Object, Budget, clock, NullLogger.Instance);

        // Act
        var assessing = assessor.AssessAsync(AssessmentRequests.For("ls"), CancellationToken.None);
        await clock.FirstTimerCreated.WaitAsync(Generous);
        clock.Advance(Budget);
        var result = await assessing.WaitAsync(Generous);
        var outstandingAfterBudget = assessor.Outstanding;
        finish.SetException(new InvalidOperationException("late failure"));
        await WaitUntil(() => assessor.Outstanding == 0);

        // Assert
        Assert.Equal(AssessmentStatus.Timeout, result.Status);
        Assert.Equal(1, outstandingAfterBudget);
    }

    [Fact]
    public async Task A_result_in_time_passes_through_with_the_latency_measured_around_the_whole_call()
    {
        // Arrange
        var clock = new ManualTimeProvider();
        var answer = new TaskCompletionSource<AssessmentResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var inner = new Mock<IRiskAssessor>();
        inner.Setup(a => a.AssessAsync(It.IsAny<AssessmentRequest>(), It.IsAny<CancellationToken>())).Returns(answer.Task);
        var assessor = new BudgetedRiskAssessor(inner.Object, Budget, clock, NullLogger.Instance);
        var risk = new RiskAssessment("Lists files.", RiskLevel.Low, "none");

        // Act
        var assessing = assessor.AssessAsync(AssessmentRequests.For("ls"), CancellationToken.None);
        await clock.FirstTimerCreated.WaitAsync(Generous);
        clock.Advance(TimeSpan.FromMilliseconds(1200));
        answer.SetResult(new AssessmentResult(AssessmentStatus.Success, risk, TimeSpan.FromMilliseconds(3)));
        var result = await assessing.WaitAsync(Generous);

        // Assert
        Assert.Equal(AssessmentStatus.Success, result.Status);
        Assert.Equal(risk, result.Risk);
        Assert.Equal(TimeSpan.FromMilliseconds(1200), result.Latency);
        Assert.Equal(0, assessor.Outstanding);
    }

    [Fact]
    public async Task An_assessor_that_throws_is_a_model_error()
    {
        // Arrange
        var inner = new Mock<IRiskAssessor>();
        inner.Setup(a => a.AssessAsync(It.IsAny<AssessmentRequest>(), It.IsAny<CancellationToken>())).ThrowsAsync(new InvalidOperationException("broken"));
        var assessor = new BudgetedRiskAssessor(inner.Object, Budget, TimeProvider.System, NullLogger.Instance);

        // Act
        var result = await assessor.AssessAsync(AssessmentRequests.For("ls"), CancellationToken.None);

        // Assert
        Assert.Equal(AssessmentStatus.ModelError, result.Status);
        Assert.Equal("InvalidOperationException: broken", result.Detail);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Generous;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not become true in time");
            await Task.Yield();
            Thread.Sleep(1);
        }
    }
}
