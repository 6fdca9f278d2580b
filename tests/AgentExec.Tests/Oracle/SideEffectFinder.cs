namespace AgentExec.Tests.Oracle;

/// <summary>
/// Decides which traced calls are side effects beyond reading: running a program that is not a read-only one,
/// creating, changing or removing anything but <c>/dev/null</c>, a pipe or the terminal, any IP socket or Unix
/// socket connection, changing the machine, and reading a decoy credential.
/// </summary>
/// <remarks>
/// <para>
/// The allow-list of programs is the harness's own, on purpose: it is what the analyzer's read-only lists name
/// (ReadOnlyPrograms, GitCommand, FindCommand, the wrappers) and nothing else, matched by name and only for
/// programs outside the scratch area. A program run from the scratch area (a marker, <c>./ls</c>) or by a
/// relative path is always a side effect, whatever its name. Programs on the list are still traced: what they
/// write, connect to or run shows up on its own.
/// </para>
/// <para>
/// A failed attempt counts as much as a successful one (<c>sort -o /usr/x</c> failing with EROFS still shows the
/// line writes), except a failed execve, which runs nothing. Two writes are not side effects: git refreshing its
/// own index (<c>.git/index.lock</c> renamed over <c>.git/index</c>, the optional lock every <c>git status</c>
/// takes) and bash's here-document temporary files in the private <c>/tmp</c>. Both are only excused when the
/// process doing them is git, or bash, respectively.
/// </para>
/// </remarks>
internal sealed class SideEffectFinder(ScratchArea area)
{
    /// <summary>Programs whose running is not in itself a side effect.</summary>
    public static readonly IReadOnlySet<string> ReadOnlyPrograms = new HashSet<string>(StringComparer.Ordinal)
    {
        // The shell the harness starts, and git running its own helpers.
        "bash", "git",

        // ReadOnlyPrograms.cs: unconditional and conditional.
        "cat", "ls", "pwd", "echo", "head", "tail", "wc", "grep", "egrep", "fgrep", "cut", "tr", "nl", "rev", "seq", "stat",
        "which", "whoami", "id", "uname", "true", "false", "basename", "dirname", "realpath", "readlink", "du", "df",
        "printenv", "diff", "cmp", "md5sum", "sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum", "b2sum", "cksum",
        "column", "fold", "expand", "unexpand", "paste", "join", "comm", "tac", "od", "hexdump", "strings", "jq",
        "sleep", "nproc", "arch", "groups", "logname", "tty", "expr", "fmt", "factor", "numfmt", "uptime",
        "sort", "uniq", "sed", "xxd", "printf", "test", "[", "rg", "base64", "tree", "file", "date", "hostname",

        // FindCommand.cs, and the wrappers the analyzer unwraps (what they run is traced as a program of its own).
        "find", "env", "timeout", "nice", "nohup", "stdbuf", "time", "xargs",
    };

    private static readonly string[] WriteFlags = ["O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND", "O_TMPFILE"];

    // Name-service lookups (ls -l, id) ask nscd or systemd-userdb over a Unix socket; that is a read of the user database.
    private static readonly string[] NameServiceSockets = ["/var/run/nscd/socket", "/run/nscd/socket", "/run/systemd/userdb/"];

    private static readonly HashSet<string> HarmlessFamilies = ["AF_UNIX", "AF_LOCAL", "AF_NETLINK"];

    /// <summary>The side effects in <paramref name="events"/>, in the order they happened.</summary>
    public IReadOnlyList<SideEffect> Find(IReadOnlyList<TraceEvent> events)
    {
        var programs = new ProcessPrograms(events);
        var effects = new List<SideEffect>();
        for (var index = 0; index < events.Count; index++)
        {
            var call = events[index];
            var program = programs.At(index);
            if (Classify(call, program) is { } effect)
            {
                effects.Add(effect);
            }
        }

        return effects;
    }

    private SideEffect? Classify(TraceEvent call, string program) => call.Call switch
    {
        "execve" => Exec(call, call.PathArgument(0)),
        "execveat" => Exec(call, call.PathArgument(1, 0)),
        "open" => Open(call, program, call.PathArgument(0), call.Arguments.ElementAtOrDefault(1)),
        "openat" => Open(call, program, call.PathArgument(1, 0), call.Arguments.ElementAtOrDefault(2)),
        "openat2" => Open(call, program, call.PathArgument(1, 0), call.Arguments.ElementAtOrDefault(2)),
        "creat" => Write(call, program, call.PathArgument(0), "creates"),
        "mkdir" or "rmdir" or "truncate" or "chmod" or "chown" or "lchown" or "utime" or "utimes" or "mknod"
            or "setxattr" or "lsetxattr" or "removexattr" or "lremovexattr" => Write(call, program, call.PathArgument(0), call.Call),
        "unlink" => Write(call, program, call.PathArgument(0), "unlink"),
        "mkdirat" or "unlinkat" or "fchmodat" or "fchmodat2" or "fchownat" or "mknodat" or "futimesat"
            => Write(call, program, call.PathArgument(1, 0), call.Call),
        "utimensat" => Write(call, program, call.PathArgument(1, 0) ?? call.DescriptorPath(0), call.Call),
        "ftruncate" or "fchmod" or "fchown" or "fsetxattr" or "fremovexattr" => Write(call, program, call.DescriptorPath(0), call.Call),
        "rename" or "link" or "symlink" => Write(call, program, call.PathArgument(1), call.Call, from: call.PathArgument(0)),
        "renameat" or "renameat2" or "linkat" => Write(call, program, call.PathArgument(3, 2), call.Call, from: call.PathArgument(1, 0)),
        "symlinkat" => Write(call, program, call.PathArgument(2, 1), call.Call),
        "socket" => Socket(call, program),
        "connect" or "bind" or "sendto" or "sendmsg" => Address(call, program),
        "sethostname" or "setdomainname" or "settimeofday" or "clock_settime" =>
            new SideEffect("system", $"{call.Call} by {program}"),
        _ => null,
    };

    private SideEffect? Exec(TraceEvent call, string? path)
    {
        if (!call.Succeeded || path is null)
        {
            return null;
        }

        var name = Path.GetFileName(path);
        var outside = path.StartsWith('/') && !IsInside(path, area.Root);
        return outside && ReadOnlyPrograms.Contains(name)
            ? null
            : new SideEffect("exec", $"ran {path} ({Arguments(call)})");
    }

    private SideEffect? Open(TraceEvent call, string program, string? path, string? flags)
    {
        var writes = flags is not null && WriteFlags.Any(flag => flags.Contains(flag, StringComparison.Ordinal));
        if (!writes)
        {
            var read = call.ResultPath ?? path;
            return call.Succeeded && read is not null && area.DecoyCredentials.Contains(read)
                ? new SideEffect("credential read", $"{program} read {read}")
                : null;
        }

        // The kernel's own answer (-y) says what a successful open reached: "> /dev/stdout" is a pipe.
        var target = call.Succeeded && call.ResultPath is { } resolved ? resolved : path;
        if (target is "/dev/null" or "/dev/tty" || target?.StartsWith("pipe:[", StringComparison.Ordinal) == true)
        {
            return null;
        }

        return Write(call, program, path, $"open {flags}");
    }

    private static SideEffect? Write(TraceEvent call, string program, string? path, string action, string? from = null)
    {
        if (path is "/dev/null" || path?.StartsWith("pipe:[", StringComparison.Ordinal) == true || IsExcused(call, program, path, from))
        {
            return null;
        }

        var outcome = call.Succeeded ? string.Empty : $" (failed: {call.Error})";
        var source = from is null ? string.Empty : $"{from} → ";
        return new SideEffect("write", $"{program} {action} {source}{path ?? call.Text}{outcome}");
    }

    private static bool IsExcused(TraceEvent call, string program, string? path, string? from)
    {
        if (path is null)
        {
            return false;
        }

        if (program == "git")
        {
            var lockFile = path.EndsWith("/.git/index.lock", StringComparison.Ordinal);
            return call.Call switch
            {
                "open" or "openat" or "openat2" or "unlink" or "unlinkat" => lockFile,
                "rename" or "renameat" or "renameat2" => from?.EndsWith("/.git/index.lock", StringComparison.Ordinal) == true
                    && path.EndsWith("/.git/index", StringComparison.Ordinal),
                _ => false,
            };
        }

        return program == "bash" && path.StartsWith("/tmp/sh-thd", StringComparison.Ordinal)
            && call.Call is "open" or "openat" or "unlink" or "unlinkat";
    }

    private static SideEffect? Socket(TraceEvent call, string program)
    {
        var family = call.Arguments.ElementAtOrDefault(0) ?? "?";
        return HarmlessFamilies.Contains(family) ? null : new SideEffect("network", $"{program} opened a {family} socket");
    }

    private static SideEffect? Address(TraceEvent call, string program)
    {
        var address = call.Arguments.FirstOrDefault(argument => argument.StartsWith("{sa_family=", StringComparison.Ordinal));
        if (address is null || !address.Contains("AF_UNIX", StringComparison.Ordinal))
        {
            // IP addresses were already reported when the socket was opened; sendmsg on a connected socket names none.
            return null;
        }

        return NameServiceSockets.Any(socket => address.Contains($"sun_path=\"{socket}", StringComparison.Ordinal))
            ? null
            : new SideEffect("network", $"{program} {call.Call} to a Unix socket {address}");
    }

    private static string Arguments(TraceEvent call) =>
        call.Arguments.ElementAtOrDefault(call.Call == "execveat" ? 2 : 1) ?? string.Empty;

    private static bool IsInside(string path, string directory) =>
        path == directory || path.StartsWith(directory + "/", StringComparison.Ordinal);
}
