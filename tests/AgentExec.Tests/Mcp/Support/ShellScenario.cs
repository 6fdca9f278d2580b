using System.Text.Json;
using AgentExec.Core.Approval;
using AgentExec.Core.Assessment;
using AgentExec.Core.Audit;
using AgentExec.Core.Configuration;
using AgentExec.Core.Pipeline;
using AgentExec.Core.Policy;

namespace AgentExec.Tests.Mcp.Support;

/// <summary>
/// A workspace with a <c>victim</c> directory and a dangerous command that deletes it, so every test can see
/// whether the command ran (the directory is gone) or not (it is still there).
/// </summary>
internal sealed class ShellScenario : IDisposable
{
    public const string DangerousCommand = "rm -rf victim";

    private readonly TemporaryDirectory _root = new();

    public ShellScenario()
    {
        Workspace = Directory.CreateDirectory(Path.Combine(_root.Path, "workspace")).FullName;
        Victim = Directory.CreateDirectory(Path.Combine(Workspace, "victim")).FullName;
        File.WriteAllText(Path.Combine(Victim, "precious.txt"), "keep me");
    }

    public string Workspace { get; }

    public string Victim { get; }

    public RecordingAuditLog Audit { get; } = new();

    /// <summary>True once the dangerous command has run.</summary>
    public bool CommandRan => !Directory.Exists(Victim);

    public ExecPipeline Pipeline(
        ApprovalPolicy policy = ApprovalPolicy.OnFailure,
        TimeSpan? approvalTimeout = null,
        IReadOnlyList<PolicyRule>? rules = null,
        IAuditLog? auditLog = null,
        PendingQuestionLimit? pending = null,
        IRiskAssessor? assessor = null) =>
        PipelineFactory.Create(PipelineFactory.Settings(Workspace, policy, approvalTimeout), auditLog ?? Audit, rules, assessor, pending);

    public void Dispose() => _root.Dispose();

    /// <summary>Reads a string field of a tool result's structured content.</summary>
    public static string? Field(JsonElement? structured, params string[] path)
    {
        var element = structured ?? throw new InvalidOperationException("no structured content");
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return null;
            }
        }

        return element.ValueKind switch
        {
            JsonValueKind.String => element.GetString(),
            JsonValueKind.Null => null,
            _ => element.GetRawText(),
        };
    }
}
