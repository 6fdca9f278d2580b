using AgentExec.Core.Assessment;
using AgentExec.Core.Audit;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Execution.Limits;
using AgentExec.Core.Network;
using AgentExec.Core.Network.Proxy;
using AgentExec.Core.Pipeline;
using AgentExec.Core.Policy;
using AgentExec.Core.Sandbox;
using AgentExec.Core.Settings;
using Microsoft.Extensions.Logging;

namespace AgentExec.Cli.Hosting;

/// <summary>
/// Everything a subcommand needs, assembled once from the resolved settings: the same pipeline for serve, run,
/// check and assess (one pipeline, two front ends).
/// </summary>
internal sealed partial class AgentExecRuntime : IDisposable
{
    private AgentExecRuntime(AgentExecSettings settings, RuleBook rules, ExecPipeline pipeline, AssessmentSetup assessment, ILoggerFactory loggerFactory)
    {
        Settings = settings;
        Rules = rules;
        Pipeline = pipeline;
        Assessment = assessment;
        LoggerFactory = loggerFactory;
    }

    /// <summary>The resolved settings.</summary>
    public AgentExecSettings Settings { get; }

    /// <summary>The reloading rules.</summary>
    public RuleBook Rules { get; }

    /// <summary>The pipeline.</summary>
    public ExecPipeline Pipeline { get; }

    /// <summary>The risk assessor in use, and why there is none when it is off.</summary>
    public AssessmentSetup Assessment { get; }

    /// <summary>Where logs go (stderr).</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>The sandbox chosen at start-up.</summary>
    public SandboxSelection Sandbox => Pipeline.Dependencies.Sandbox;

    /// <summary>Resolves settings and assembles the pipeline, or writes the error (naming the flag) and returns null.</summary>
    /// <param name="flags">The shared flags the user gave.</param>
    /// <param name="error">Where a settings error is written.</param>
    /// <param name="minimumLevel">The least severe log level written to stderr.</param>
    /// <param name="decorateAssessor">Wraps the risk assessor (the terminal adds a spinner).</param>
    /// <param name="log">Where logs are written; stderr when null (<c>run</c> passes its <see cref="Terminal.SaneTerminalWriter"/>).</param>
    public static AgentExecRuntime? TryCreate(
        IReadOnlyDictionary<string, string> flags,
        TextWriter error,
        LogLevel minimumLevel,
        Func<IRiskAssessor, IRiskAssessor>? decorateAssessor = null,
        TextWriter? log = null)
    {
        var input = SettingsInput.FromProcess(flags);
        var resolution = SettingsResolver.Resolve(input);
        if (!resolution.Succeeded)
        {
            error.WriteLine($"agentexec: {resolution.Error}");
            return null;
        }

        var settings = resolution.Settings!;
        var loggerFactory = log is null ? StderrLogging.CreateFactory(minimumLevel) : StderrLogging.CreateFactory(minimumLevel, log, TimeProvider.System);
        var logger = loggerFactory.CreateLogger("AgentExec");
        foreach (var warning in settings.Warnings)
        {
            LogSettingsWarning(logger, warning);
        }

        var hostEnvironment = ChildEnvironment.ReadHost();
        var assessmentWarnings = new List<string>();
        var assessment = AssessmentSetup.Create(
            settings,
            input.Environment,
            input.CurrentDirectory,
            hostEnvironment,
            TimeProvider.System,
            loggerFactory.CreateLogger("AgentExec.Assessment"),
            assessmentWarnings);
        foreach (var warning in assessmentWarnings)
        {
            LogSettingsWarning(logger, warning);
        }

        if (assessment.Description is { } description)
        {
            LogAssessmentOn(logger, description);
        }

        var rules = RuleBook.ForSettings(settings, TimeProvider.System, loggerFactory.CreateLogger<RuleBook>());
        var sandbox = SandboxSelector.Select(settings, hostEnvironment, loggerFactory.CreateLogger("AgentExec.Sandbox"), rememberTrialPasses: true);
        var limits = LimitEnforcement.Detect(settings.Limits);
        sandbox = sandbox with { Caveats = [.. sandbox.Caveats, .. limits.Caveats()] };
        foreach (var caveat in sandbox.Caveats)
        {
            LogSandboxCaveat(logger, caveat);
        }

        // The log and its lock file exist before any command runs, so that bubblewrap can hide both (issue 10, item 5).
        var auditLog = new JsonLinesAuditLog(settings.AuditLogPath, TimeProvider.System);
        _ = auditLog.Prepare();
        var dependencies = new PipelineDependencies(
            settings,
            rules,
            sandbox,
            (decorateAssessor ?? (assessor => assessor))(assessment.Assessor),
            auditLog,
            hostEnvironment)
        {
            Logger = logger,
            Limits = limits,
            Egress = EgressFor(settings, loggerFactory),
        };
        var mode = settings.Sandbox.ToCode();
        var backend = sandbox.IsAvailable ? sandbox.Backend.ToCode() : "unavailable";
        var policy = settings.ApprovalPolicy.ToCode();
        LogStarted(logger, settings.Workspace, mode, backend, policy, settings.AuditLogPath);

        return new AgentExecRuntime(settings, rules, new ExecPipeline(dependencies), assessment, loggerFactory);
    }

    // The network allow-list (SPEC.md "Network allow-list"): its rule check and a proxy per sandboxed run. Null without
    // an allow-list, and under danger-full-access, where nothing is sandboxed and start-up said the list does not apply.
    private static PipelineEgress? EgressFor(AgentExecSettings settings, ILoggerFactory loggerFactory)
    {
        if (settings.NetworkLists is not { } lists || settings.Sandbox == SandboxMode.DangerFullAccess)
        {
            return null;
        }

        var options = EgressProxyOptions.Default with
        {
            UpstreamProxy = lists.Upstream is { } upstream ? new Uri(upstream.ToString()) : null,
        };
        return new PipelineEgress(
            new NetworkRuleCheck(lists, DnsHostResolver.Instance),
            new EgressProxyHost(options, loggerFactory.CreateLogger("AgentExec.Network")));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Rules.Dispose();
        LoggerFactory.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogSettingsWarning(ILogger logger, string warning);

    [LoggerMessage(Level = LogLevel.Information, Message = "Workspace {Workspace}; sandbox {Sandbox} (backend {Backend}); approval policy {Policy}; audit log {AuditLog}")]
    private static partial void LogStarted(ILogger logger, string workspace, string sandbox, string backend, string policy, string auditLog);

    [LoggerMessage(Level = LogLevel.Information, Message = "Risk assessment on (experimental, advisory): {Description}")]
    private static partial void LogAssessmentOn(ILogger logger, string description);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sandbox: {Caveat}")]
    private static partial void LogSandboxCaveat(ILogger logger, string caveat);
}
