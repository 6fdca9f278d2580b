using AgentExec.Core.Configuration;
using AgentExec.Core.Credentials;
using AgentExec.Core.Execution;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>Every entry of the credential list is unreadable inside the real bubblewrap sandbox (SPEC.md "Sandbox").</summary>
public sealed class BubblewrapCredentialTests
{
    private readonly CommandRunner _runner = new();

    [BubblewrapFact]
    public async Task Credentials_in_the_home_the_workspace_and_the_users_own_entries_cannot_be_read()
    {
        // Arrange: every secret holds a marker; a plain file beside them stays readable.
        using var directory = new SandboxTestDirectory();
        var secrets = new[]
        {
            "home/.ssh/id_rsa", "home/.aws/credentials", "home/.cargo/credentials.toml", "home/.vault-token",
            "workspace/.env", "workspace/certs/x.pem", "workspace/sub/deep/.env.production", "workspace/keys/id_ed25519",
            "workspace/bundles/client.p8", "outside/vault/token",
        };
        foreach (var secret in secrets)
        {
            directory.WriteFile(secret, "SECRET " + secret);
        }

        directory.WriteFile("workspace/README.md", "README-CONTENT");
        directory.WriteFile("workspace/keys/id_ed25519.pub", "PUBLIC-KEY");
        var audit = directory.WriteFile("state/audit.jsonl", "SECRET audit");
        var config = directory.WriteFile("config/agentexec/config.json", "SECRET config");
        File.CreateSymbolicLink(Path.Combine(directory.Workspace, "innocent"), Path.Combine(directory.Home, ".ssh", "id_rsa"));
        var hostPaths = BubblewrapMountPlanTests.HostPaths(directory.Home) with
        {
            AuditLogPath = audit,
            UserConfigPath = config,
            Credentials = CredentialList.For(null, ["~/.vault-token", "*.p8", Path.Combine(directory.Outside, "vault") + "/"]),
        };
        var script = $"""
            for f in ~/.ssh/id_rsa ~/.aws/credentials ~/.cargo/credentials.toml ~/.vault-token .env certs/x.pem \
                sub/deep/.env.production keys/id_ed25519 bundles/client.p8 innocent {directory.Outside}/vault/token {audit} {config}; do
              cat "$f" 2>/dev/null
              echo "[$f]"
            done
            cat README.md keys/id_ed25519.pub
            """;

        // Act
        var result = await RunAsync(directory, hostPaths, script);

        // Assert
        Assert.Equal(ExecutionOutcome.Exited, result.Outcome);
        Assert.DoesNotContain("SECRET", result.Stdout.Text, StringComparison.Ordinal);
        Assert.Contains("[innocent]", result.Stdout.Text, StringComparison.Ordinal);
        Assert.EndsWith("README-CONTENTPUBLIC-KEY", result.Stdout.Text, StringComparison.Ordinal);
    }

    [BubblewrapFact]
    public async Task Hidden_credentials_cannot_be_replaced_or_renamed_away_inside_a_writable_workspace()
    {
        // Arrange
        using var directory = new SandboxTestDirectory();
        var key = directory.WriteFile("workspace/certs/server.key", "SECRET key");
        const string script = """
            echo forged > certs/server.key 2>/dev/null
            mv certs moved 2>/dev/null && cat moved/server.key
            echo DONE
            """;

        // Act
        var result = await RunAsync(directory, BubblewrapMountPlanTests.HostPaths(directory.Home), script);

        // Assert
        Assert.Equal("DONE\n", result.Stdout.Text);
        Assert.Equal("SECRET key", File.ReadAllText(key));
    }

    [BubblewrapFact]
    public async Task A_credential_file_with_a_second_name_in_the_workspace_cannot_be_read_under_that_name()
    {
        // Found by an attack: a command made api/.env.local empty with a second name (a hard link) api/README.notes; the
        // human's tool later wrote the secrets into .env.local in place, and the next sandboxed command read them
        // through the other name, which no entry of the credential list matches.
        using var directory = new SandboxTestDirectory();
        var secrets = directory.WriteFile("workspace/api/.env.local", "STRIPE_KEY=sk_live_SECRET\n");
        Directory.CreateDirectory(Path.Combine(directory.Workspace, "deep", "er"));
        Assert.Equal(0, HostCommand.Run(directory.Workspace, "ln", secrets, "api/README.notes").ExitCode);
        Assert.Equal(0, HostCommand.Run(directory.Workspace, "ln", secrets, "deep/er/notes.txt").ExitCode);
        const string script = """
            cat api/README.notes deep/er/notes.txt 2>/dev/null
            echo other > api/other.txt && echo DONE
            """;

        var result = await RunAsync(directory, BubblewrapMountPlanTests.HostPaths(directory.Home), script);

        Assert.Equal("DONE\n", result.Stdout.Text);
        Assert.Equal("STRIPE_KEY=sk_live_SECRET\n", File.ReadAllText(Path.Combine(directory.Workspace, "api", "README.notes")));
    }

    [BubblewrapFact]
    public async Task The_command_sees_only_its_own_processes_so_no_other_environment_is_readable()
    {
        // Arrange: --unshare-pid and a fresh /proc leave bubblewrap, bash and ls.
        using var directory = new SandboxTestDirectory();

        // Act
        var result = await RunAsync(directory, BubblewrapMountPlanTests.HostPaths(directory.Home), "ls -d /proc/[0-9]* | wc -l");

        // Assert
        Assert.InRange(int.Parse(result.Stdout.Text.Trim(), System.Globalization.CultureInfo.InvariantCulture), 1, 4);
    }

    private async Task<ExecutionResult> RunAsync(SandboxTestDirectory directory, SandboxHostPaths hostPaths, string script)
    {
        var selection = new BubblewrapProbe(ChildEnvironment.ReadHost()).Probe(new()
        {
            Workspace = directory.Workspace,
            AuditLogPath = Path.Combine(directory.Root, "audit.jsonl"),
        });
        var sandbox = new BubblewrapSandbox(Assert.IsType<BubblewrapSandbox>(selection.Sandbox).Executable, hostPaths);
        var invocation = BubblewrapMountPlanTests.Invocation(directory.Workspace, SandboxMode.WorkspaceWrite) with
        {
            Argv = ["bash", "-c", script],
            Environment = new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin", ["HOME"] = directory.Home },
        };
        var wrapped = sandbox.Wrap(invocation);
        try
        {
            return await _runner.RunAsync(
                new ExecutionSpec(wrapped.Argv, directory.Workspace, wrapped.Environment, TimeSpan.FromSeconds(60), ExecutionSpec.DefaultOutputCapBytes),
                null,
                CancellationToken.None);
        }
        finally
        {
            wrapped.Cleanup?.Invoke();
        }
    }
}
