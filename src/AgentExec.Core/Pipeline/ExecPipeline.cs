using AgentExec.Core.Approval;
using AgentExec.Core.Assessment;
using AgentExec.Core.Execution;
using AgentExec.Core.Policy;
using AgentExec.Core.Sandbox;
using AgentExec.Core.Telemetry;
using AgentExec.Core.Text;

namespace AgentExec.Core.Pipeline;

/// <summary>
/// The one pipeline both front ends call, from "command arrives" to "result and audit record": receive, judge, approve,
/// run, and — when the sandbox denied and the policy offers it — judge, approve and run a retry without the sandbox.
/// Each step is its own unit; this class only composes them, carrying out what the evaluation decided.
/// </summary>
/// <remarks>
/// Fails closed everywhere: an exception in the channel, an unwritable audit event, a missing sandbox or a
/// cancelled call all end in a result that says the command did not run, with the reason code.
/// </remarks>
public sealed class ExecPipeline
{
    /// <summary>The longest sandbox failure text put in a retry question: 2 KiB (SPEC.md).</summary>
    public const int SandboxFailureMaxBytes = 2048;

    private readonly PolicyStep _judge;
    private readonly AssessmentStep _assessment;
    private readonly ApprovalStep _approval;
    private readonly RunStep _run;

    /// <summary>Builds the pipeline and its steps from one set of dependencies.</summary>
    public ExecPipeline(PipelineDependencies dependencies)
    {
        Dependencies = dependencies;

        // The environment every command gets: the judge reads its HOME and PATH, the run passes it on. The host's
        // environment and the settings never change, so it is composed once.
        var commandEnvironment = ChildEnvironment.Build(dependencies.HostEnvironment, dependencies.Settings.Env);
        _judge = new PolicyStep(dependencies, commandEnvironment);
        _assessment = new AssessmentStep(dependencies);
        _approval = new ApprovalStep(dependencies, _assessment);
        _run = new RunStep(dependencies, commandEnvironment);
    }

    /// <summary>The dependencies the pipeline was built from.</summary>
    public PipelineDependencies Dependencies { get; }

    /// <summary>Judges a request without running anything (for <c>check</c> and the first step of <see cref="ExecuteAsync"/>).</summary>
    public PolicyEvaluation Evaluate(ExecRequest request) => _judge.Evaluate(request);

    /// <summary>What the risk assessor is told about a request (for <c>agentexec assess</c>).</summary>
    public AssessmentRequest CreateAssessmentRequest(ExecRequest request, EscalationKind escalation, string? sandboxFailure) =>
        _assessment.CreateRequest(request, escalation, sandboxFailure);

    /// <summary>Runs one request through the whole pipeline. Never throws for anything the command or the human does.</summary>
    public async Task<ShellResult> ExecuteAsync(ExecRequest request, IApprovalChannel channel, IOutputObserver? observer, CancellationToken cancellationToken)
    {
        using var telemetry = CallTelemetry.Start(request, Dependencies.Settings, Dependencies.TimeProvider);
        var call = new PipelineCall(request, Recorder(request.CallId), telemetry, channel, observer, cancellationToken);
        return telemetry.Finish(await ExecuteCallAsync(call).ConfigureAwait(false));
    }

    /// <summary>
    /// Records input a front end could not turn into a request (SPEC.md: invalid input is audited, and its result
    /// carries the audit head) and returns the <c>failed_to_start</c> result naming the field.
    /// </summary>
    /// <param name="callId">The front end's id for the call.</param>
    /// <param name="commandLine">The command, when one was given as a string.</param>
    /// <param name="error">What was wrong, naming the field in the front end's own words.</param>
    public Task<ShellResult> RejectAsync(string callId, string? commandLine, string error) =>
        RequestIntake.RejectAsync(Recorder(callId), commandLine, error);

    /// <summary>
    /// Records a call that carried an answer matching no open question of its own (SPEC.md "Protocol generations": a
    /// retry whose state is unknown or expired, or whose arguments differ from the call that was asked about) and
    /// returns its denial. The request is recorded as it arrived; nothing is judged or run.
    /// </summary>
    /// <param name="request">The call that carried the answer, validated like any call.</param>
    /// <param name="why">Which way it failed to match.</param>
    public async Task<ShellResult> RefuseUnmatchedAnswerAsync(ExecRequest request, UnmatchedAnswer why)
    {
        ArgumentNullException.ThrowIfNull(request);
        var recorder = Recorder(request.CallId);
        if (!await recorder.ReceivedAsync(request).ConfigureAwait(false))
        {
            return Denials.AuditUnavailable(recorder, null);
        }

        return await Denials.UnmatchedAnswerAsync(recorder, why).ConfigureAwait(false);
    }

    private async Task<ShellResult> ExecuteCallAsync(PipelineCall call)
    {
        // Receive: recorded before anything else, then the working directory resolved to where it really is.
        var (request, ended) = await RequestIntake.ReceiveAsync(call.Recorder, call.Request).ConfigureAwait(false);
        if (request is null)
        {
            return ended!;
        }

        call = call with { Request = request };

        // Judge: the evaluation decides what happens; it is recorded before it is carried out.
        var evaluation = _judge.Evaluate(request);
        if (!await call.Recorder.DecidedAsync(evaluation).ConfigureAwait(false))
        {
            return Denials.AuditUnavailable(call.Recorder, evaluation);
        }

        if (evaluation.First.Where == Confinement.Sandboxed && !Dependencies.Sandbox.IsAvailable)
        {
            return await Denials.SandboxUnavailableAsync(call.Recorder, Dependencies.Sandbox, evaluation).ConfigureAwait(false);
        }

        // Approve: nobody, a rule, or a human, as the evaluation says.
        var approval = await _approval.ApproveAsync(call, evaluation, sandboxFailure: null).ConfigureAwait(false);
        if (approval is { IsApproved: false })
        {
            return await Denials.NotApprovedAsync(call.Recorder, approval, evaluation).ConfigureAwait(false);
        }

        // Run.
        var first = await _run.RunAsync(call, evaluation.First, approval, evaluation).ConfigureAwait(false);

        // SPEC.md "Elicitation": a refusal by the network allow-list never offers a retry without the sandbox — the run
        // failed at a destination the human or the lists refused, not at the sandbox, and the retry would have the
        // whole network.
        if (!first.SandboxDenied || first.NetworkRefused || _judge.EvaluateRetry(request, evaluation) is not { } retry)
        {
            return first;
        }

        // Retry (SPEC.md step 5): judged and recorded again, then a second, separate question; approving the sandboxed
        // run did not approve this one.
        if (!await call.Recorder.DecidedAsync(retry).ConfigureAwait(false))
        {
            return await Denials.RetryNotApprovedAsync(call.Recorder, first, ApprovalOutcome.DeniedByPolicy(ApprovalReason.AuditUnavailable), evaluation).ConfigureAwait(false);
        }

        var failure = UntrustedText.TruncateUtf8(first.Stderr.Text.Length > 0 ? first.Stderr.Text : first.Stdout.Text, SandboxFailureMaxBytes);
        // A retry always asks or is forbidden, so an approval is always there; were it ever missing, nobody approved the
        // unsandboxed run, and it does not happen.
        var retryApproval = await _approval.ApproveAsync(call, retry, failure).ConfigureAwait(false);
        if (retryApproval is not { IsApproved: true })
        {
            return await Denials.RetryNotApprovedAsync(call.Recorder, first, retryApproval ?? ApprovalOutcome.DeniedByPolicy(ApprovalReason.PolicyNever), evaluation).ConfigureAwait(false);
        }

        // The unsandboxed retry has no proxy; the destinations the sandboxed attempt asked for stay in the call's result.
        var retried = await _run.RunAsync(call, retry.First, retryApproval, evaluation).ConfigureAwait(false);
        return first.Network is null ? retried : retried with { Network = first.Network };
    }

    private CallRecorder Recorder(string callId) => new(Dependencies.AuditLog, callId, Dependencies.Logger);
}
