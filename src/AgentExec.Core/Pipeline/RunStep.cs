using AgentExec.Core.Approval;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Execution.Limits;
using AgentExec.Core.Policy;
using AgentExec.Core.Sandbox;

namespace AgentExec.Core.Pipeline;

/// <summary>
/// Runs one approved attempt where its evaluation says — in the configured sandbox or with none — under the limits,
/// records its start and finish, and reports what it changed in repositories.
/// </summary>
internal sealed class RunStep(PipelineDependencies dependencies, IReadOnlyDictionary<string, string> commandEnvironment)
{
    /// <summary>Runs one attempt.</summary>
    /// <param name="call">The call.</param>
    /// <param name="attempt">The plan the policy made for this attempt: where it runs.</param>
    /// <param name="approval">Who let it run, or null when nobody had to.</param>
    /// <param name="evaluation">The call's evaluation, carried in the result.</param>
    public async Task<ShellResult> RunAsync(PipelineCall call, AttemptPlan attempt, ApprovalOutcome? approval, PolicyEvaluation evaluation)
    {
        var recorder = call.Recorder;
        var request = call.Request;
        if (call.Cancellation.IsCancellationRequested)
        {
            return await Denials.CancelledBeforeStartAsync(recorder, evaluation).ConfigureAwait(false);
        }

        var sandbox = attempt.Where == Confinement.Sandboxed ? dependencies.Sandbox.Sandbox : NoSandbox.Instance;
        if (sandbox is null)
        {
            return await Denials.SandboxUnavailableAsync(recorder, dependencies.Sandbox, evaluation).ConfigureAwait(false);
        }

        CommandCgroup? cgroup;
        try
        {
            cgroup = dependencies.Limits.CreateCommandCgroup();
        }
        catch (CgroupSetupException exception)
        {
            return await Denials.CannotStartAsync(recorder, "The resource limits could not be set up, so the command was not run: " + exception.Message, evaluation).ConfigureAwait(false);
        }

        using var limitedCgroup = cgroup;

        // SPEC.md "Network allow-list": a sandboxed run reaches the outside only through its own proxy. A run outside
        // the sandbox (approved as such) has the host's network, as without a list, and gets no proxy.
        RunEgress? egress = null;
        if (dependencies.Egress is { } egressDependencies && sandbox.Backend != SandboxBackendKind.None)
        {
            (egress, var problem) = await RunEgress.StartAsync(dependencies, egressDependencies, call, evaluation).ConfigureAwait(false);
            if (egress is null)
            {
                return await Denials.CannotStartAsync(recorder, problem!, evaluation).ConfigureAwait(false);
            }
        }

        await using var stopEgress = egress;

        // The directory the call was judged and asked about, held from here until the command has started: a path
        // that another command re-pointed through a link while the human decided must not move the run elsewhere.
        if (!PinnedWorkingDirectory.TryPin(request.WorkingDirectory, out var pinnedDirectory, out var moved))
        {
            return await Denials.CannotStartAsync(recorder, moved, evaluation).ConfigureAwait(false);
        }

        using var workingDirectory = pinnedDirectory;
        var settings = dependencies.Settings;
        SandboxedCommand wrapped;
        try
        {
            wrapped = sandbox.Wrap(new SandboxInvocation(
                ResourceLimitCommand.Argv(request.CommandLine, dependencies.Limits.ShellLimits),
                request.WorkingDirectory,
                settings.Sandbox,
                settings.Workspace,
                settings.WritableRoots,
                settings.Network && egress is null,
                CommandEnvironment(request)) { Limits = settings.Limits, EgressSocketPath = egress?.SocketPath });
        }
#pragma warning disable CA1031 // A sandbox that cannot prepare (no temporary directory, an unusable path) means the command cannot start.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return await Denials.CannotStartAsync(recorder, "The sandbox could not be prepared: " + exception.Message, evaluation).ConfigureAwait(false);
        }

        SandboxMode? reportedSandbox = sandbox.Backend == SandboxBackendKind.None ? null : settings.Sandbox;
        var repositoriesBefore = RepositorySnapshot.BeforeWritableRun(sandbox.Backend, settings.Sandbox, settings.Workspace, settings.WritableRoots, wrapped.Repositories);

        ExecutionResult execution;
        try
        {
            if (!await recorder.StartedAsync(reportedSandbox, sandbox.Backend).ConfigureAwait(false))
            {
                return Denials.AuditUnavailable(recorder, evaluation);
            }

            using var cpuWatch = new CancellationTokenSource();
            var watching = cgroup?.WatchCpuAsync(cpuWatch.Token) ?? Task.CompletedTask;
            execution = await dependencies.Runner.RunAsync(
                new ExecutionSpec(cgroup?.Enter(wrapped.Argv) ?? wrapped.Argv, workingDirectory.StartPath, wrapped.Environment, request.Timeout, dependencies.OutputCapBytes)
                {
                    TimeoutClock = egress?.Timeout,
                },
                call.Observer,
                call.Cancellation).ConfigureAwait(false);
            await cpuWatch.CancelAsync().ConfigureAwait(false);
            await watching.ConfigureAwait(false);
        }
        finally
        {
            // The run's network ends with its processes, before its end is recorded: no decision comes after it.
            if (egress is not null)
            {
                await egress.StopAsync().ConfigureAwait(false);
            }

            // What the sandbox prepared for this run (Landlock's fresh TMPDIR) goes once the run's processes are gone.
            wrapped.Cleanup?.Invoke();
        }

        var sandboxDenied = execution.Outcome == ExecutionOutcome.Exited && sandbox.LooksDenied(execution);
        var (status, message) = execution.Outcome switch
        {
            ExecutionOutcome.Exited => (ShellStatus.Completed, sandboxDenied ? "The sandbox appears to have denied this command." : null),
            ExecutionOutcome.TimedOut => (ShellStatus.TimedOut, $"The command timed out after {(long)request.Timeout.TotalMilliseconds} ms and was killed, with every process it started."),
            ExecutionOutcome.Cancelled => (ShellStatus.Denied, "The call was cancelled; the command was killed."),
            _ => (ShellStatus.FailedToStart, "The command could not start: " + execution.StartError),
        };
        var repositories = repositoriesBefore?.CompareWithNow() is { IsEmpty: false } report ? report : null;
        message = Join(message, cgroup?.Report());
        message = Join(message, repositories?.Render(settings.Workspace));
        if (!await recorder.FinishedAsync(status, execution, reportedSandbox, sandboxDenied, repositories).ConfigureAwait(false))
        {
            // The command has run and cannot be unrun; its start is in the log. What the log lacks, the caller hears of
            // (under Landlock another call's command can hold the writers' lock past the deadline).
            message = Join(message, Denials.FinishUnrecorded);
        }

        return new ShellResult(
            status,
            execution.ExitCode,
            execution.Stdout,
            execution.Stderr,
            execution.Duration,
            reportedSandbox,
            sandbox.Backend,
            approval,
            message,
            evaluation,
            sandboxDenied,
            recorder.Head)
        {
            Repositories = repositories,
            Network = egress?.Gate.Decisions,
            NetworkRefused = egress?.Gate.AnyRefused ?? false,
        };
    }

    // The allow-listed environment the command gets, with PWD where it starts.
    private Dictionary<string, string> CommandEnvironment(ExecRequest request) =>
        new(commandEnvironment, StringComparer.Ordinal)
        {
            ["PWD"] = request.WorkingDirectory,
        };

    private static string? Join(string? message, string? more) =>
        more is null ? message : message is null ? more : message + " " + more;
}
