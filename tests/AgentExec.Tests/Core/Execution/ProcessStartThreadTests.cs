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

    [Fact]
    public async Task Many_callers_at_once_each_get_their_own_answer_and_a_start_that_throws_leaves_the_thread_running()
    {
        // Callers on many threads at once, every third start throwing: a lost wake-up would leave a caller waiting for
        // good, and an exception that escaped an item would end the thread and every later start with it.
        var callers = Enumerable.Range(0, 200).Select(index => Task.Run(() =>
        {
            try
            {
                return ProcessStartThread.Run(() => index % 3 == 0 ? throw new InvalidOperationException($"start {index}") : index);
            }
            catch (InvalidOperationException exception) when (exception.Message == $"start {index}")
            {
                return -index;
            }
        }));

        var answers = await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(Enumerable.Range(0, 200).Select(index => index % 3 == 0 ? -index : index), answers);
        Assert.Equal(7, await Task.Run(() => ProcessStartThread.Run(() => 7)).WaitAsync(TimeSpan.FromSeconds(15)));
    }
}
