using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using AgentExec.Core.Configuration;
using AgentExec.Tests.Mcp.Support;

namespace AgentExec.Tests.Mcp;

/// <summary>
/// The escape battery of issue 3, through the real server and SDK client on the real bubblewrap backend: every
/// attempt must fail inside the sandbox, and each test checks on the host that nothing changed.
/// </summary>
/// <remarks>
/// Each probe is a script in the workspace run as <c>bash NAME</c>, so the policy (which would rightly ask about some of
/// these commands) lets it run in the sandbox without a question, and the sandbox alone is what stops it. Each test
/// also checks that the script really ran to its end (<c>DONE</c>), so a refusal elsewhere cannot pass for a sandbox.
/// </remarks>
public sealed class SandboxEscapeTests
{
    private static readonly TimeSpan KillIsDelivered = TimeSpan.FromSeconds(5);

    [BubblewrapFact]
    public async Task Writes_outside_the_writable_roots_fail_and_the_workspace_stays_writable()
    {
        // Arrange
        using var scenario = new SandboxScenario();
        var marker = SandboxScenario.UniqueMarker();
        var command = scenario.Script("probe.sh", $"""
            for target in /etc/{marker} "$HOME/{marker}" ../outside/{marker} /var/tmp/{marker} /usr/{marker}; do
              if echo pwned > "$target"; then echo "WROTE $target"; fi
            done
            echo inside > inside.txt
            echo tmp > /tmp/{marker} && echo "TMP $(cat /tmp/{marker})"
            echo DONE
            """);

        string[] outside = [Path.Combine("/etc", marker), Path.Combine(scenario.Home, marker), Path.Combine(scenario.Outside, marker), Path.Combine("/var/tmp", marker), Path.Combine("/usr", marker), Path.Combine("/tmp", marker)];

        // Act
        var result = await scenario.CallAsync(scenario.Settings(), command);
        var written = outside.Where(File.Exists).ToList();
        written.ForEach(File.Delete);

        // Assert
        AssertRanSandboxed(result, "workspace-write");
        Assert.DoesNotContain("WROTE", Field(result, "stdout"), StringComparison.Ordinal);
        Assert.Contains("Read-only file system", Field(result, "stderr"), StringComparison.Ordinal);
        Assert.Contains("TMP tmp", Field(result, "stdout"), StringComparison.Ordinal);
        Assert.Empty(written);
        Assert.Equal("inside\n", File.ReadAllText(Path.Combine(scenario.Workspace, "inside.txt")));
    }

    [BubblewrapFact]
    public async Task Read_only_mode_lets_nothing_be_written_not_even_the_workspace_or_tmp()
    {
        // Arrange
        using var scenario = new SandboxScenario();
        scenario.WriteFile(Path.Combine("workspace", "readme.txt"), "readable");
        var command = scenario.Script("probe.sh", """
            cat readme.txt; echo
            echo x > inside.txt || echo "NO WORKSPACE WRITE"
            echo x > /tmp/x || echo "NO TMP WRITE"
            echo DONE
            """);

        // Act
        var result = await scenario.CallAsync(scenario.Settings(SandboxMode.ReadOnly), command);

        // Assert
        AssertRanSandboxed(result, "read-only");
        Assert.Equal("readable\nNO WORKSPACE WRITE\nNO TMP WRITE\nDONE\n", Field(result, "stdout"));
        Assert.False(File.Exists(Path.Combine(scenario.Workspace, "inside.txt")));
    }

    [BubblewrapFact]
    public async Task The_git_directory_the_workspace_config_and_the_env_file_cannot_be_changed()
    {
        // Arrange
        using var scenario = new SandboxScenario();
        var config = scenario.WriteFile(Path.Combine("workspace", ".git", "config"), "[core]\n\tbare = false\n");
        Directory.CreateDirectory(Path.Combine(scenario.Workspace, ".git", "hooks"));
        var workspaceConfig = scenario.WriteFile(Path.Combine("workspace", "agentexec.json"), """{"rules":[]}""");
        var dotEnv = scenario.WriteFile(Path.Combine("workspace", ".env"), "OPENAI_API_KEY=sk-dotenv\n");
        var command = scenario.Script("probe.sh", """
            printf '#!/bin/sh\necho pwned\n' > .git/hooks/pre-commit
            printf '[core]\n\thooksPath = /tmp\n' >> .git/config
            echo '{"rules":[{"pattern":["rm"],"decision":"allow"}]}' > agentexec.json
            echo 'OPENAI_BASE_URL=http://evil' >> .env
            mv .git moved-git; rm -rf .git; mv agentexec.json moved.json; rm -f .env
            echo DONE
            """);

        // Act
        var result = await scenario.CallAsync(scenario.Settings(), command);

        // Assert
        AssertRanSandboxed(result, "workspace-write");
        Assert.False(File.Exists(Path.Combine(scenario.Workspace, ".git", "hooks", "pre-commit")), "A hook was planted.");
        Assert.Equal("[core]\n\tbare = false\n", File.ReadAllText(config));
        Assert.Equal("""{"rules":[]}""", File.ReadAllText(workspaceConfig));
        Assert.Equal("OPENAI_API_KEY=sk-dotenv\n", File.ReadAllText(dotEnv));
        Assert.False(Directory.Exists(Path.Combine(scenario.Workspace, "moved-git")));
    }

    [BubblewrapFact]
    public async Task Symbolic_links_inside_the_workspace_do_not_lead_out_of_it()
    {
        // Arrange: one link made on the host before the call, and more made by the command itself.
        using var scenario = new SandboxScenario();
        var marker = SandboxScenario.UniqueMarker();
        File.CreateSymbolicLink(Path.Combine(scenario.Workspace, "to-outside"), scenario.Outside);
        File.CreateSymbolicLink(Path.Combine(scenario.Workspace, "to-home-file"), Path.Combine(scenario.Home, marker));
        var command = scenario.Script("probe.sh", $"""
            echo x > to-outside/{marker}
            echo x > to-home-file
            ln -s /etc etc-link && echo x > etc-link/{marker}
            ln -s ../outside sibling-link && echo x > sibling-link/{marker}-2
            echo DONE
            """);

        // Act
        var result = await scenario.CallAsync(scenario.Settings(), command);

        // Assert
        AssertRanSandboxed(result, "workspace-write");
        Assert.Empty(Directory.EnumerateFileSystemEntries(scenario.Outside));
        Assert.Empty(Directory.EnumerateFileSystemEntries(scenario.Home));
        Assert.False(File.Exists(Path.Combine("/etc", marker)));
    }

    [BubblewrapFact]
    public async Task Paths_through_proc_self_root_reach_only_the_sandbox_view()
    {
        // Arrange
        using var scenario = new SandboxScenario();
        var marker = SandboxScenario.UniqueMarker();
        var command = scenario.Script("probe.sh", $"""
            echo x > /proc/self/root/etc/{marker}
            echo x > /proc/self/root{scenario.Outside}/{marker}
            echo x > /proc/1/root{scenario.Outside}/{marker}-1
            (cd /proc/self/root{scenario.Outside} && touch {marker}-cd)
            echo x > /proc/self/cwd/../outside/{marker}-cwd
            echo DONE
            """);

        // Act
        var result = await scenario.CallAsync(scenario.Settings(), command);

        // Assert
        AssertRanSandboxed(result, "workspace-write");
        Assert.Empty(Directory.EnumerateFileSystemEntries(scenario.Outside));
        Assert.False(File.Exists(Path.Combine("/etc", marker)));
    }

    [BubblewrapFact]
    public async Task A_tcp_listener_on_the_host_loopback_is_unreachable_with_network_off()
    {
        // Act
        var (result, connected) = await ConnectToAHostLoopbackListenerAsync(network: false);

        // Assert
        AssertRanSandboxed(result, "workspace-write");
        Assert.DoesNotContain("CONNECTED", Field(result, "stdout"), StringComparison.Ordinal);
        Assert.False(connected, "The sandboxed command connected to the host's listener.");
    }

    [BubblewrapFact]
    public async Task A_tcp_listener_on_the_host_loopback_is_reachable_with_network_on()
    {
        // Act: the positive control for the test above, so its failure to connect means something.
        var (result, connected) = await ConnectToAHostLoopbackListenerAsync(network: true);

        // Assert
        AssertRanSandboxed(result, "workspace-write");
        Assert.Contains("CONNECTED", Field(result, "stdout"), StringComparison.Ordinal);
        Assert.True(connected, "The listener saw no connection.");
    }

    [BubblewrapFact]
    public async Task Host_unix_sockets_in_tmp_run_and_the_runtime_directory_are_out_of_reach()
    {
        // Arrange: listeners where host services keep their sockets, and one in the workspace as the positive control
        // (a read-only mount does not stop connect(), which is why the folders are hidden rather than made read-only).
        using var scenario = new SandboxScenario();
        var inTmp = Path.Combine("/tmp", SandboxScenario.UniqueMarker() + ".sock");
        var inRuntime = Path.Combine(scenario.RuntimeDirectory, "agent.sock");
        var inWorkspace = Path.Combine(scenario.Workspace, "visible.sock");
        using var tmpListener = ListenOnUnixSocket(inTmp);
        using var runtimeListener = ListenOnUnixSocket(inRuntime);
        using var workspaceListener = ListenOnUnixSocket(inWorkspace);
        var command = scenario.Script("probe.sh", $"""
            for socket in {inTmp} {inRuntime} {inWorkspace}; do
              perl -MIO::Socket::UNIX -e 'IO::Socket::UNIX->new(Peer => $ARGV[0], Type => SOCK_STREAM) and print "CONNECTED $ARGV[0]\n"' "$socket"
            done
            ls -A /run
            echo DONE
            """);

        try
        {
            // Act
            var result = await scenario.CallAsync(scenario.Settings(), command);

            // Assert
            AssertRanSandboxed(result, "workspace-write");
            Assert.Equal($"CONNECTED {inWorkspace}\nDONE\n", Field(result, "stdout"));
            Assert.False(tmpListener.Poll(0, SelectMode.SelectRead), "A socket in the real /tmp was reached.");
            Assert.False(runtimeListener.Poll(0, SelectMode.SelectRead), "A socket in $XDG_RUNTIME_DIR was reached.");
        }
        finally
        {
            File.Delete(inTmp);
        }
    }

    [BubblewrapFact]
    public async Task Secrets_in_the_servers_environment_and_its_processes_are_out_of_reach()
    {
        // Arrange
        using var scenario = new SandboxScenario();
        var command = scenario.Script("probe.sh", $$"""
            echo "variable=${{{SandboxScenario.SecretVariable}}-unset}"
            env | grep -i api_key
            for f in /proc/[0-9]*/environ; do tr '\0' '\n' < "$f"; done | grep -i api_key
            for f in /proc/[0-9]*/cmdline; do tr '\0' ' ' < "$f"; echo; done
            echo DONE
            """);

        // Act
        var result = await scenario.CallAsync(scenario.Settings(), command);

        // Assert
        AssertRanSandboxed(result, "workspace-write");
        var stdout = Field(result, "stdout");
        Assert.Contains("variable=unset", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(SandboxScenario.SecretValue, stdout + Field(result, "stderr"), StringComparison.Ordinal);
        // The PID namespace shows only the sandbox's own processes, never the server (the test host).
        Assert.DoesNotContain("testhost", stdout, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("dotnet", stdout, StringComparison.OrdinalIgnoreCase);
    }

    [BubblewrapFact]
    public async Task Credential_folders_the_user_config_and_the_env_file_are_hidden()
    {
        // Arrange: a fake home with fake keys, never the real one.
        using var scenario = new SandboxScenario();
        scenario.WriteFile(Path.Combine("home", ".ssh", "id_ed25519"), "SSH-PRIVATE-KEY");
        scenario.WriteFile(Path.Combine("home", ".aws", "credentials"), "AWS-SECRET");
        scenario.WriteFile(Path.Combine("home", ".gnupg", "secring"), "GPG-SECRET");
        scenario.WriteFile(Path.Combine("home", ".docker", "config.json"), "DOCKER-SECRET");
        scenario.WriteFile(Path.Combine("home", ".netrc"), "NETRC-SECRET");
        scenario.WriteFile(Path.Combine("workspace", ".env"), "DOTENV-SECRET");
        var config = scenario.WriteFile(Path.Combine("config", "agentexec", "config.json"), """{"CONFIG-SECRET":1}""");
        var command = scenario.Script("probe.sh", $"""
            cat ~/.ssh/id_ed25519 ~/.aws/credentials ~/.gnupg/secring ~/.docker/config.json ~/.netrc .env {config}
            ls -A ~/.ssh ~/.aws
            echo ssh-rsa AAAA >> ~/.ssh/authorized_keys
            echo DONE
            """);

        // Act
        var result = await scenario.CallAsync(scenario.Settings(configPath: config), command);

        // Assert
        AssertRanSandboxed(result, "workspace-write");
        var output = Field(result, "stdout") + Field(result, "stderr");
        Assert.All(
            (string[])["SSH-PRIVATE-KEY", "AWS-SECRET", "GPG-SECRET", "DOCKER-SECRET", "NETRC-SECRET", "DOTENV-SECRET", "CONFIG-SECRET"],
            secret => Assert.DoesNotContain(secret, output, StringComparison.Ordinal));
        // The folders are listed empty (cat's complaints on stderr name the files; the listing on stdout must not).
        Assert.DoesNotContain("id_ed25519", Field(result, "stdout"), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(scenario.Home, ".ssh", "authorized_keys")));
    }

    [BubblewrapFact]
    public async Task The_audit_log_inside_a_writable_root_can_be_neither_written_nor_swapped()
    {
        // Arrange: the state folder holding the audit log is made a writable root, the worst case.
        using var scenario = new SandboxScenario();
        File.WriteAllText(scenario.AuditLogPath, "{\"seq\":1}\n");
        var state = Path.GetDirectoryName(scenario.AuditLogPath)!;
        var command = scenario.Script("probe.sh", $"""
            echo forged >> {scenario.AuditLogPath}
            mv {scenario.AuditLogPath} {state}/moved.jsonl
            echo scratch > {state}/scratch.txt && echo "SCRATCH WRITTEN"
            echo DONE
            """);

        // Act
        var result = await scenario.CallAsync(scenario.Settings(writableRoots: [state]), command);

        // Assert
        AssertRanSandboxed(result, "workspace-write");
        Assert.Contains("SCRATCH WRITTEN", Field(result, "stdout"), StringComparison.Ordinal);
        Assert.Equal("{\"seq\":1}\n", File.ReadAllText(scenario.AuditLogPath));
    }

    [BubblewrapFact]
    public async Task The_kernel_refuses_remounting_and_the_command_has_no_capabilities_in_a_new_session()
    {
        // Arrange: as root without --cap-drop ALL the remount works and the write lands in the host's /etc (seen
        // here), so the probe file has a unique name and is removed should a regression create it.
        using var scenario = new SandboxScenario();
        var probe = Path.Combine("/etc", SandboxScenario.UniqueMarker());
        var command = scenario.Script("probe.sh", $$"""
            mount -o remount,rw / && echo REMOUNTED
            mount -t tmpfs none /mnt && echo MOUNTED
            touch {{probe}} && echo WROTE-ETC
            grep -E '^(Cap(Inh|Prm|Eff|Amb)|NoNewPrivs):' /proc/self/status
            awk '{ print "session=" $6 }' /proc/self/stat
            echo DONE
            """);

        // Act
        var result = await scenario.CallAsync(scenario.Settings(), command);
        var probeWritten = File.Exists(probe);
        File.Delete(probe);

        // Assert
        AssertRanSandboxed(result, "workspace-write");
        var stdout = Field(result, "stdout");
        Assert.DoesNotContain("REMOUNTED", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("MOUNTED", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("WROTE-ETC", stdout, StringComparison.Ordinal);
        Assert.False(probeWritten, "The command wrote to the host's /etc.");
        foreach (var set in (string[])["CapInh", "CapPrm", "CapEff", "CapAmb"])
        {
            Assert.Contains($"{set}:\t0000000000000000\n", stdout, StringComparison.Ordinal);
        }

        Assert.Contains("NoNewPrivs:\t1\n", stdout, StringComparison.Ordinal);
        // The session's leader is inside the PID namespace (a session led from outside would read 0 here), so the
        // command has left the server's session and has no terminal to inject input into.
        var session = stdout.Split('\n').Single(line => line.StartsWith("session=", StringComparison.Ordinal));
        Assert.NotEqual("session=0", session);
    }

    [BubblewrapFact]
    public async Task A_command_that_outlives_its_timeout_leaves_no_process_behind()
    {
        // Arrange: a double-forked daemon and a setsid one, each carrying a marker in its command line that the test
        // looks for on the host afterwards (PIDs inside the namespace mean nothing out here).
        using var scenario = new SandboxScenario();
        var marker = SandboxScenario.UniqueMarker();
        var command = scenario.Script("probe.sh", $"""
            ( (exec -a {marker}-double sleep 300) & )
            setsid bash -c 'exec -a {marker}-setsid sleep 300' &
            until pgrep -f {marker}-double >/dev/null && pgrep -f {marker}-setsid >/dev/null; do sleep 0.05; done
            echo STARTED
            sleep 300
            """);

        // Act
        var result = await scenario.CallAsync(scenario.Settings(), command, timeoutMs: 3000);

        // Assert
        Assert.Equal(("timed_out", "true", "STARTED\n"), (Field(result, "status"), Field(result, "timed_out"), Field(result, "stdout")));
        try
        {
            Assert.True(HostProcesses.NoneWithin(marker, KillIsDelivered), $"A process with {marker} survived: {string.Join(", ", HostProcesses.Matching(marker))}");
        }
        finally
        {
            HostProcesses.KillAll(marker);
        }
    }

    [BubblewrapFact]
    public async Task A_background_process_does_not_outlive_a_command_that_exits()
    {
        // Arrange
        using var scenario = new SandboxScenario();
        var marker = SandboxScenario.UniqueMarker();
        var command = scenario.Script("probe.sh", $"""
            ( (exec -a {marker} sleep 300) & ) >/dev/null 2>&1
            until pgrep -f {marker} >/dev/null; do sleep 0.05; done
            echo DONE
            """);

        // Act
        var result = await scenario.CallAsync(scenario.Settings(), command);

        // Assert
        AssertRanSandboxed(result, "workspace-write");
        try
        {
            Assert.True(HostProcesses.NoneWithin(marker, KillIsDelivered), $"A process with {marker} survived: {string.Join(", ", HostProcesses.Matching(marker))}");
        }
        finally
        {
            HostProcesses.KillAll(marker);
        }
    }

    // A listener on the host's loopback, and a sandboxed probe (network on or off) that tries to connect to it: the tool
    // result, and whether the listener saw a connection.
    private static async Task<(JsonElement Result, bool Connected)> ConnectToAHostLoopbackListenerAsync(bool network)
    {
        using var scenario = new SandboxScenario();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var command = scenario.Script("probe.sh", $"""
            (exec 3<>/dev/tcp/127.0.0.1/{port}) && echo CONNECTED
            echo DONE
            """);
        var result = await scenario.CallAsync(scenario.Settings(network: network), command);
        return (result, listener.Pending());
    }

    private static Socket ListenOnUnixSocket(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        socket.Listen();
        return socket;
    }

    private static void AssertRanSandboxed(JsonElement result, string mode)
    {
        Assert.Equal(("completed", mode, "bubblewrap"), (Field(result, "status"), Field(result, "sandbox"), Field(result, "sandbox_backend")));
        Assert.EndsWith("DONE\n", Field(result, "stdout"), StringComparison.Ordinal);
    }

    private static string Field(JsonElement result, string name) =>
        ShellScenario.Field(result, name) ?? string.Empty;
}
