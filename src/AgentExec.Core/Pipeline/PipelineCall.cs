using AgentExec.Core.Approval;
using AgentExec.Core.Execution;
using AgentExec.Core.Telemetry;

namespace AgentExec.Core.Pipeline;

/// <summary>What every step of one call shares: the request, where its events go, and who can be asked.</summary>
/// <param name="Request">The request; its working directory is the real path once <see cref="RequestIntake"/> resolved it.</param>
/// <param name="Recorder">The call's audit events.</param>
/// <param name="Telemetry">The call's span and metrics.</param>
/// <param name="Channel">Who is asked when the policy says a human must approve.</param>
/// <param name="Observer">Sees the command's output as it arrives (the terminal), or null.</param>
/// <param name="Cancellation">Cancelled when the caller gives up on the call.</param>
internal sealed record PipelineCall(
    ExecRequest Request,
    CallRecorder Recorder,
    CallTelemetry Telemetry,
    IApprovalChannel Channel,
    IOutputObserver? Observer,
    CancellationToken Cancellation);
