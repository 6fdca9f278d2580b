using System.IO.Hashing;
using System.Runtime.Versioning;
using System.Text;
using AgentExec.Core.Audit;
using AgentExec.Core.Configuration;

namespace AgentExec.Core.Sandbox;

/// <summary>
/// Remembers that bubblewrap's start-up trial run passed, so that a later start with the same facts skips it: a
/// sandbox set up and torn down, and the workspace walk its mount plan makes (about 15 ms of every start).
/// </summary>
/// <remarks>
/// <para>
/// Only a pass is remembered, as a file in <c>$XDG_CACHE_HOME/agentexec/bubblewrap-trial/</c> that holds everything
/// the outcome depends on (<see cref="Facts"/>) and is named by its XxHash128 (a name needs no cryptographic hash: one
/// that collides still has to hold the same facts): this cache's format,
/// the identity (device, inode, size, times) of the running <c>agentexec</c> and of <c>bwrap</c>, the kernel release
/// and boot, the process's user and mount namespaces, the kernel's user-namespace switches, and every setting and host
/// path the trial's wrapping is built from. A change to any of them names another file, and the trial runs again.
/// </para>
/// <para>
/// The facts also hold the mount table's digest, the process's security label, seccomp and no_new_privs state, and
/// <c>/etc/ld.so.preload</c>; what they still cannot see (an AppArmor profile loaded for <c>bwrap</c> itself, a library
/// it links) is bounded by <see cref="LongestTrust"/>. An entry can only ever say "bubblewrap works". A stale one
/// therefore never runs a command with less confinement by itself: each sandboxed command fails inside bubblewrap's own
/// set-up, before it starts. It does change what happens next, though: without the entry, <c>auto</c> would have
/// chosen Landlock at start (or <c>--sandbox-backend bubblewrap</c> refused to start); with it, the failure is reported
/// like any sandbox failure, and under <c>on-failure</c> the human is asked whether to retry without the sandbox.
/// Hence the facts are broad and the trust is short.
/// </para>
/// <para>
/// The cache is trusted only as SPEC.md asks of every file AgentExec trusts: where its folder lies inside the
/// workspace or a writable root, it is neither read nor written, and the trial runs at every start.
/// </para>
/// </remarks>
[SupportedOSPlatform("linux")]
internal sealed class BubblewrapTrialCache
{
    /// <summary>
    /// How long a pass is believed: a bound on staleness from whatever the facts cannot see (an AppArmor profile
    /// loaded for bwrap, a library bwrap links). A restart a day later pays one trial.
    /// </summary>
    public static readonly TimeSpan LongestTrust = TimeSpan.FromHours(24);

    /// <summary>Bumped whenever what a pass means changes, so entries of an older meaning are never read.</summary>
    private const string Format = "agentexec bubblewrap trial cache 2";

    private readonly string _directory;
    private readonly string _entry;
    private readonly string _facts;

    private BubblewrapTrialCache(string directory, string entry, string facts)
    {
        _directory = directory;
        _entry = entry;
        _facts = facts;
    }

    /// <summary>The cache for one trial, or null when there is no usable place for it or a fact cannot be read.</summary>
    /// <param name="settings">The resolved settings the trial wraps for.</param>
    /// <param name="hostEnvironment">The server's environment (<c>XDG_CACHE_HOME</c>, <c>HOME</c>, and what the wrapping reads).</param>
    /// <param name="executable">The absolute path of the <c>bwrap</c> the trial runs.</param>
    public static BubblewrapTrialCache? For(AgentExecSettings settings, IReadOnlyDictionary<string, string> hostEnvironment, string executable)
    {
        var home = hostEnvironment.TryGetValue("HOME", out var value) && Path.IsPathFullyQualified(value) ? value : null;
        if (ConfigPaths.XdgDirectory(hostEnvironment, "XDG_CACHE_HOME", home, ".cache") is not { } cacheHome
            || !RealPath.TryResolve(Path.Join(cacheHome, "agentexec", "bubblewrap-trial"), out var directory, out _)
            || IsAgentWritable(directory, settings)
            || Facts(settings, hostEnvironment, executable) is not { } facts)
        {
            return null;
        }

        var name = Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes(facts)));
        return new BubblewrapTrialCache(directory, Path.Join(directory, name), facts);
    }

    /// <summary>True when a trial with these facts has passed within <see cref="LongestTrust"/>.</summary>
    public bool HasPassed()
    {
        try
        {
            return File.Exists(_entry)
                && DateTime.UtcNow - File.GetLastWriteTimeUtc(_entry) < LongestTrust
                && File.ReadAllText(_entry) == _facts;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Records a pass. Best effort: a cache that cannot be written only means the next start runs the trial.</summary>
    public void RecordPass()
    {
        try
        {
            OwnerOnlyDirectory.CreateWithParents(_directory);
            // Written beside and renamed into place, so a reader never sees half the facts.
            var written = _entry + "." + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            File.WriteAllText(written, _facts);
            File.Move(written, _entry, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing lost but time.
        }
    }

    /// <summary>
    /// Everything the trial's outcome depends on, one fact a line; null when one cannot be read (then nothing is
    /// cached, rather than a key that would match facts it never saw).
    /// </summary>
    internal static string? Facts(AgentExecSettings settings, IReadOnlyDictionary<string, string> hostEnvironment, string executable)
    {
        var agentexec = Environment.ProcessPath;
        if (agentexec is null
            || FileStamp.Of(agentexec) is not { } agentexecIdentity
            || FileStamp.Of(executable) is not { } bubblewrapIdentity
            || File.Exists("/proc/sys/kernel/random/boot_id") is false)
        {
            return null;
        }

        // Equal stamps do not prove an unchanged binary (FileStamp): an in-place rewrite to the same size within one clock
        // tick, or through a shared writable mapping of an installed binary, is far-fetched, and a pass it kept would
        // still only say "bubblewrap works" for at most LongestTrust.
        var facts = new StringBuilder()
            .AppendLine(Format)
            .AppendLine($"agentexec {agentexec} {agentexecIdentity} {typeof(BubblewrapTrialCache).Assembly.GetName().Version}")
            .AppendLine($"bwrap {executable} {bubblewrapIdentity}")
            .AppendLine($"kernel {ReadKernelFact("/proc/sys/kernel/osrelease")} boot {ReadKernelFact("/proc/sys/kernel/random/boot_id")}")
            .AppendLine($"namespaces {Link("/proc/self/ns/user")} {Link("/proc/self/ns/mnt")} uid {Environment.UserName}")
            .AppendLine($"userns max {ReadKernelFact("/proc/sys/user/max_user_namespaces")}")
            .AppendLine($"userns clone {ReadKernelFact("/proc/sys/kernel/unprivileged_userns_clone")}")
            .AppendLine($"userns apparmor {ReadKernelFact("/proc/sys/kernel/apparmor_restrict_unprivileged_userns")}")
            .AppendLine($"mounts {Digest("/proc/self/mountinfo")}")
            .AppendLine($"security label {ReadKernelFact("/proc/self/attr/current")}")
            .AppendLine($"confinement {string.Join(' ', StatusLines("Seccomp:", "NoNewPrivs:"))}")
            .AppendLine($"preload {ReadKernelFact("/etc/ld.so.preload")}")
            .AppendLine($"mode {settings.Sandbox.ToCode()} network {settings.Network}")
            .AppendLine($"workspace {settings.Workspace}")
            .AppendLine($"config {settings.ConfigPath} inside {settings.ConfigIsInsideWorkspace}")
            .AppendLine($"audit {settings.AuditLogPath}");
        foreach (var root in settings.WritableRoots)
        {
            facts.AppendLine($"writable {root}");
        }

        foreach (var path in settings.CredentialPaths)
        {
            facts.AppendLine($"credential {path}");
        }

        // What SandboxHostPaths and the credential list read from the server's environment.
        foreach (var name in (string[])["HOME", "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME", "TMPDIR"])
        {
            facts.AppendLine($"env {name}={hostEnvironment.GetValueOrDefault(name)}");
        }

        return facts.ToString();
    }

    // A large or fast-changing fact (the mount table) by its digest: any mount or unmount in this namespace changes it.
    private static string Digest(string path)
    {
        try
        {
            return Convert.ToHexStringLower(XxHash128.Hash(File.ReadAllBytes(path)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "unreadable";
        }
    }

    // Whether this process is already under a seccomp filter or no_new_privs (set by whatever started it): both can
    // stop bubblewrap's set-up.
    private static IEnumerable<string> StatusLines(params string[] names)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines("/proc/self/status");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ["unreadable"];
        }

        return lines.Where(line => names.Any(name => line.StartsWith(name, StringComparison.Ordinal))).Select(line => line.Replace('\t', ' '));
    }

    private static bool IsAgentWritable(string directory, AgentExecSettings settings) =>
        RealPath.IsSameOrInside(directory, settings.Workspace)
        || settings.WritableRoots.Any(root => RealPath.IsSameOrInside(directory, root));

    // A switch this kernel does not have is a fact too ("absent"), distinct from any value it could hold.
    private static string ReadKernelFact(string path)
    {
        try
        {
            return "=" + File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return File.Exists(path) ? "unreadable" : "absent";
        }
    }

    private static string Link(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget ?? "none";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "unreadable";
        }
    }
}
