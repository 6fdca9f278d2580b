using AgentExec.Core.Assessment;
using AgentExec.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace AgentExec.Cli.Hosting;

/// <summary>
/// The risk assessor a run of agentexec uses, decided once at start-up, and why it is off when it is (for the one
/// start-up warning and for <c>agentexec assess</c>).
/// </summary>
/// <param name="Assessor">The assessor: <see cref="DisabledRiskAssessor"/> unless everything needed is there.</param>
/// <param name="DisabledReason">Why there is no assessment; null when it is on.</param>
/// <param name="Description">What it is when on (model, endpoint, budget, template), for the start-up log.</param>
internal sealed record AssessmentSetup(IRiskAssessor Assessor, string? DisabledReason, string? Description)
{
    /// <summary>The reason when the flag is off (the default).</summary>
    public const string FlagOffReason =
        "the risk assessment is off; turn it on with --experimental-sandbox-command-assessment (or AGENTEXEC_EXPERIMENTAL_SANDBOX_COMMAND_ASSESSMENT=1)";

    /// <summary>
    /// Decides the assessor. With the flag off nothing else is read and no model is ever called. With the flag on but
    /// no usable key or URL: disabled, with a reason to warn about once.
    /// </summary>
    /// <param name="settings">The resolved settings.</param>
    /// <param name="environment">The process environment.</param>
    /// <param name="startDirectory">Where agentexec started (for <c>.env</c>).</param>
    /// <param name="hostEnvironment">The host environment the pipeline uses (for redaction).</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">Where assessments are logged.</param>
    /// <param name="warnings">Where start-up warnings go.</param>
    /// <returns>The setup.</returns>
    public static AssessmentSetup Create(
        AgentExecSettings settings,
        IReadOnlyDictionary<string, string> environment,
        string startDirectory,
        IReadOnlyDictionary<string, string> hostEnvironment,
        TimeProvider time,
        ILogger logger,
        List<string> warnings)
    {
        if (!settings.ExperimentalSandboxCommandAssessment)
        {
            return new AssessmentSetup(DisabledRiskAssessor.Instance, FlagOffReason, null);
        }

        var model = LanguageModelSettings.Resolve(environment, startDirectory, warnings);
        if (model.Problem is { } problem)
        {
            var reason = $"the risk assessment is on, but {problem}; questions are asked without a risk";
            warnings.Add(reason);
            return new AssessmentSetup(DisabledRiskAssessor.Instance, reason, null);
        }

        var template = AssessmentPromptTemplate.Embedded;
        if (settings.AssessmentPromptPath is { } path && !AssessmentPromptTemplate.TryLoad(path, out template, out var templateProblem))
        {
            // The resolver checked the file a moment ago; if it changed since, say so and stay off rather than guess.
            var reason = $"the risk assessment is on, but the template {path} {templateProblem}; questions are asked without a risk";
            warnings.Add(reason);
            return new AssessmentSetup(DisabledRiskAssessor.Instance, reason, null);
        }

        // The key may come from .env, where the host environment never saw it: name it explicitly.
        var redactor = SecretRedactor.ForEnvironment(hostEnvironment, settings.Env, [new(LanguageModelVariables.ApiKey, model.ApiKey!)]);
        // Each model call becomes a `chat` span under the call's span (docs/telemetry.md), without the conversation.
        var client = AssessmentChatClientFactory.Create(model.Model, model.ApiKey!, model.Endpoint, settings.AssessmentTimeout)
            .WithAgentExecTelemetry();
        var assessor = RiskAssessors.ForChatClient(
            client,
            model.Model,
            new AssessmentPromptWriter(template, redactor),
            settings.AssessmentTimeout,
            time,
            logger);
        var endpoint = model.Endpoint is { } url ? $"{url.Scheme}://{url.Authority}{url.AbsolutePath}" : "https://api.openai.com/v1";
        var description = $"model {model.Model} at {endpoint}, "
            + $"budget {(long)settings.AssessmentTimeout.TotalMilliseconds} ms, template {template.Source}";
        return new AssessmentSetup(assessor, null, description);
    }
}
