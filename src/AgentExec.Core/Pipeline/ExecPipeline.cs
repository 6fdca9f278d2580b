using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AgentExec.Core.Approval;
using AgentExec.Core.Assessment;
using AgentExec.Core.Audit;
using AgentExec.Core.Commands;
using AgentExec.Core.Configuration;
using AgentExec.Core.Credentials;
using AgentExec.Core.Execution;
using AgentExec.Core.Execution.Limits;
using AgentExec.Core.Policy;
using AgentExec.Core.Sandbox;
using AgentExec.Core.Text;

namespace AgentExec.Core.Pipeline;

/// <summary>
/// The one pipeline both front ends call, from "command arrives" to "result and audit record": parse, judge,
/// ask when the policy says so, run in the sandbox, offer an unsandboxed retry when the sandbox denied.
/// </summary>
/// <remarks>
/// Fails closed everywhere: an exception in the channel, an unwritable audit event, a missing sandbox or a
/// cancelled call all end in a result that says the command did not run, with the reason code.
/// </remarks>
public sealed class ExecPipeline(PipelineDependencies dependencies)
{
    /// <summary>The longest sandbox failure text put in a retry question: 2 KiB (SPEC.md).</summary>
    public const int SandboxFailureMaxBytes = 2048;

    private readonly PipelineDependencies _deps = dependencies;

    // The same list bubblewrap hides (SPEC.md step 3a: one list), built once: it reads the settings and the
    // server's environment only.
    private readonly Lazy<CredentialList> _credentials = new(() => CredentialList.ForSettings(dependencies.Settings, dependencies.HostEnvironment));

    /// <summary>The dependencies the pipeline was built from.</summary>
    public PipelineDependencies Dependencies => _deps;

    /// <summary>Judges a request without running anything (for <c>check</c> and the first step of <see cref="ExecuteAsync"/>).</summary>
    public PolicyEvaluation Evaluate(ExecRequest request) =>
        PolicyEvaluator.Evaluate(
            CommandAnalyzer.Analyze(request.CommandLine, AnalysisContextFor(request)),
            _deps.Rules.Current,
            _deps.Settings.ApprovalPolicy,
            request.Escalation);

    // What the known-safe proof needs of this machine: the environment the command will get, everything the agent
    // can write, and whether the sandbox that will run it hides the credential list (bubblewrap does; Landlock, no
    // sandbox and an escalated run do not).
    private AnalysisContext AnalysisContextFor(ExecRequest request)
    {
        var settings = _deps.Settings;
        var environment = ChildEnvironment.Build(_deps.HostEnvironment, settings.Env);
        var home = environment.TryGetValue("HOME", out var homeValue) && homeValue.Length > 0 ? homeValue : null;
        var hidden = request.Escalation == EscalationKind.None
            && settings.Sandbox != SandboxMode.DangerFullAccess
            && _deps.Sandbox.Backend == SandboxBackendKind.Bubblewrap;
        return new AnalysisContext(
            Path.GetFullPath(request.WorkingDirectory),
            home,
            environment.TryGetValue("PATH", out var path) ? path : null,
            [settings.Workspace, .. settings.WritableRoots],
            _credentials.Value.WithHomeDirectory(home),
            hidden);
    }

    /// <summary>Runs one request through the whole pipeline. Never throws for anything the command or the human does.</summary>
    public async Task<ShellResult> ExecuteAsync(ExecRequest request, IApprovalChannel channel, IOutputObserver? observer, CancellationToken cancellationToken)
    {
        using var telemetry = CallTelemetry.Start(request, _deps.Settings, _deps.TimeProvider);
        return telemetry.Finish(await ExecuteCallAsync(request, channel, observer, telemetry, cancellationToken).ConfigureAwait(false));
    }

    private async Task<ShellResult> ExecuteCallAsync(ExecRequest request, IApprovalChannel channel, IOutputObserver? observer, CallTelemetry telemetry, CancellationToken cancellationToken)
    {
        var call = new CallRecorder(_deps.AuditLog, request.CallId, _deps.Logger);
        if (!await call.TryRecordAsync(AuditEventNames.CallReceived, new JsonObject
            {
                ["command"] = request.CommandLine,
                ["cwd"] = request.WorkingDirectory,
                ["timeout_ms"] = (long)request.Timeout.TotalMilliseconds,
                ["justification"] = request.Justification,
                ["escalation"] = request.Escalation.ToCode(),
            }).ConfigureAwait(false))
        {
            return AuditUnavailable(call, null);
        }

        if (!TryResolveDirectory(request.WorkingDirectory, out var cwd, out var directoryError))
        {
            return await DenyAsync(call, ShellStatus.FailedToStart, directoryError, null, null).ConfigureAwait(false);
        }

        request = request with { WorkingDirectory = cwd };
        var evaluation = Evaluate(request);
        if (!await call.TryRecordAsync(AuditEventNames.PolicyDecision, PolicyEvaluationJson.ToJson(evaluation)).ConfigureAwait(false))
        {
            return AuditUnavailable(call, evaluation);
        }

        var runSandboxed = request.Escalation != EscalationKind.RequireEscalated;
        if (runSandboxed && !_deps.Sandbox.IsAvailable)
        {
            return await DenyAsync(
                call,
                ShellStatus.FailedToStart,
                _deps.Sandbox.UnavailableReason ?? "sandbox not available",
                ApprovalOutcome.DeniedByPolicy(ApprovalReason.SandboxUnavailable),
                evaluation).ConfigureAwait(false);
        }

        ApprovalOutcome? approval = null;
        switch (evaluation.Verdict)
        {
            case PolicyVerdict.Forbid:
                var forbidden = new ApprovalOutcome(
                    ApprovalDecision.Denied,
                    evaluation.Reason == ApprovalReason.PolicyNever ? ApprovalSource.Policy : ApprovalSource.Rule,
                    evaluation.Reason ?? ApprovalReason.RuleForbidden,
                    Note: evaluation.RuleJustification);
                return await DenyAsync(call, ShellStatus.Denied, DenialMessage(forbidden, evaluation), forbidden, evaluation).ConfigureAwait(false);

            case PolicyVerdict.Ask:
                approval = telemetry.Decided(await AskAsync(call, telemetry, request, evaluation, request.Escalation, null, channel, cancellationToken).ConfigureAwait(false));
                if (!approval.IsApproved)
                {
                    return await DenyAsync(call, ShellStatus.Denied, DenialMessage(approval, evaluation), approval, evaluation).ConfigureAwait(false);
                }

                break;

            default:
                if (evaluation.AllowedByRule)
                {
                    approval = new ApprovalOutcome(ApprovalDecision.Approved, ApprovalSource.Rule, ApprovalReason.RuleAllow, Note: evaluation.RuleJustification);
                }

                break;
        }

        var first = await RunAttemptAsync(call, request, runSandboxed, approval, evaluation, observer, cancellationToken).ConfigureAwait(false);
        if (!first.SandboxDenied || !OffersRetryWithoutSandbox(_deps.Settings.ApprovalPolicy))
        {
            return first;
        }

        // SPEC.md step 5: a second, separate question. Approving the sandboxed run did not approve this one.
        var failure = UntrustedText.TruncateUtf8(
            first.Stderr.Text.Length > 0 ? first.Stderr.Text : first.Stdout.Text,
            SandboxFailureMaxBytes);
        var retryApproval = telemetry.Decided(await AskAsync(call, telemetry, request, evaluation, EscalationKind.RetryWithoutSandbox, failure, channel, cancellationToken).ConfigureAwait(false));
        if (!retryApproval.IsApproved)
        {
            var message = "The command failed inside the sandbox and its output looks like the sandbox blocked it; running it without the sandbox was not approved ("
                + retryApproval.Reason.ToCode() + "). " + DenialMessage(retryApproval, evaluation);
            await call.TryRecordAsync(AuditEventNames.Denial, DenialFields(message, retryApproval)).ConfigureAwait(false);
            return first with { Status = ShellStatus.Denied, Approval = retryApproval, Message = message, AuditHead = call.Head };
        }

        return await RunAttemptAsync(call, request, sandboxed: false, retryApproval, evaluation, observer, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ApprovalOutcome> AskAsync(
        CallRecorder call,
        CallTelemetry telemetry,
        ExecRequest request,
        PolicyEvaluation evaluation,
        EscalationKind escalation,
        string? sandboxFailure,
        IApprovalChannel channel,
        CancellationToken cancellationToken)
    {
        // SPEC.md "Policy": before any question, never or a client that cannot elicit deny at once (no LLM
        // call); then the session cache; then the risk assessment; then the question.
        if (_deps.Settings.ApprovalPolicy == ApprovalPolicy.Never)
        {
            return ApprovalOutcome.DeniedByPolicy(ApprovalReason.PolicyNever);
        }

        if (!channel.CanAsk)
        {
            return ApprovalOutcome.DeniedByChannel(channel.CannotAskReason);
        }

        var key = new SessionApprovalKey(request.CommandLine, request.WorkingDirectory, _deps.Settings.Sandbox, escalation);
        if (escalation != EscalationKind.RetryWithoutSandbox && _deps.SessionApprovals.Covers(key))
        {
            var cached = new ApprovalOutcome(ApprovalDecision.ApprovedForSession, ApprovalSource.Session, ApprovalReason.SessionCache);
            return await RecordAnswerAsync(call, cached, null).ConfigureAwait(false);
        }

        using var place = _deps.PendingQuestions.TryEnter();
        if (place is null)
        {
            return ApprovalOutcome.DeniedByChannel(ApprovalReason.TooManyPending);
        }

        var assessment = await AssessAsync(call, telemetry, CreateAssessmentRequest(request, escalation, sandboxFailure), cancellationToken).ConfigureAwait(false);
        var question = new ApprovalQuestion(
            NewApprovalId(),
            request.CallId,
            request.CommandLine,
            ["bash", "-c", request.CommandLine],
            request.WorkingDirectory,
            request.Justification,
            _deps.Settings.Sandbox,
            _deps.Sandbox.Backend,
            escalation,
            sandboxFailure,
            assessment.Risk,
            escalation == EscalationKind.RetryWithoutSandbox ? [ApprovalMessage.RetryReason] : evaluation.Explanation,
            evaluation.Analysis.Parts,
            evaluation.Analysis.UnknownReason,
            request.Timeout);

        if (!await call.TryRecordAsync(AuditEventNames.ElicitationSent, new JsonObject
            {
                ["approval_id"] = question.ApprovalId,
                ["escalation"] = escalation.ToCode(),
                ["message"] = ApprovalMessage.Render(question),
            }).ConfigureAwait(false))
        {
            return ApprovalOutcome.DeniedByChannel(ApprovalReason.AuditUnavailable);
        }

        ApprovalOutcome answer;
        telemetry.QuestionSent();
        try
        {
            answer = await channel.AskAsync(question, _deps.Settings.ApprovalTimeout, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The channel must never throw; if one does, that is a failed answer, so deny.
        catch (Exception)
#pragma warning restore CA1031
        {
            answer = ApprovalOutcome.DeniedByChannel(cancellationToken.IsCancellationRequested ? ApprovalReason.CallCancelled : ApprovalReason.ClientError);
        }

        telemetry.AnswerReceived();

        if (escalation == EscalationKind.RetryWithoutSandbox && answer.Decision == ApprovalDecision.ApprovedForSession)
        {
            // The retry question offers only "once"; a "session" answer is accepted as once (SPEC.md "Elicitation").
            answer = answer with { Decision = ApprovalDecision.Approved };
        }

        if (answer.IsApproved && cancellationToken.IsCancellationRequested)
        {
            // A cancelled call never runs afterwards, whatever the answer.
            answer = ApprovalOutcome.DeniedByChannel(ApprovalReason.CallCancelled, answer.AnswerShape);
        }

        answer = answer with { Risk = assessment.Risk };
        if (answer.Decision == ApprovalDecision.ApprovedForSession)
        {
            _deps.SessionApprovals.Remember(key);
        }

        return await RecordAnswerAsync(call, answer, question.ApprovalId).ConfigureAwait(false);
    }

    private static async Task<ApprovalOutcome> RecordAnswerAsync(CallRecorder call, ApprovalOutcome answer, string? approvalId)
    {
        var recorded = await call.TryRecordAsync(AuditEventNames.Answer, new JsonObject
        {
            ["approval_id"] = approvalId,
            ["decision"] = answer.Decision.ToCode(),
            ["source"] = answer.Source.ToCode(),
            ["reason"] = answer.Reason.ToCode(),
            ["note"] = answer.Note,
            ["answer_shape"] = answer.AnswerShape,
        }).ConfigureAwait(false);
        return recorded || !answer.IsApproved
            ? answer
            : ApprovalOutcome.DeniedByChannel(ApprovalReason.AuditUnavailable, answer.AnswerShape);
    }

    /// <summary>What the risk assessor is told about a request (for <c>agentexec assess</c> and the question's assessment).</summary>
    /// <param name="request">The request, its working directory already resolved.</param>
    /// <param name="escalation">What the question asks beyond a sandboxed run.</param>
    /// <param name="sandboxFailure">For a retry: what the sandboxed attempt printed (already cut to 2 KiB).</param>
    /// <returns>The assessment request.</returns>
    public AssessmentRequest CreateAssessmentRequest(ExecRequest request, EscalationKind escalation, string? sandboxFailure) =>
        new(
            request.CommandLine,
            ["bash", "-c", request.CommandLine],
            request.WorkingDirectory,
            _deps.Settings.Sandbox,
            WritableRoots(),
            request.Justification,
            sandboxFailure,
            escalation,
            _deps.Settings.Network);

    private async Task<AssessmentResult> AssessAsync(CallRecorder call, CallTelemetry telemetry, AssessmentRequest assessmentRequest, CancellationToken cancellationToken)
    {
        AssessmentResult result;
        try
        {
            result = await _deps.Assessor.AssessAsync(assessmentRequest, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Advisory only: a failing assessor means "ask without a risk".
        catch (Exception exception)
#pragma warning restore CA1031
        {
            result = new AssessmentResult(AssessmentStatus.ModelError, null, TimeSpan.Zero, exception.GetType().Name);
        }

        telemetry.Assessed(result);

        if (result.Status != AssessmentStatus.Disabled)
        {
            await call.TryRecordAsync(AuditEventNames.Assessment, new JsonObject
            {
                ["status"] = result.Status.ToCode(),
                ["latency_ms"] = (long)result.Latency.TotalMilliseconds,
                ["risk_level"] = result.Risk?.LevelCode,
                ["risk_category"] = result.Risk?.Category,
                ["detail"] = result.Detail,
            }).ConfigureAwait(false);
        }

        return result;
    }

    private async Task<ShellResult> RunAttemptAsync(
        CallRecorder call,
        ExecRequest request,
        bool sandboxed,
        ApprovalOutcome? approval,
        PolicyEvaluation evaluation,
        IOutputObserver? observer,
        CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            var cancelled = ApprovalOutcome.DeniedByChannel(ApprovalReason.CallCancelled);
            return await DenyAsync(call, ShellStatus.Denied, "The call was cancelled before the command started; it did not run.", cancelled, evaluation).ConfigureAwait(false);
        }

        var sandbox = sandboxed ? _deps.Sandbox.Sandbox : NoSandbox.Instance;
        if (sandbox is null)
        {
            var unavailable = ApprovalOutcome.DeniedByPolicy(ApprovalReason.SandboxUnavailable);
            return await DenyAsync(call, ShellStatus.FailedToStart, _deps.Sandbox.UnavailableReason ?? "sandbox not available", unavailable, evaluation).ConfigureAwait(false);
        }

        var settings = _deps.Settings;
        var environment = new Dictionary<string, string>(ChildEnvironment.Build(_deps.HostEnvironment, settings.Env), StringComparer.Ordinal)
        {
            ["PWD"] = request.WorkingDirectory,
        };
        CommandCgroup? cgroup;
        try
        {
            cgroup = _deps.Limits.CreateCommandCgroup();
        }
        catch (CgroupSetupException exception)
        {
            var unavailable = ApprovalOutcome.DeniedByPolicy(ApprovalReason.SandboxUnavailable);
            return await DenyAsync(call, ShellStatus.FailedToStart, "The resource limits could not be set up, so the command was not run: " + exception.Message, unavailable, evaluation).ConfigureAwait(false);
        }

        using var limitedCgroup = cgroup;
        SandboxedCommand wrapped;
        try
        {
            wrapped = sandbox.Wrap(new SandboxInvocation(
                ResourceLimitCommand.Argv(request.CommandLine, _deps.Limits.ShellLimits),
                request.WorkingDirectory,
                settings.Sandbox,
                settings.Workspace,
                settings.WritableRoots,
                settings.Network,
                environment) { Limits = settings.Limits });
        }
#pragma warning disable CA1031 // A sandbox that cannot prepare (no temporary directory, an unusable path) means the command cannot start.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            var unavailable = ApprovalOutcome.DeniedByPolicy(ApprovalReason.SandboxUnavailable);
            return await DenyAsync(call, ShellStatus.FailedToStart, "The sandbox could not be prepared: " + exception.Message, unavailable, evaluation).ConfigureAwait(false);
        }

        SandboxMode? reportedSandbox = sandbox.Backend == SandboxBackendKind.None ? null : settings.Sandbox;
        var repositoriesBefore = RepositorySnapshot.BeforeWritableRun(sandbox.Backend, settings.Sandbox, settings.Workspace, settings.WritableRoots, wrapped.Repositories);

        ExecutionResult execution;
        try
        {
            if (!await call.TryRecordAsync(AuditEventNames.ExecutionStarted, new JsonObject
                {
                    ["sandbox"] = reportedSandbox?.ToCode() ?? "none",
                    ["sandbox_backend"] = sandbox.Backend.ToCode(),
                }).ConfigureAwait(false))
            {
                return AuditUnavailable(call, evaluation);
            }

            using var cpuWatch = new CancellationTokenSource();
            var watching = cgroup?.WatchCpuAsync(cpuWatch.Token) ?? Task.CompletedTask;
            execution = await _deps.Runner.RunAsync(
                new ExecutionSpec(cgroup?.Enter(wrapped.Argv) ?? wrapped.Argv, request.WorkingDirectory, wrapped.Environment, request.Timeout, _deps.OutputCapBytes),
                observer,
                cancellationToken).ConfigureAwait(false);
            await cpuWatch.CancelAsync().ConfigureAwait(false);
            await watching.ConfigureAwait(false);
        }
        finally
        {
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
        if (cgroup?.Report() is { } limitsReached)
        {
            message = message is null ? limitsReached : message + " " + limitsReached;
        }
        var repositories = repositoriesBefore?.CompareWithNow() is { IsEmpty: false } report ? report : null;
        message = repositories is null ? message : (message is null ? string.Empty : message + " ") + repositories.Render(settings.Workspace);

        var finished = new JsonObject
        {
            ["outcome"] = status switch
            {
                ShellStatus.Completed => "completed",
                ShellStatus.TimedOut => "timed_out",
                ShellStatus.FailedToStart => "failed_to_start",
                _ => "cancelled",
            },
            ["exit_code"] = execution.ExitCode,
            ["duration_ms"] = (long)execution.Duration.TotalMilliseconds,
            ["sandbox"] = reportedSandbox?.ToCode() ?? "none",
            ["sandbox_denied"] = sandboxDenied,
            ["truncated"] = execution.Truncated,
            ["stdout_bytes"] = execution.Stdout.TotalBytes,
            ["stderr_bytes"] = execution.Stderr.TotalBytes,
        };
        repositories?.AddTo(finished);
        if (!await call.TryRecordAsync(AuditEventNames.ExecutionFinished, finished).ConfigureAwait(false))
        {
            // The command has run and cannot be unrun; its start is in the log. What the log lacks, the caller hears of
            // (under Landlock another call's command can hold the writers' lock past the deadline).
            message = (message is null ? string.Empty : message + " ") + FinishUnrecorded;
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
            call.Head)
        {
            Repositories = repositories,
        };
    }

    private static async Task<ShellResult> DenyAsync(CallRecorder call, ShellStatus status, string message, ApprovalOutcome? approval, PolicyEvaluation? evaluation)
    {
        await call.TryRecordAsync(AuditEventNames.Denial, DenialFields(message, approval)).ConfigureAwait(false);
        return ShellResult.NotRun(status, message, approval, evaluation) with { AuditHead = call.Head };
    }

    /// <summary>Said in the result when a command ran but its <c>execution_finished</c> event could not be written.</summary>
    internal const string FinishUnrecorded = "The audit log could not record how this command ended (audit_unavailable); its start is recorded.";

    private static ShellResult AuditUnavailable(CallRecorder call, PolicyEvaluation? evaluation) =>
        ShellResult.NotRun(
            ShellStatus.Denied,
            "The audit log could not be written, so the command was not run (audit_unavailable).",
            ApprovalOutcome.DeniedByPolicy(ApprovalReason.AuditUnavailable),
            evaluation) with { AuditHead = call.Head };

    private static JsonObject DenialFields(string message, ApprovalOutcome? approval) => new()
    {
        ["reason"] = approval?.Reason.ToCode(),
        ["decision"] = approval?.Decision.ToCode(),
        ["message"] = message,
    };

    private static string DenialMessage(ApprovalOutcome outcome, PolicyEvaluation evaluation)
    {
        var why = outcome.Reason switch
        {
            ApprovalReason.RuleForbidden => "A forbidden rule matches this command.",
            ApprovalReason.PolicyNever => "The approval policy is never, and this command would need a human's approval.",
            ApprovalReason.UserDeclined => "The user declined to run this command.",
            ApprovalReason.UserCancelled => "The user aborted. Stop, and wait for the user's instructions before doing anything else.",
            ApprovalReason.MalformedResponse => "The approval answer was malformed, so the command was denied.",
            ApprovalReason.ClientError => "The client answered the approval request with an error, so the command was denied.",
            ApprovalReason.NoResponse => "Nobody answered the approval request (no answer in time, or no terminal to ask on), so the command was denied.",
            ApprovalReason.Disconnected => "The client disconnected while the approval was pending; the command did not run.",
            ApprovalReason.CallCancelled => "The call was cancelled while the approval was pending; the command did not run.",
            ApprovalReason.ClientCannotElicit => "This command needs a human's approval, but the client cannot ask (no elicitation support).",
            ApprovalReason.TooManyPending => "Too many approval requests are already waiting; try again later.",
            ApprovalReason.AuditUnavailable => "The audit log could not be written, so the command was not run.",
            ApprovalReason.SandboxUnavailable => "The sandbox is not available.",
            _ => "The command was denied.",
        };

        if (outcome.Decision == ApprovalDecision.Abort && outcome.Reason != ApprovalReason.UserCancelled)
        {
            why += " The user aborted: stop, and wait for the user's instructions before doing anything else.";
        }

        var justification = evaluation.RuleJustification;
        return justification is null ? why : $"{why} Rule: {justification}";
    }

    private static bool OffersRetryWithoutSandbox(ApprovalPolicy policy) =>
        policy is ApprovalPolicy.OnFailure or ApprovalPolicy.Untrusted;

    private IReadOnlyList<string> WritableRoots() => _deps.Settings.Sandbox switch
    {
        SandboxMode.ReadOnly => [],
        SandboxMode.WorkspaceWrite => [_deps.Settings.Workspace, .. _deps.Settings.WritableRoots],
        _ => ["/"],
    };

    // The real path: the session-cache key and the sandbox must see where the directory really is.
    private static bool TryResolveDirectory(string path, out string resolved, out string error)
    {
        error = string.Empty;
        if (!RealPath.TryResolve(path, out var real, out var exists) || !exists || !Directory.Exists(real))
        {
            resolved = path;
            error = $"workdir: not an existing directory: {UntrustedText.Escape(path)}";
            return false;
        }

        resolved = real;
        return true;
    }

    private static string NewApprovalId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
