using AgentExec.Core.Text;

namespace AgentExec.Core.Execution;

/// <summary>
/// Validates a call's raw fields into an <see cref="ExecRequest"/>, naming the field at fault (SPEC.md "MCP tool shell")
/// as a <see cref="RequestField"/> that each front end spells its own way.
/// </summary>
public static class ExecRequestValidation
{
    /// <summary>
    /// The longest command line that can run, in UTF-8 bytes: it is one argument of <c>bash -c</c>, and Linux refuses
    /// to start a program with an argument longer than <c>MAX_ARG_STRLEN</c> (32 pages, 131072 bytes with its NUL).
    /// </summary>
    public const int MaxCommandBytes = 131071;

    /// <summary>Builds a request, or returns the field at fault and what is wrong with it.</summary>
    /// <param name="command">The command line; must not be empty or blank.</param>
    /// <param name="workdir">An absolute path, or null for the workspace.</param>
    /// <param name="timeoutMs">1–3600000, or null for the default.</param>
    /// <param name="justification">Optional text from the agent.</param>
    /// <param name="escalation">The requested escalation.</param>
    /// <param name="workspace">The workspace, used when <paramref name="workdir"/> is null.</param>
    /// <param name="callId">The caller's id for the call.</param>
    /// <param name="request">The request when valid.</param>
    /// <param name="error">The field and the problem when not.</param>
    public static bool TryCreate(
        string? command,
        string? workdir,
        long? timeoutMs,
        string? justification,
        EscalationKind escalation,
        string workspace,
        string callId,
        out ExecRequest? request,
        out RequestFieldError? error)
    {
        request = null;
        error = null;
        if (string.IsNullOrWhiteSpace(command))
        {
            error = new(RequestField.Command, "must be a non-empty shell command line");
            return false;
        }

        if (command.Contains('\0', StringComparison.Ordinal))
        {
            error = new(RequestField.Command, "must not contain NUL characters");
            return false;
        }

        // A longer line could never start (E2BIG), yet it would be put to a human first, and every question waiting on
        // one holds many copies of it: refused here, before anything is judged, asked or held.
        if (System.Text.Encoding.UTF8.GetByteCount(command) > MaxCommandBytes)
        {
            error = new(RequestField.Command, $"is longer than {MaxCommandBytes} bytes, the most one argument of a program can hold on Linux, so it could never start");
            return false;
        }

        if (workdir is not null && (workdir.Length == 0 || !Path.IsPathFullyQualified(workdir) || workdir.Contains('\0', StringComparison.Ordinal)))
        {
            error = new(RequestField.WorkingDirectory, $"must be an absolute path (got \"{UntrustedText.Escape(workdir)}\")");
            return false;
        }

        if (timeoutMs is { } ms && (ms < 1 || ms > (long)ExecRequest.MaxTimeout.TotalMilliseconds))
        {
            error = new(RequestField.Timeout, $"must be between 1 and {(long)ExecRequest.MaxTimeout.TotalMilliseconds} (got {ms})");
            return false;
        }

        request = new ExecRequest(
            command,
            workdir ?? workspace,
            timeoutMs is { } t ? TimeSpan.FromMilliseconds(t) : ExecRequest.DefaultTimeout,
            string.IsNullOrEmpty(justification) ? null : justification,
            escalation,
            callId);
        return true;
    }
}
