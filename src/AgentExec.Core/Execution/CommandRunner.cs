using CliWrap;

namespace AgentExec.Core.Execution;

/// <summary>Runs one process as an <see cref="ExecutionSpec"/> describes and reports how it ended.</summary>
/// <remarks>
/// <para>
/// Nothing the process does makes this throw: a program or working directory that is not there is
/// <see cref="ExecutionOutcome.FailedToStart"/>, a passed timeout <see cref="ExecutionOutcome.TimedOut"/>, the caller's
/// token <see cref="ExecutionOutcome.Cancelled"/>. Only an invalid <see cref="ExecutionSpec"/> (no argv, a negative cap
/// or timeout) throws, because that is the caller's bug.
/// </para>
/// <para>
/// The child's environment is exactly <see cref="ExecutionSpec.Environment"/>; its stdin is empty (end-of-file at
/// once). On a timeout or cancellation the process group the process leads is killed at once (the Landlock launcher
/// leads one its command cannot leave: a tree that keeps forking outruns a kill that walks it), then CliWrap's forceful
/// cancellation, <c>Process.Kill(entireProcessTree: true)</c>, walks the tree through <c>/proc</c> for anything left. Security caveat: a process that already left the tree (<c>setsid</c> plus a double fork, reparented to
/// init) is not found by that walk; containing those is the sandbox's job (a PID namespace or a subreaper). The child is
/// not put in a process group of its own either: .NET cannot call <c>setpgid</c> between fork and exec, and wrapping
/// argv in <c>setsid</c> would change the command line the sandbox composed (bubblewrap and the Landlock launcher start
/// the command in a new session themselves).
/// </para>
/// <para>
/// No descriptor above stderr reaches the child: every one is marked close-on-exec right before each start
/// (<see cref="InheritedDescriptors"/>), whatever AgentExec's parent left open; if that cannot be done, nothing starts.
/// </para>
/// <para>
/// Every process is started on one long-lived thread (<see cref="ProcessStartThread"/>): Linux sends a parent-death
/// signal when the parent <em>thread</em> exits, and bubblewrap's <c>--die-with-parent</c> would otherwise kill a
/// command whenever the pool thread that happened to start it retired.
/// </para>
/// <para>
/// A process that exits can leave a background child holding its stdout open. The runner does not wait for that
/// pipe's end-of-file forever: it keeps reading for a grace period (2 s) after the process exited or was killed, then
/// finishes with what it captured.
/// </para>
/// </remarks>
public sealed class CommandRunner
{
    /// <summary>How long pipes are still read after the process exited, for output its last children are flushing.</summary>
    internal static readonly TimeSpan DefaultDrainGrace = TimeSpan.FromSeconds(2);

    // Timers take at most uint.MaxValue - 1 ms; SPEC.md's largest timeout is an hour, so a far smaller bound still
    // leaves room and rejects nonsense early.
    private static readonly TimeSpan LongestTimeout = TimeSpan.FromMilliseconds(int.MaxValue);

    private readonly TimeProvider _time;
    private readonly TimeSpan _drainGrace;

    /// <summary>Creates a runner on the system clock.</summary>
    public CommandRunner()
        : this(TimeProvider.System)
    {
    }

    /// <summary>Creates a runner whose timeouts, drain deadline and durations come from <paramref name="timeProvider"/>.</summary>
    public CommandRunner(TimeProvider timeProvider)
        : this(timeProvider, DefaultDrainGrace)
    {
    }

    /// <summary>Creates a runner with a different drain grace period, for tests of the drain itself.</summary>
    internal CommandRunner(TimeProvider timeProvider, TimeSpan drainGrace)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
        _drainGrace = drainGrace;
    }

    /// <summary>Starts the process, captures its output, and completes when it ended, timed out, was cancelled or could not start.</summary>
    /// <param name="spec">What to run.</param>
    /// <param name="observer">Sees each output chunk as it arrives, when given.</param>
    /// <param name="cancellationToken">Kills the process tree when cancelled; a token cancelled before the start means nothing runs.</param>
    public async Task<ExecutionResult> RunAsync(ExecutionSpec spec, IOutputObserver? observer, CancellationToken cancellationToken)
    {
        Validate(spec);
        var startTimestamp = _time.GetTimestamp();

        if (cancellationToken.IsCancellationRequested)
        {
            return NotStarted(ExecutionOutcome.Cancelled, startTimestamp, startError: null);
        }

        if (FindStartProblem(spec, out var programPath) is { } startProblem)
        {
            return NotStarted(ExecutionOutcome.FailedToStart, startTimestamp, startProblem);
        }

        using var attempt = new ExecutionAttempt(_time, spec.Timeout, _drainGrace, spec.TimeoutClock);
        var stdout = new CapturingPipeTarget(spec.OutputCapBytes, observer is null ? null : observer.OnStdout, attempt.DrainStopToken);
        var stderr = new CapturingPipeTarget(spec.OutputCapBytes, observer is null ? null : observer.OnStderr, attempt.DrainStopToken);

        var command = Cli.Wrap(programPath)
            .WithArguments(spec.Argv.Skip(1))
            .WithWorkingDirectory(spec.WorkingDirectory)
            .WithEnvironmentVariables(variables =>
            {
                foreach (var (name, value) in spec.Environment)
                {
                    variables.Set(name, value);
                }
            })
            .WithValidation(CommandResultValidation.None)
            .WithStandardInputPipe(PipeSource.Null)
            .WithStandardOutputPipe(stdout)
            .WithStandardErrorPipe(stderr);

        CommandTask<CommandResult> running;
        try
        {
            // On the one long-lived start thread: a sandbox's parent-death signal follows the thread that forked it.
            running = ProcessStartThread.Run(() =>
            {
                // Again right before the fork, not only at start-up: a library may have opened a descriptor since.
                if (InheritedDescriptors.MarkCloseOnExec() is { } descriptorProblem)
                {
                    throw new IOException(descriptorProblem);
                }

                // A session keyring of the command's own: keyrings are no files, so no mount hides AgentExec's.
                if (SessionKeyring.JoinNewOnCallingThread() is { } keyringProblem)
                {
                    throw new IOException(keyringProblem);
                }

                return command.ExecuteAsync(
                    startInfo => RemoveInheritedVariables(startInfo.Environment, spec.Environment),
                    attempt.OnStarted,
                    attempt.KillToken,
                    CancellationToken.None);
            });
        }
        catch (Exception exception)
        {
            // Whatever stops the start (exec format, permissions, limits) is the command's failure to start, not ours.
            return NotStarted(ExecutionOutcome.FailedToStart, startTimestamp, DescribeStartFailure(programPath, exception));
        }

        int? exitCode = null;
        using (cancellationToken.Register(static state => ((ExecutionAttempt)state!).Stop(ExecutionOutcome.Cancelled), attempt))
        {
            try
            {
                var result = await running.ConfigureAwait(false);
                exitCode = result.ExitCode;
            }
            catch (Exception exception) when (attempt.KillRequested && exception is OperationCanceledException or TimeoutException)
            {
                // CliWrap reports a forceful cancellation as OperationCanceledException, and a kill the process
                // survived for 3 s as TimeoutException; either way the outcome is the timeout's or the caller's.
            }
        }

        await attempt.FinishAsync(stdout.Completion, stderr.Completion).ConfigureAwait(false);

        return new ExecutionResult(
            attempt.Outcome,
            attempt.KillRequested ? null : exitCode,
            stdout.Snapshot(),
            stderr.Snapshot(),
            _time.GetElapsedTime(startTimestamp),
            StartError: null);
    }

    private static void Validate(ExecutionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Argv.Count == 0)
        {
            throw new ArgumentException("The argv is empty: there is no program to run.", nameof(spec));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(spec.OutputCapBytes, nameof(spec));
        if (spec.Timeout != Timeout.InfiniteTimeSpan && (spec.Timeout <= TimeSpan.Zero || spec.Timeout > LongestTimeout))
        {
            throw new ArgumentOutOfRangeException(nameof(spec), spec.Timeout, "The timeout must be positive and at most 24 days, or infinite.");
        }
    }

    /// <summary>Checks what can be checked before starting, so the common failures get a message a user can act on.</summary>
    private static string? FindStartProblem(ExecutionSpec spec, out string programPath)
    {
        programPath = string.Empty;
        var workingDirectory = spec.WorkingDirectory;
        if (!Path.IsPathFullyQualified(workingDirectory))
        {
            return $"The working directory '{workingDirectory}' is not an absolute path.";
        }

        if (!Directory.Exists(workingDirectory))
        {
            return $"The working directory '{workingDirectory}' does not exist or is not a directory.";
        }

        var program = spec.Argv[0];
        spec.Environment.TryGetValue("PATH", out var searchPath);
        if (ProgramLocator.Resolve(program, searchPath, workingDirectory) is not { } resolved)
        {
            return program.Length == 0
                ? "The program name is empty."
                : $"The program '{program}' was not found on PATH ({searchPath ?? ChildEnvironment.DefaultPath}).";
        }

        programPath = resolved;
        return null;
    }

    /// <summary>
    /// Makes the child's environment exactly <paramref name="wanted"/>: the runtime seeds the start info with the whole
    /// host environment, and CliWrap only adds to it.
    /// </summary>
    /// <remarks>
    /// Removing names here, where the runtime has just copied the environment, rather than passing a null for every
    /// host variable to <c>WithEnvironmentVariables</c>, closes the window in which a variable set by another thread
    /// after such a snapshot would leak.
    /// </remarks>
    private static void RemoveInheritedVariables(IDictionary<string, string?> environment, IReadOnlyDictionary<string, string> wanted)
    {
        foreach (var name in environment.Keys.ToList())
        {
            if (!wanted.ContainsKey(name))
            {
                environment.Remove(name);
            }
        }
    }

    private static string DescribeStartFailure(string programPath, Exception exception)
    {
        // CliWrap wraps the runtime's Win32Exception in a long generic message; the innermost one says what happened.
        var root = exception;
        while (root.InnerException is { } inner)
        {
            root = inner;
        }

        return $"Could not start '{programPath}': {root.Message}";
    }

    private ExecutionResult NotStarted(ExecutionOutcome outcome, long startTimestamp, string? startError) =>
        new(outcome, null, CapturedOutput.Empty, CapturedOutput.Empty, _time.GetElapsedTime(startTimestamp), startError);
}
