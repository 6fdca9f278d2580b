using AgentExec.Core.Commands;
using AgentExec.Core.Credentials;

namespace AgentExec.Tests.TestSupport;

/// <summary>
/// A small machine for judging lines against: a workspace the agent can write (the working directory), a home
/// with decoy credentials, and a <c>bin</c> directory outside the workspace holding every program the tests name,
/// so a program is found on <c>PATH</c> whatever the test host has installed.
/// </summary>
internal sealed class ProofMachine : IDisposable
{
    private static readonly string[] Programs =
    [
        "cat", "ls", "head", "tail", "wc", "grep", "sort", "uniq", "sed", "find", "git", "rg", "xxd", "base64", "tree", "file",
        "date", "hostname", "diff", "env", "nice", "timeout", "stat", "jq", "du", "tr", "cut", "which", "bash", "sh", "dash",
        "touch", "rm", "curl", "nohup", "xargs", "make", "npm",
    ];

    private readonly TemporaryDirectory root = new();

    public ProofMachine()
    {
        Directory.CreateDirectory(Workspace);
        Directory.CreateDirectory(Bin);
        Directory.CreateDirectory(System.IO.Path.Combine(Workspace, "src"));
        Directory.CreateDirectory(System.IO.Path.Combine(Home, ".ssh"));
        Directory.CreateDirectory(System.IO.Path.Combine(Home, ".aws"));
        File.WriteAllText(System.IO.Path.Combine(Home, ".ssh", "id_rsa"), "secret");
        File.WriteAllText(System.IO.Path.Combine(Home, ".aws", "credentials"), "secret");
        File.WriteAllText(System.IO.Path.Combine(Workspace, "README.md"), "readme");
        File.WriteAllText(System.IO.Path.Combine(Workspace, "a.c"), "int main;");
        foreach (var program in Programs.Concat(KnownSafePrograms.Readers).Where(name => name != ":").Distinct())
        {
            File.WriteAllText(System.IO.Path.Combine(Bin, program), "#!/bin/sh\n");
        }
    }

    public string Workspace => root.File("work");

    public string Home => root.File("home");

    public string Bin => root.File("bin");

    /// <summary>The context for a line starting in the workspace; <paramref name="credentialsHidden"/> as under bubblewrap.</summary>
    /// <remarks>
    /// The machine lives under the temporary directory, which the analysis counts as shared (anyone may plant a program
    /// there); its <c>bin</c> stands for a system directory, so no directory is shared on this machine unless a test
    /// says so.
    /// </remarks>
    public AnalysisContext Context(bool credentialsHidden = true, string? searchPath = null) =>
        new(Workspace, Home, searchPath ?? Bin, [Workspace], CredentialList.For(Home), credentialsHidden) { SharedDirectories = [] };

    public CommandAnalysis Analyze(string line, bool credentialsHidden = true, string? searchPath = null) =>
        CommandAnalyzer.Analyze(line, Context(credentialsHidden, searchPath));

    public void Dispose() => root.Dispose();
}
