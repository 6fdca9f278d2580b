using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace AgentExec.Core.Execution;

/// <summary>
/// One long-lived thread on which every command process is started, so that a parent-death signal armed by the child
/// fires when AgentExec dies, not when some pool thread retires.
/// </summary>
/// <remarks>
/// Linux delivers <c>PR_SET_PDEATHSIG</c> when the parent <em>thread</em> exits, and .NET forks a child from the thread
/// that calls <c>Process.Start</c>. bubblewrap's <c>--die-with-parent</c> arms that signal, so a sandbox started from a
/// thread-pool thread was SIGKILLed (exit 137) as soon as that thread went away — seen here after 40 ms in tests, and
/// possible at any moment of a long build in the server. Starting every process on this thread, which lives as long
/// as the process, keeps the signal's meaning: the command dies with AgentExec, and only then.
/// </remarks>
internal static class ProcessStartThread
{
    private static readonly BlockingCollection<Action> Work = CreateThread();

    [ThreadStatic]
    private static bool t_isStartThread;

    /// <summary>Runs <paramref name="start"/> on the start thread and returns its result, rethrowing what it throws.</summary>
    public static T Run<T>(Func<T> start)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (t_isStartThread)
        {
            // Already there (a start that starts another): queueing would wait on itself.
            return start();
        }

        T result = default!;
        ExceptionDispatchInfo? failure = null;
        using var done = new ManualResetEventSlim();
        Work.Add(() =>
        {
            try
            {
                result = start();
            }
#pragma warning disable CA1031 // Rethrown on the caller's thread below, unchanged.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                failure = ExceptionDispatchInfo.Capture(exception);
            }
            finally
            {
                done.Set();
            }
        });

        done.Wait();
        failure?.Throw();
        return result;
    }

    private static BlockingCollection<Action> CreateThread()
    {
        var work = new BlockingCollection<Action>();
        var thread = new Thread(() =>
        {
            t_isStartThread = true;
            foreach (var item in work.GetConsumingEnumerable())
            {
                item();
            }
        })
        {
            IsBackground = true,
            Name = "agentexec process start",
        };
        thread.Start();
        return work;
    }
}
