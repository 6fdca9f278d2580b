using System.Runtime.ExceptionServices;

namespace AgentExec.Core.Execution;

/// <summary>
/// One long-lived thread on which every command process is started, so that a parent-death signal armed by the child
/// fires when AgentExec dies, not when some pool thread retires. The process's first thread is such a thread already:
/// a start asked for there runs there.
/// </summary>
/// <remarks>
/// Linux delivers <c>PR_SET_PDEATHSIG</c> when the parent <em>thread</em> exits, and .NET forks a child from the thread
/// that calls <c>Process.Start</c>. bubblewrap's <c>--die-with-parent</c> arms that signal, so a sandbox started from a
/// thread-pool thread was SIGKILLed (exit 137) as soon as that thread went away — seen here after 40 ms in tests, and
/// possible at any moment of a long build in the server. Starting every process on this thread, which lives as long
/// as the process, keeps the signal's meaning: the command dies with AgentExec, and only then.
/// <para>
/// Both waits block without spinning (a plain monitor queue, an event with a spin count of 0). A start takes about a
/// millisecond, far longer than a spin could cover, so <see cref="System.Collections.Concurrent.BlockingCollection{T}"/>'s
/// and <see cref="ManualResetEventSlim"/>'s default spinning only burnt CPU that the command being started needed
/// (issue 12: about 0.15 ms of CPU per call on the 2-core machine, measured with perf).
/// </para>
/// <para>
/// The first thread is the one <c>Main</c> runs on and the process ends when it returns, so it outlives every command as
/// well. A one-shot <c>agentexec run</c> usually reaches its start there; starting it in place saves creating the
/// thread, which .NET's <c>Thread.Start</c> waits for by yielding in a loop (about half a millisecond of CPU per
/// <c>run</c> on the 2-core machine, perf, issue 12).
/// </para>
/// </remarks>
internal static class ProcessStartThread
{
    /// <summary>Starts waiting to be run; guarded by its own monitor, which the start thread waits on.</summary>
    private static Queue<Action> Pending => LazyPending.Value;

    private static readonly Lazy<Queue<Action>> LazyPending = new(CreateThread, LazyThreadSafetyMode.ExecutionAndPublication);

    [ThreadStatic]
    private static bool t_isStartThread;

    /// <summary>Runs <paramref name="start"/> on the start thread and returns its result, rethrowing what it throws.</summary>
    public static T Run<T>(Func<T> start)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (t_isStartThread || IsFirstThread())
        {
            // Already on a thread that lives as long as the process (or on the start thread itself, where queueing would
            // wait on itself).
            return start();
        }

        T result = default!;
        ExceptionDispatchInfo? failure = null;
        using var done = new ManualResetEventSlim(initialState: false, spinCount: 0);
        Enqueue(() =>
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

    private static bool IsFirstThread() => OperatingSystem.IsLinux() && Libc.GetTid() == Environment.ProcessId;

    private static void Enqueue(Action item)
    {
        lock (Pending)
        {
            Pending.Enqueue(item);
            Monitor.Pulse(Pending);
        }
    }

    private static Queue<Action> CreateThread()
    {
        var pending = new Queue<Action>();
        var thread = new Thread(() =>
        {
            t_isStartThread = true;
            while (true)
            {
                Action next;
                lock (pending)
                {
                    while (pending.Count == 0)
                    {
                        Monitor.Wait(pending);
                    }

                    next = pending.Dequeue();
                }

                // Every item catches what its start throws (Run), so nothing ends this loop.
                next();
            }
        })
        {
            IsBackground = true,
            Name = "agentexec process start",
        };
        thread.Start();
        return pending;
    }
}
