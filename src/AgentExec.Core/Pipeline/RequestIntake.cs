using AgentExec.Core.Approval;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Text;

namespace AgentExec.Core.Pipeline;

/// <summary>
/// The first step of every call: record what arrived, then make sure it can be judged at all (a working directory that
/// exists, resolved to its real path, which the session cache and the sandbox must see).
/// </summary>
internal static class RequestIntake
{
    /// <summary>The request with its real working directory, or the result that ends the call here.</summary>
    public static async Task<(ExecRequest? Request, ShellResult? Ended)> ReceiveAsync(CallRecorder recorder, ExecRequest request)
    {
        if (!await recorder.ReceivedAsync(request).ConfigureAwait(false))
        {
            return (null, Denials.AuditUnavailable(recorder, null));
        }

        if (!RealPath.TryResolve(request.WorkingDirectory, out var real, out var exists) || !exists || !Directory.Exists(real))
        {
            var invalid = new RequestFieldError(RequestField.WorkingDirectory, $"not an existing directory: {UntrustedText.Escape(request.WorkingDirectory)}");
            var denied = await Denials.DenyAsync(recorder, ShellStatus.FailedToStart, "The working directory is " + invalid.Problem, null, null).ConfigureAwait(false);
            return (null, denied with { InvalidField = invalid });
        }

        return (request with { WorkingDirectory = real }, null);
    }

    /// <summary>
    /// Records input the front end could not accept (SPEC.md: invalid input is audited like every call, and its result
    /// carries the audit head): <c>call_received</c> with the command if one was given, then the denial naming the field.
    /// </summary>
    public static async Task<ShellResult> RejectAsync(CallRecorder recorder, string? commandLine, string error)
    {
        if (!await recorder.ReceivedInvalidAsync(commandLine).ConfigureAwait(false))
        {
            return ShellResult.NotRun(ShellStatus.FailedToStart, error);
        }

        return await Denials.DenyAsync(recorder, ShellStatus.FailedToStart, error, null, null).ConfigureAwait(false);
    }
}
