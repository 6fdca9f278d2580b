using System.Text.Json.Nodes;
using AgentExec.Core.Approval;
using AgentExec.Core.Assessment;
using AgentExec.Core.Audit;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Pipeline;
using AgentExec.Core.Policy;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Pipeline;

/// <summary>
/// One call through a real pipeline over a temporary workspace, for the step tests: every command here leaves a
/// witness file when it runs, so a test can see whether it ran; the audit log is in memory.
/// </summary>
internal sealed class PipelineStepScenario : IDisposable
{
    /// <summary>Needs a human under on-failure (a recursive delete) and leaves the witness when it runs.</summary>
    public const string AskingCommand = "rm -rf build && touch ran.txt";

    /// <summary>Runs on the policy's own say under on-failure and leaves the witness.</summary>
    public const string PlainCommand = "touch ran.txt";

    private readonly TemporaryDirectory _root = new();

    public PipelineStepScenario()
    {
        Workspace = Directory.CreateDirectory(Path.Combine(_root.Path, "workspace")).FullName;
    }

    public string Workspace { get; }

    public RecordingAuditLog Audit { get; } = new();

    /// <summary>The file every command here creates.</summary>
    public string Witness => Path.Combine(Workspace, "ran.txt");

    /// <summary>True once a command has run.</summary>
    public bool CommandRan => File.Exists(Witness);

    public IReadOnlyList<string> Names => Audit.Names;

    public ExecPipeline Pipeline(
        ApprovalPolicy policy = ApprovalPolicy.OnFailure,
        IReadOnlyList<PolicyRule>? rules = null,
        IRiskAssessor? assessor = null,
        PendingQuestionLimit? pending = null,
        SandboxSelection? sandbox = null) =>
        PipelineFactory.Create(Settings(policy, sandbox), Audit, rules, assessor, pending, sandbox);

    public ExecRequest Request(string command, string? workdir = null, string callId = "call-1") =>
        PipelineFactory.Request(command, workdir ?? Workspace, callId, "a step test");

    /// <summary>The one event of this name.</summary>
    public JsonObject Event(string name) => Audit.Events.Single(e => e.Name == name).Fields;

    /// <summary>A string field of the one event of this name.</summary>
    public string? Field(string name, string field) => Event(name)[field]?.GetValue<string>();

    public void Dispose() => _root.Dispose();

    // The sandbox mode follows the selection a test passes; otherwise the factory's danger-full-access, so that these
    // tests run on any machine.
    private AgentExecSettings Settings(ApprovalPolicy policy, SandboxSelection? sandbox)
    {
        var settings = PipelineFactory.Settings(Workspace, policy);
        return sandbox is null ? settings : settings with { Sandbox = sandbox.Mode };
    }
}
