using System.Text.Json;
using AgentExec.Core.Audit;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Pipeline;
using AgentExec.Core.Sandbox;
using ModelContextProtocol.Client;

namespace AgentExec.Tests.Mcp.Support;

/// <summary>
/// A workspace, a sibling folder and a fake home for running commands through the real server under the real
/// bubblewrap sandbox, with a secret in the server's environment that must never reach a command.
/// </summary>
internal sealed class SandboxScenario : IDisposable
{
    public const string SecretVariable = "AGENTEXEC_ESCAPE_TEST_API_KEY";
    public const string SecretValue = "sk-escape-test-7f3c1e";

    private readonly SandboxTestDirectory _directory = new();

    public SandboxScenario()
    {
        RuntimeDirectory = Directory.CreateDirectory(Path.Combine(Root, "runtime")).FullName;
        var host = new Dictionary<string, string>(ChildEnvironment.ReadHost(), StringComparer.Ordinal)
        {
            ["HOME"] = Home,
            ["XDG_CONFIG_HOME"] = Path.Combine(Root, "config"),
            ["XDG_RUNTIME_DIR"] = RuntimeDirectory,
            [SecretVariable] = SecretValue,
        };
        HostEnvironment = host;
        AuditLogPath = _directory.WriteFile(Path.Combine("state", "audit.jsonl"), string.Empty);
    }

    public string Root => _directory.Root;

    public string Workspace => _directory.Workspace;

    public string Outside => _directory.Outside;

    public string Home => _directory.Home;

    public string AuditLogPath { get; }

    /// <summary>The server's <c>$XDG_RUNTIME_DIR</c>, where per-user sockets live.</summary>
    public string RuntimeDirectory { get; }

    /// <summary>The server's environment: the real one with the fake home and the secret.</summary>
    public IReadOnlyDictionary<string, string> HostEnvironment { get; }

    public RecordingAuditLog Audit { get; } = new();

    /// <summary>A name no other test uses, for files and process markers.</summary>
    public static string UniqueMarker() => "agentexec-escape-" + Guid.NewGuid().ToString("N");

    public string WriteFile(string relativePath, string content) => _directory.WriteFile(relativePath, content);

    /// <summary>Writes a script into the workspace, so the policy judges only <c>bash NAME</c> while the script does the probing.</summary>
    public string Script(string name, string body)
    {
        _directory.WriteFile(Path.Combine("workspace", name), body);
        return "bash " + name;
    }

    public AgentExecSettings Settings(
        SandboxMode mode = SandboxMode.WorkspaceWrite,
        ApprovalPolicy policy = ApprovalPolicy.OnRequest,
        bool network = false,
        IReadOnlyList<string>? writableRoots = null,
        string? configPath = null) => new()
    {
        Workspace = Workspace,
        AuditLogPath = AuditLogPath,
        Sandbox = mode,
        SandboxBackend = SandboxBackendPreference.Bubblewrap,
        ApprovalPolicy = policy,
        Network = network,
        WritableRoots = writableRoots ?? [],
        ConfigPath = configPath,
        ApprovalTimeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>The real pipeline on the real bubblewrap backend; fails the test if the backend is not available.</summary>
    public ExecPipeline Pipeline(AgentExecSettings settings, IAuditLog? auditLog = null)
    {
        var selection = SandboxSelector.Select(settings, new BubblewrapProbe(HostEnvironment), new LandlockBackendProbe(() => null));
        Assert.True(selection.IsAvailable, selection.UnavailableReason);
        Assert.Equal(SandboxBackendKind.Bubblewrap, selection.Backend);
        return PipelineFactory.Create(settings, auditLog ?? Audit, sandbox: selection, hostEnvironment: HostEnvironment);
    }

    /// <summary>Runs one command through the real server and the SDK client; returns the structured result.</summary>
    public async Task<JsonElement> CallAsync(AgentExecSettings settings, string command, int? timeoutMs = null)
    {
        await using var server = InMemoryMcpServer.Start(Pipeline(settings));
        await using var client = await server.ConnectAsync(new McpClientOptions());
        var arguments = new Dictionary<string, object?> { ["command"] = command };
        if (timeoutMs is { } timeout)
        {
            arguments["timeout_ms"] = timeout;
        }

        var result = await client.CallToolAsync("shell", arguments);
        return result.StructuredContent ?? throw new InvalidOperationException("no structured content");
    }

    public void Dispose() => _directory.Dispose();
}
