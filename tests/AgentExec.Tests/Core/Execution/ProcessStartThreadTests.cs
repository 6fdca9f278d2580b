using AgentExec.Core.Execution;

namespace AgentExec.Tests.Core.Execution;

/// <summary>The one thread every process is started on (a parent-death signal follows the thread that forked).</summary>
public sealed class ProcessStartThreadTests
{
    [Fact]
    public async Task Every_start_runs_on_the_same_thread_whichever_thread_asks()
    {
        var first = ProcessStartThread.Run(() => Environment.CurrentManagedThreadId);
        var fromPool = await Task.Run(() => ProcessStartThread.Run(() => Environment.CurrentManagedThreadId));

        Assert.Equal(first, fromPool);
        Assert.NotEqual(Environment.CurrentManagedThreadId, first);
    }

    [Fact]
    public void What_the_start_throws_reaches_the_caller_unchanged()
    {
        var thrown = Assert.Throws<InvalidOperationException>(() => ProcessStartThread.Run<int>(() => throw new InvalidOperationException("no such program")));

        Assert.Equal("no such program", thrown.Message);
    }

    [Fact]
    public void A_start_that_starts_another_does_not_wait_on_itself()
    {
        var inner = ProcessStartThread.Run(() => ProcessStartThread.Run(() => 42));

        Assert.Equal(42, inner);
    }
}
