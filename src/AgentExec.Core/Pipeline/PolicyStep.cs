using AgentExec.Core.Approval;
using AgentExec.Core.Commands;
using AgentExec.Core.Configuration;
using AgentExec.Core.Credentials;
using AgentExec.Core.Execution;
using AgentExec.Core.Policy;
using AgentExec.Core.Sandbox;

namespace AgentExec.Core.Pipeline;

/// <summary>
/// Judges a request: reads the line against what this machine and this sandbox make of it, and asks
/// <see cref="PolicyEvaluator"/> — the only code that decides — what happens.
/// </summary>
internal sealed class PolicyStep(PipelineDependencies dependencies, IReadOnlyDictionary<string, string> commandEnvironment)
{
    // The same list bubblewrap hides (SPEC.md step 3a: one list), built once: it reads the settings and the server's
    // environment only.
    private readonly Lazy<CredentialList> _credentials = new(() => CredentialList.ForSettings(dependencies.Settings, dependencies.HostEnvironment));

    /// <summary>The evaluation of <paramref name="request"/> under the rules and settings in force.</summary>
    public PolicyEvaluation Evaluate(ExecRequest request)
    {
        var settings = dependencies.Settings;
        return PolicyEvaluator.Evaluate(
            CommandAnalyzer.Analyze(request.CommandLine, AnalysisContextFor(request)),
            dependencies.Rules.Current,
            settings.ApprovalPolicy,
            request.Escalation,
            settings.Sandbox);
    }

    /// <summary>
    /// The evaluation of the retry without the sandbox that <paramref name="first"/> offers, judged afresh for an
    /// unsandboxed run (the rules in force now; no credential hidden); null when <paramref name="first"/> offers none.
    /// </summary>
    public PolicyEvaluation? EvaluateRetry(ExecRequest request, PolicyEvaluation first) =>
        first.Retry is null ? null : Evaluate(request with { Escalation = EscalationKind.RetryWithoutSandbox });

    // What the known-safe proof needs of this machine: the environment the command will get, everything the agent
    // can write, and whether the sandbox that will run it hides the credential list (bubblewrap does; Landlock, no
    // sandbox and an escalated run do not).
    private AnalysisContext AnalysisContextFor(ExecRequest request)
    {
        var settings = dependencies.Settings;
        var home = commandEnvironment.TryGetValue("HOME", out var homeValue) && homeValue.Length > 0 ? homeValue : null;
        var hidden = request.Escalation == EscalationKind.None
            && settings.Sandbox != SandboxMode.DangerFullAccess
            && dependencies.Sandbox.Backend == SandboxBackendKind.Bubblewrap;
        return new AnalysisContext(
            Path.GetFullPath(request.WorkingDirectory),
            home,
            commandEnvironment.TryGetValue("PATH", out var path) ? path : null,
            [settings.Workspace, .. settings.WritableRoots],
            _credentials.Value.WithHomeDirectory(home),
            hidden);
    }
}
