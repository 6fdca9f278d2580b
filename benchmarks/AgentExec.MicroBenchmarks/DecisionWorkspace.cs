using System.Diagnostics;
using AgentExec.Core.Commands;
using AgentExec.Core.Configuration;
using AgentExec.Core.Credentials;
using AgentExec.Core.Execution;
using AgentExec.Core.Policy;

namespace AgentExec.MicroBenchmarks;

/// <summary>
/// What the pipeline's policy step does for one command line, in a throw-away git workspace: analyse the line in that
/// workspace, then let <see cref="PolicyEvaluator"/> judge it under the rules of docs/rules.md and the default
/// approval policy and sandbox.
/// </summary>
/// <remarks>
/// A git workspace, because the proof reads the configuration of the repository git would select (docs/git-inspection.md):
/// outside one, git lines would be judged on less work than they cost in use. Built like AgentExec.Benchmarks'
/// analysis mode, so the two measure the same thing.
/// </remarks>
internal sealed class DecisionWorkspace : IDisposable
{
    // docs/rules.md's example: a prompt rule, a forbidden rule and an allow rule, so rule matching is paid for.
    private static readonly PolicyRule[] Rules =
    [
        new(["git", "push"], RuleDecision.Prompt, "pushes leave the machine", RuleOrigin.User),
        new(["rm", "-rf"], RuleDecision.Forbidden, null, RuleOrigin.User),
        new(["npm", "test"], RuleDecision.Allow, null, RuleOrigin.User),
    ];

    private readonly string root;
    private readonly AnalysisContext context;

    /// <summary>Creates the workspace (a git repository with a README and src/Core) and a home beside it under the temp folder.</summary>
    public DecisionWorkspace()
    {
        root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "agentexec-microbench-" + Guid.NewGuid().ToString("N"))).FullName;
        var workspace = Directory.CreateDirectory(Path.Combine(root, "workspace")).FullName;
        var home = Directory.CreateDirectory(Path.Combine(root, "home")).FullName;
        Directory.CreateDirectory(Path.Combine(workspace, "src", "Core"));
        File.WriteAllText(Path.Combine(workspace, "README.md"), "# Shop\n");
        using (var git = Process.Start(new ProcessStartInfo("git", ["init", "-q", workspace]) { RedirectStandardError = true }))
        {
            git?.WaitForExit();
            if (git is not { ExitCode: 0 })
            {
                // Measuring outside a repository would understate every git line: refuse rather than report it.
                throw new InvalidOperationException("git init failed; the benchmark needs a git workspace.");
            }
        }

        context = new AnalysisContext(workspace, home, "/usr/local/bin:/usr/bin:/bin", [workspace], CredentialList.For(home), CredentialsHidden: true);
    }

    /// <summary>Analyses <paramref name="commandLine"/> in the workspace and judges it, as the pipeline's policy step does.</summary>
    public PolicyEvaluation Decide(string commandLine) => PolicyEvaluator.Evaluate(
        CommandAnalyzer.Analyze(commandLine, context),
        Rules,
        ApprovalPolicy.OnFailure,
        EscalationKind.None,
        SandboxMode.WorkspaceWrite);

    /// <summary>Deletes the workspace and the home.</summary>
    public void Dispose() => Directory.Delete(root, recursive: true);
}
