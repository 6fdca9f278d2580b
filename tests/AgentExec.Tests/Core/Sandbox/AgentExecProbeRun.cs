using System.Globalization;
using AgentExec.Tests.EndToEnd;
using CliWrap;
using CliWrap.Buffered;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>
/// The real <c>agentexec</c> executable (the JIT apphost beside the tests) run as <c>agentexec run</c> in a fresh
/// workspace, with a private home, a private <c>TMPDIR</c> outside <c>/tmp</c> and a host folder outside the workspace,
/// for escape probes that must see AgentExec exactly as a user starts it.
/// </summary>
/// <remarks>
/// The private <c>TMPDIR</c> lives under <c>/var/tmp</c> on purpose: under <c>/tmp</c> bubblewrap's hiding of <c>/tmp</c>
/// would hide it anyway, and the hiding of the server's own temporary directory would go untested.
/// </remarks>
internal sealed class AgentExecProbeRun : IDisposable
{
    private readonly TemporaryDirectory _root = new();

    public AgentExecProbeRun()
    {
        Workspace = Directory.CreateDirectory(Path.Combine(_root.Path, "workspace")).FullName;
        HostFolder = Directory.CreateDirectory(Path.Combine(_root.Path, "host")).FullName;
        ServerTemporaryDirectory = Path.Combine("/var/tmp", "agentexec-tests-tmpdir-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(ServerTemporaryDirectory);
    }

    public string Workspace { get; }

    /// <summary>A host folder outside the workspace: read-only (or hidden) for every sandboxed command.</summary>
    public string HostFolder { get; }

    /// <summary>The <c>TMPDIR</c> the agentexec process runs with.</summary>
    public string ServerTemporaryDirectory { get; }

    /// <summary>An isolated environment for agentexec: private home and XDG folders, the private <c>TMPDIR</c>.</summary>
    public Dictionary<string, string?> Environment()
    {
        var environment = AgentExecProcess.IsolatedEnvironment(Path.Combine(_root.Path, "home"));
        environment["TMPDIR"] = ServerTemporaryDirectory;

        // What the tests' own host process has must not decide for the process under test; a test sets it.
        environment["DOTNET_EnableDiagnostics"] = null;
        environment["COMPlus_EnableDiagnostics"] = null;
        return environment;
    }

    /// <summary>The arguments of <c>agentexec run</c> for <paramref name="command"/> on <paramref name="backend"/>, no questions asked.</summary>
    public static string[] RunArguments(string backend, bool network, params string[] command) =>
        ["run", "--sandbox-backend", backend, "--approval-policy", "never", .. network ? ["--network"] : Array.Empty<string>(), "--", .. command];

    /// <summary>Writes <paramref name="body"/> as a file of the workspace and returns its path.</summary>
    public string WriteWorkspaceFile(string name, string body)
    {
        var path = Path.Combine(Workspace, name);
        File.WriteAllText(path, body);
        return path;
    }

    /// <summary>Starts <paramref name="program"/> in the workspace with <paramref name="environment"/>; the task completes with its output.</summary>
    public CommandTask<BufferedCommandResult> Start(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, CancellationToken cancellationToken) =>
        CliWrap.Cli.Wrap(program)
            .WithArguments(arguments)
            .WithWorkingDirectory(Workspace)
            .WithEnvironmentVariables(environment)
            .WithStandardInputPipe(PipeSource.Null)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(cancellationToken);

    /// <summary>Runs the real agentexec with <paramref name="arguments"/> to completion.</summary>
    public async Task<BufferedCommandResult> RunAgentExecAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        return await Start(AgentExecProcess.ExecutablePath, arguments, environment ?? Environment(), timeout.Token);
    }

    /// <summary>
    /// Every named AF_UNIX socket (a path, or an abstract name written <c>@name</c>) that <paramref name="rootPid"/> or one
    /// of its descendants holds, found from the host side: socket inodes from <c>/proc/PID/fd</c>, names from
    /// <c>/proc/net/unix</c>.
    /// </summary>
    public static IReadOnlyList<string> NamedUnixSocketsOfTree(int rootPid)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pid in ProcessTree(rootPid))
        {
            string[] descriptors;
            try
            {
                descriptors = Directory.GetFileSystemEntries($"/proc/{pid}/fd");
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var descriptor in descriptors)
            {
                try
                {
                    if (new FileInfo(descriptor).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
                    {
                        inodes.Add(target["socket:[".Length..^1]);
                    }
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    // Closed meanwhile.
                }
            }
        }

        var names = new List<string>();
        foreach (var line in File.ReadAllLines("/proc/net/unix").Skip(1))
        {
            // Num RefCount Protocol Flags Type St Inode [Path]
            var fields = line.Split(' ', 8, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 8 && inodes.Contains(fields[6]))
            {
                names.Add(fields[7].Trim());
            }
        }

        return names;
    }

    /// <summary><paramref name="rootPid"/> and every process below it.</summary>
    public static IReadOnlyList<int> ProcessTree(int rootPid)
    {
        var parents = new Dictionary<int, int>();
        foreach (var entry in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(entry, "stat"));
                var afterName = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(afterName[1], CultureInfo.InvariantCulture);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
            {
                // Exited meanwhile.
            }
        }

        var tree = new List<int> { rootPid };
        for (var index = 0; index < tree.Count; index++)
        {
            tree.AddRange(parents.Where(pair => pair.Value == tree[index]).Select(pair => pair.Key));
        }

        return tree;
    }

    /// <summary>Waits until <paramref name="path"/> exists or <paramref name="running"/> ended; false when it never appeared.</summary>
    public static async Task<bool> WaitForFileAsync(string path, Task running)
    {
        for (var attempt = 0; attempt < 1200 && !running.IsCompleted; attempt++)
        {
            if (File.Exists(path))
            {
                return true;
            }

            await Task.Delay(50);
        }

        return File.Exists(path);
    }

    public void Dispose()
    {
        _root.Dispose();
        try
        {
            Directory.Delete(ServerTemporaryDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A process the test could not stop may still hold a file there.
        }
    }
}
