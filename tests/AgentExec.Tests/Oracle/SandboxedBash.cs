using System.Diagnostics;
using System.Text;

namespace AgentExec.Tests.Oracle;

/// <summary>
/// Runs one command line as <c>/bin/bash -c LINE</c> under <c>strace -f</c>, inside a throwaway bubblewrap
/// sandbox: every namespace private (no network but its own loopback), a private <c>/tmp</c>, the host's
/// <c>/home</c>, <c>/root</c> and <c>/run</c> hidden, and a fresh copy of the scratch area the only writable place.
/// </summary>
/// <remarks>
/// The scratch area is mounted read-only at <see cref="TemplateInSandbox"/> and copied, before tracing starts,
/// into a tmpfs laid over its own path: every run starts from the pristine area, at the path the analyzer judged,
/// and nothing a line writes outlives its sandbox. strace runs inside the sandbox so that only the line is traced,
/// never bubblewrap or the copy. Its log goes to a directory outside the scratch area; a line writing there would
/// still show up as a write. Each run is bounded in time and in captured output; a run that is cut short keeps the
/// events traced so far.
/// </remarks>
internal sealed class SandboxedBash(ScratchArea area)
{
    /// <summary>The <c>PATH</c> a line sees, the same one the analyzer is told about.</summary>
    public const string SearchPath = "/usr/local/bin:/usr/bin:/bin";

    public const string Bubblewrap = "/usr/bin/bwrap";

    public const string Strace = "/usr/bin/strace";

    /// <summary>Where the pristine scratch area is visible, read-only, inside the sandbox.</summary>
    public const string TemplateInSandbox = "/run/agentexec-oracle-template";

    // Copies the pristine area into the fresh tmpfs, enters the working directory, then becomes strace.
    private const string Prepare = "cp -a \"$0\"/. \"$1\"/ && cd \"$2\" && shift 2 && exec \"$@\"";

    // Process creation, every file-changing call, sockets, and the few calls that change the machine itself.
    // A writable descriptor can only come from a traced open (stdin/stdout/stderr are pipes or /dev/null), so
    // write() itself is not traced. "?" keeps strace quiet about calls an older kernel or strace does not know.
    private const string TracedCalls =
        "execve,execveat,open,openat,?openat2,creat,unlink,unlinkat,rename,renameat,?renameat2,link,linkat,symlink,symlinkat,"
        + "mkdir,mkdirat,rmdir,truncate,ftruncate,chmod,fchmod,fchmodat,?fchmodat2,chown,fchown,lchown,fchownat,"
        + "utime,utimes,utimensat,futimesat,mknod,mknodat,setxattr,lsetxattr,fsetxattr,removexattr,lremovexattr,fremovexattr,"
        + "socket,connect,bind,sendto,sendmsg,clone,?clone3,fork,vfork,sethostname,setdomainname,settimeofday,clock_settime";

    private const int OutputLimit = 64 * 1024;
    private const long TraceLimit = 32L * 1024 * 1024;

    /// <summary>How long one line may run before it is killed.</summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Runs <paramref name="line"/> in a fresh copy of the scratch area, and returns what strace saw.</summary>
    public BashRun Run(string line)
    {
        var traceFile = Path.Combine(area.TraceDirectory, "trace");
        File.Delete(traceFile);
        var start = new ProcessStartInfo(Bubblewrap)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in Arguments(line, traceFile))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bwrap did not start");
        process.StandardInput.Close();
        var output = Drain(process.StandardOutput.BaseStream);
        var error = Drain(process.StandardError.BaseStream);
        var timedOut = !process.WaitForExit(TimeLimit);
        if (timedOut)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        Task.WaitAll(output, error);
        return new BashRun(line, ReadTrace(traceFile), output.Result, error.Result, timedOut, timedOut ? null : process.ExitCode);
    }

    private IEnumerable<string> Arguments(string line, string traceFile) =>
    [
        "--unshare-all", "--die-with-parent", "--new-session",
        "--ro-bind", "/", "/",
        "--dev", "/dev",
        "--proc", "/proc",
        "--tmpfs", "/tmp",
        "--tmpfs", "/run",
        "--tmpfs", "/home",
        "--tmpfs", "/root",
        "--ro-bind", area.Root, TemplateInSandbox,
        "--tmpfs", area.Root,
        "--bind", area.TraceDirectory, area.TraceDirectory,
        "--clearenv",
        "--setenv", "HOME", area.Home,
        "--setenv", "PATH", SearchPath,
        "--setenv", "LANG", "C.UTF-8",
        "--",
        "/bin/sh", "-c", Prepare, TemplateInSandbox, area.Root, area.Work,
        Strace, "-f", "-qq", "-y", "-s", "4096", "-e", "signal=none", "-e", $"trace={TracedCalls}", "-o", traceFile,
        "/bin/bash", "-c", line,
    ];

    private static string ReadTrace(string traceFile)
    {
        if (!File.Exists(traceFile))
        {
            return string.Empty;
        }

        using var stream = File.OpenRead(traceFile);
        var length = (int)Math.Min(stream.Length, TraceLimit);
        var buffer = new byte[length];
        stream.ReadExactly(buffer);
        return Encoding.UTF8.GetString(buffer);
    }

    // Keeps the first OutputLimit bytes and throws the rest away, so that a chatty line cannot block on a full pipe.
    private static async Task<string> Drain(Stream stream)
    {
        var kept = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            var room = OutputLimit - (int)kept.Length;
            if (room > 0)
            {
                kept.Write(buffer, 0, Math.Min(room, read));
            }
        }

        return Encoding.UTF8.GetString(kept.ToArray());
    }
}
