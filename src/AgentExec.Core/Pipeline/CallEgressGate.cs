using System.Collections.Concurrent;
using System.Net;
using AgentExec.Core.Approval;
using AgentExec.Core.Audit;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Network;
using AgentExec.Core.Pipeline.AuditRecords;
using AgentExec.Core.Policy;

namespace AgentExec.Core.Pipeline;

/// <summary>
/// The egress gate of one sandboxed run (SPEC.md "Network allow-list"): the lists' verdict, then a session approval of
/// the <c>host:port</c>, then — unless the policy is <c>never</c> or nobody can be asked — a question through the call's
/// approval channel, one at a time, with the command's timeout paused while it is open. Every decision is a
/// <c>network_decision</c> audit event, a line of the result's <c>network</c> list and a span event.
/// </summary>
/// <remarks>
/// <para>
/// Fails closed: an exception, a verdict of an unknown shape, a channel that throws or answers oddly, an audit event
/// that cannot be written, or the end of the run all refuse the connection, with the reason in the refusal message
/// the command sees. <see cref="DecideAsync"/> never throws.
/// </para>
/// <para>
/// The command decides when and how often it connects, so it decides when questions are put: once a question of this
/// call went unanswered (timeout, disconnect, cancellation, no channel) or was aborted, later destinations are refused
/// without asking. Together with the one-question-at-a-time rule and the approval timeout that bounds each question
/// (and so each pause of the command's timeout), an unattended command cannot stretch its run with questions nobody
/// reads.
/// </para>
/// </remarks>
internal sealed class CallEgressGate : IEgressGate, IDisposable
{
    /// <summary>How many distinct <c>{host, port, decision}</c> entries the result lists; the audit log keeps them all.</summary>
    public const int MaxListedDecisions = 256;

    private readonly PipelineDependencies _dependencies;
    private readonly PipelineEgress _egress;
    private readonly PipelineCall _call;
    private readonly PolicyEvaluation _evaluation;
    private readonly PausableTimeout _timeout;
    private readonly SemaphoreSlim _oneQuestion = new(1, 1);
    private readonly CancellationTokenSource _ended;
    private readonly Lock _listLock = new();
    private readonly List<NetworkDecision> _decisions = [];
    private readonly HashSet<NetworkDecision> _listed = [];
    private volatile bool _stopAsking;

    // The destinations the human declined in this run: asked again, a command looping on one would put the same
    // question over and over, each pausing its timeout, until the human gave in.
    private readonly ConcurrentDictionary<NetworkTarget, bool> _declined = new();
    private volatile bool _anyRefused;

    /// <summary>Creates the gate of one run.</summary>
    /// <param name="dependencies">The pipeline's dependencies (settings, the pending-question limit).</param>
    /// <param name="egress">The lists' check and the session's network approvals.</param>
    /// <param name="call">The call: its channel, recorder, telemetry and cancellation.</param>
    /// <param name="evaluation">The call's evaluation, whose parsed command a question summarises.</param>
    /// <param name="timeout">The run's timeout, paused while a question is open.</param>
    public CallEgressGate(PipelineDependencies dependencies, PipelineEgress egress, PipelineCall call, PolicyEvaluation evaluation, PausableTimeout timeout)
    {
        _dependencies = dependencies;
        _egress = egress;
        _call = call;
        _evaluation = evaluation;
        _timeout = timeout;
        _ended = CancellationTokenSource.CreateLinkedTokenSource(call.Cancellation);
    }

    /// <summary>The distinct decisions so far, in the order they were first made (at most <see cref="MaxListedDecisions"/>).</summary>
    public IReadOnlyList<NetworkDecision> Decisions
    {
        get
        {
            lock (_listLock)
            {
                return _decisions.ToArray();
            }
        }
    }

    /// <summary>True once any destination of this run was refused.</summary>
    public bool AnyRefused => _anyRefused;

    /// <summary>Ends the run's gate: open and waiting questions end, and every later destination is refused.</summary>
    public void Close()
    {
        try
        {
            _ended.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already disposed: nothing can be waiting.
        }
    }

    /// <inheritdoc />
    public async Task<EgressPermit> DecideAsync(NetworkTarget target, EgressRequestKind kind, CancellationToken cancellationToken)
    {
        try
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _ended.Token);
            return await DecideCoreAsync(target, kind, wait.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The gate must never throw (IEgressGate's contract): anything unexpected refuses.
        catch (Exception)
#pragma warning restore CA1031
        {
            return EgressPermit.Refuse(RefusalMessage(target, NetworkDecisionSources.Protocol, "AgentExec could not decide about it (an internal error)"));
        }
    }

    /// <inheritdoc />
    public async Task RecordRefusalAsync(NetworkTarget target, EgressRequestKind kind, string reason)
    {
        try
        {
            _ = await RefuseAsync(target, kind, NetworkDecisionSources.Protocol, reason).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // IEgressGate's contract: never throws; the proxy closes the connection either way.
        catch (Exception)
#pragma warning restore CA1031
        {
            // The audit recorder reports its own failures; nothing more can be done for a connection already closed.
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _ended.Dispose();
        _oneQuestion.Dispose();
    }

    private async Task<EgressPermit> DecideCoreAsync(NetworkTarget target, EgressRequestKind kind, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return await RefuseAsync(target, kind, NetworkDecisionSources.NoAnswer, "the command's run has ended").ConfigureAwait(false);
        }

        // On neither list, with no session answer and nobody to ask: refused before the name is looked up, since the
        // lookup could change nothing and an agent-chosen name sent to DNS is a way out of its own.
        if (!_egress.Rules.IsListed(target) && !_egress.SessionApprovals.Covers(target) && WithoutAsking(target) is { } sure)
        {
            return await DecideWithoutAskingAsync(target, kind, [], sure).ConfigureAwait(false);
        }

        NetworkVerdict? verdict;
        try
        {
            verdict = await _egress.Rules.CheckAsync(target, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // INetworkRuleCheck must not throw either; if it does, nothing was checked, so refuse.
        catch (Exception)
#pragma warning restore CA1031
        {
            return await RefuseAsync(target, kind, NetworkDecisionSources.Protocol, "the network check failed").ConfigureAwait(false);
        }

        return verdict switch
        {
            { Kind: NetworkVerdictKind.Refused, Source: { } source, Reason: { } reason } =>
                await RefuseAsync(target, kind, source, reason).ConfigureAwait(false),
            { Kind: NetworkVerdictKind.Allowed, Source: { } source, Reason: { } reason, Addresses: { Count: > 0 } addresses } =>
                await AllowAsync(target, kind, source, reason, addresses, null, null).ConfigureAwait(false),
            { Kind: NetworkVerdictKind.Ask, Reason: { } reason, Addresses: { Count: > 0 } addresses } =>
                await AskAsync(target, kind, reason, addresses, cancellationToken).ConfigureAwait(false),

            // No verdict, an unknown kind, or an allowing verdict without an address the check looked at.
            _ => await RefuseAsync(target, kind, NetworkDecisionSources.Protocol, "the network check gave no usable verdict").ConfigureAwait(false),
        };
    }

    // SPEC.md: a session approval of this host:port; else never/no channel refuse; else one question at a time.
    private async Task<EgressPermit> AskAsync(NetworkTarget target, EgressRequestKind kind, string why, IReadOnlyList<IPAddress> addresses, CancellationToken cancellationToken)
    {
        if (WithoutAsking(target) is { } early)
        {
            return await DecideWithoutAskingAsync(target, kind, addresses, early).ConfigureAwait(false);
        }

        try
        {
            await _oneQuestion.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return await RefuseAsync(target, kind, NetworkDecisionSources.NoAnswer, "the command's run ended while the connection waited for its question", ApprovalReason.CallCancelled).ConfigureAwait(false);
        }

        try
        {
            // Its turn has come: an answer given meanwhile (a session approval, nobody answering) decides it.
            if (WithoutAsking(target) is { } meanwhile)
            {
                return await DecideWithoutAskingAsync(target, kind, addresses, meanwhile).ConfigureAwait(false);
            }

            return await PutQuestionAsync(target, kind, why, addresses, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _oneQuestion.Release();
        }
    }

    // What decides a destination before any question, or null when a human must be asked.
    private ApprovalOutcome? WithoutAsking(NetworkTarget target)
    {
        if (_egress.SessionApprovals.Covers(target))
        {
            return new ApprovalOutcome(ApprovalDecision.ApprovedForSession, ApprovalSource.Session, ApprovalReason.SessionCache);
        }

        if (_dependencies.Settings.ApprovalPolicy == ApprovalPolicy.Never)
        {
            return ApprovalOutcome.DeniedByPolicy(ApprovalReason.PolicyNever);
        }

        if (!_call.Channel.CanAsk)
        {
            return ApprovalOutcome.DeniedByChannel(_call.Channel.CannotAskReason);
        }

        if (_declined.ContainsKey(target))
        {
            return ApprovalOutcome.DeniedByChannel(ApprovalReason.UserDeclined);
        }

        return _stopAsking ? ApprovalOutcome.DeniedByChannel(ApprovalReason.NoResponse) : null;
    }

    private Task<EgressPermit> DecideWithoutAskingAsync(NetworkTarget target, EgressRequestKind kind, IReadOnlyList<IPAddress> addresses, ApprovalOutcome outcome) =>
        outcome.Source == ApprovalSource.Session
            ? AllowAsync(target, kind, NetworkDecisionSources.Session, "approved for the session by an earlier answer", addresses, outcome.Reason, null)
            : RefuseAsync(
                target,
                kind,
                outcome.Reason == ApprovalReason.UserDeclined ? NetworkDecisionSources.Human : NetworkDecisionSources.NoAnswer,
                outcome.Reason switch
                {
                    ApprovalReason.PolicyNever => "it is on neither network list, and the approval policy is never, so nobody is asked",
                    ApprovalReason.UserDeclined => "the user declined this destination earlier in this command's run, so it is not asked again",
                    ApprovalReason.NoResponse when _stopAsking => "it is on neither network list, and an earlier question of this command went unanswered or was aborted, so nobody is asked again",
                    _ => "it is on neither network list, and nobody can be asked (" + outcome.Reason.ToCode() + ")",
                },
                outcome.Reason);

    private async Task<EgressPermit> PutQuestionAsync(NetworkTarget target, EgressRequestKind kind, string why, IReadOnlyList<IPAddress> addresses, CancellationToken cancellationToken)
    {
        using var place = _dependencies.PendingQuestions.TryEnter();
        if (place is null)
        {
            return await RefuseAsync(target, kind, NetworkDecisionSources.NoAnswer, "too many questions are already waiting", ApprovalReason.TooManyPending).ConfigureAwait(false);
        }

        var settings = _dependencies.Settings;
        var request = _call.Request;
        var question = new ApprovalQuestion(
            ApprovalQuestion.NewId(),
            request.CallId,
            request.CommandLine,
            ShellArgv.For(request.CommandLine),
            request.WorkingDirectory,
            request.Justification,
            settings.Sandbox,
            _dependencies.Sandbox.Backend,
            EscalationKind.None,
            SandboxFailure: null,
            Risk: null,
            [why],
            _evaluation.Analysis.Parts,
            _evaluation.Analysis.UnknownReason,
            request.Timeout) { Network = target };

        string shown;
        try
        {
            shown = _call.Channel.Render(question);
        }
#pragma warning disable CA1031 // A channel that cannot render is a failed answer: nothing is asked, the connection is refused.
        catch (Exception)
#pragma warning restore CA1031
        {
            return await RefuseAsync(target, kind, NetworkDecisionSources.NoAnswer, "the channel could not render the question", ApprovalReason.ClientError).ConfigureAwait(false);
        }

        if (!await _call.Recorder.QuestionSentAsync(question, shown).ConfigureAwait(false))
        {
            return await RefuseAsync(target, kind, NetworkDecisionSources.NoAnswer, "the audit log could not record the question", ApprovalReason.AuditUnavailable).ConfigureAwait(false);
        }

        ApprovalOutcome answer;

        // The command waits for this connection while the human reads: its timeout does not count meanwhile, for at
        // most the time the question itself may take.
        using (_timeout.Pause(settings.ApprovalTimeout))
        {
            try
            {
                answer = await _call.Channel.AskAsync(question, settings.ApprovalTimeout, cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The channel must never throw; if one does, that is a failed answer, so refuse.
            catch (Exception)
#pragma warning restore CA1031
            {
                answer = ApprovalOutcome.DeniedByChannel(cancellationToken.IsCancellationRequested ? ApprovalReason.CallCancelled : ApprovalReason.ClientError);
            }
        }

        if (answer is null || (answer.IsApproved && cancellationToken.IsCancellationRequested))
        {
            // An approval that arrives after the run ended (or a channel that broke its contract) lets nothing through.
            answer = ApprovalOutcome.DeniedByChannel(ApprovalReason.CallCancelled, answer?.AnswerShape);
        }

        if (!await _call.Recorder.AnsweredAsync(answer, question.ApprovalId).ConfigureAwait(false) && answer.IsApproved)
        {
            return await RefuseAsync(target, kind, NetworkDecisionSources.NoAnswer, "the audit log could not record the answer", ApprovalReason.AuditUnavailable, question.ApprovalId).ConfigureAwait(false);
        }

        if (answer.Decision == ApprovalDecision.Abort || answer.Reason is not (ApprovalReason.UserApproved or ApprovalReason.UserDeclined))
        {
            // Nobody is there (no answer, gone, cancelled), the answer could not be read, or the human said stop: no
            // more questions for this command.
            _stopAsking = true;
        }

        if (answer.IsApproved)
        {
            if (answer.Decision == ApprovalDecision.ApprovedForSession)
            {
                _egress.SessionApprovals.Remember(target);
            }

            var scope = answer.Decision == ApprovalDecision.ApprovedForSession ? "approved by the user for the session" : "approved by the user for this connection";
            return await AllowAsync(target, kind, NetworkDecisionSources.Human, scope, addresses, answer.Reason, question.ApprovalId).ConfigureAwait(false);
        }

        if (answer.Reason == ApprovalReason.UserDeclined)
        {
            _declined[target] = true;
        }

        var human = answer.Reason is ApprovalReason.UserDeclined or ApprovalReason.UserCancelled;
        return await RefuseAsync(
            target,
            kind,
            human ? NetworkDecisionSources.Human : NetworkDecisionSources.NoAnswer,
            human ? "the user declined it (" + answer.Reason.ToCode() + ")" : "the question was not answered in a way that allows it (" + answer.Reason.ToCode() + ")",
            answer.Reason,
            question.ApprovalId).ConfigureAwait(false);
    }

    private async Task<EgressPermit> AllowAsync(
        NetworkTarget target, EgressRequestKind kind, string source, string reason, IReadOnlyList<IPAddress> addresses, ApprovalReason? approvalReason, string? approvalId)
    {
        // SPEC.md "Audit log": on disk before the connection it records proceeds; if it cannot be, nothing proceeds.
        if (!await RecordAsync(target, kind, allowed: true, source, reason, approvalReason, approvalId).ConfigureAwait(false))
        {
            Remember(target, allowed: false, NetworkDecisionSources.NoAnswer);
            return EgressPermit.Refuse(RefusalMessage(target, NetworkDecisionSources.NoAnswer, "the audit log could not record the decision (audit_unavailable)"));
        }

        Remember(target, allowed: true, source);
        return EgressPermit.Allow(addresses);
    }

    private async Task<EgressPermit> RefuseAsync(
        NetworkTarget target, EgressRequestKind kind, string source, string reason, ApprovalReason? approvalReason = null, string? approvalId = null)
    {
        // A refusal lets nothing happen, so it reaches the disk with the next flushed event (the run's end at the latest).
        await RecordAsync(target, kind, allowed: false, source, reason, approvalReason, approvalId).ConfigureAwait(false);
        Remember(target, allowed: false, source);
        return EgressPermit.Refuse(RefusalMessage(target, source, reason));
    }

    private Task<bool> RecordAsync(NetworkTarget target, EgressRequestKind kind, bool allowed, string source, string reason, ApprovalReason? approvalReason, string? approvalId) =>
        _call.Recorder.TryRecordAsync(
            new NetworkDecided(
                target.Host,
                target.Port,
                kind == EgressRequestKind.Connect ? "connect" : "http",
                allowed ? NetworkDecision.AllowedCode : NetworkDecision.DeniedCode,
                source,
                reason,
                approvalId,
                approvalReason?.ToCode()),
            allowed ? AuditFlush.BeforeReturning : AuditFlush.WithNextFlush);

    private void Remember(NetworkTarget target, bool allowed, string source)
    {
        if (!allowed)
        {
            _anyRefused = true;
        }

        _call.Telemetry.NetworkDecided(target, allowed, source);
        var decision = new NetworkDecision(target, allowed);
        lock (_listLock)
        {
            if (_listed.Count < MaxListedDecisions && _listed.Add(decision))
            {
                _decisions.Add(decision);
            }
        }
    }

    /// <summary>
    /// What the command reads in the proxy's refusal: the destination, why, and how the human can allow it (or that no
    /// setting can, when the deny list or the request itself is the reason).
    /// </summary>
    internal static string RefusalMessage(NetworkTarget target, string source, string reason)
    {
        var head = "AgentExec refused the connection to " + target + ": " + reason + ".";
        return source switch
        {
            NetworkDecisionSources.DeniedDomains =>
                head + " The host is on network.denied_domains (in the user or the workspace config), and the deny list wins over the allow list.",
            NetworkDecisionSources.Protocol =>
                head + " No setting allows a request AgentExec cannot check.",
            _ => head + " To allow it, the human can start AgentExec with --allow-domain " + target
                + " or add \"" + target + "\" to network.allowed_domains in the user config.",
        };
    }
}
