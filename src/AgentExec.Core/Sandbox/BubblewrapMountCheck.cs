using System.Text;

namespace AgentExec.Core.Sandbox;

/// <summary>
/// The check that runs inside a bubblewrap sandbox after bubblewrap has built it and before the command starts: the
/// sandbox's own mount table (<c>/proc/self/mountinfo</c>, the kernel's account) must show every mount inside a writable
/// root where the plan put it, binding what the plan bound, and no writable mount of anything outside the writable roots.
/// Otherwise the command does not run (exit <see cref="RefusedExitCode"/>).
/// </summary>
/// <remarks>
/// <para>
/// Why: the plan resolves every path before bubblewrap starts, and bubblewrap resolves each one again when it mounts,
/// following links. A command already running in the workspace (another call, started earlier) can swap a directory for
/// a link in between: an attack turned the pin of <c>sub/</c> (a writable bind of the directory onto itself) into a
/// writable bind of the home directory, and wrote <c>~/.bashrc</c> and the user's agentexec config from the next call's
/// sandbox. bubblewrap 0.8 offers no way to mount a path without following links, and its <c>--bind-fd</c> needs file
/// descriptors that .NET cannot hand a child; so the result is checked instead, where no race can reach: mounts, once
/// made, stay where the kernel put them, whatever is renamed later.
/// </para>
/// <para>
/// How: <c>/bin/sh</c> runs one <c>awk</c> program (both from the host's read-only root, so not the agent's), then
/// <c>exec</c>s the command in its place. The expectations travel as arguments, each path escaped as the mount table
/// escapes it. It costs one <c>sh</c> and one <c>awk</c> start per sandboxed command, about 1–2 ms.
/// </para>
/// </remarks>
public static class BubblewrapMountCheck
{
    /// <summary>The exit code of a command that did not run because its sandbox was not built as planned.</summary>
    public const int RefusedExitCode = 125;

    /// <summary>The shell that runs the check; <c>/bin/sh</c> is in every Debian system (essential).</summary>
    public const string Shell = "/bin/sh";

    /// <summary>The awk the check runs; Debian's <c>mawk</c> is a required package.</summary>
    public const string Awk = "/usr/bin/awk";

    // The sandbox's argv[0] for the check, as ps shows it.
    private const string Name = "agentexec-mount-check";

    /// <summary>One thing the mount table must show.</summary>
    /// <param name="Kind"><c>R</c> a writable root, <c>M</c> a bind of a directory of <paramref name="WithinRoot"/> onto itself, <c>D</c> a hiding mount.</param>
    /// <param name="Destination">Where the mount must be.</param>
    /// <param name="WithinRoot">For <c>M</c>, the writable root the bound directory lies in; otherwise null.</param>
    public sealed record Expectation(char Kind, string Destination, string? WithinRoot)
    {
        /// <summary>A writable root, bound onto itself.</summary>
        public static Expectation Root(string root) => new('R', root, null);

        /// <summary>A directory inside <paramref name="root"/> bound onto itself (a pin, or a read-only keep).</summary>
        public static Expectation SelfBind(string destination, string root) => new('M', destination, root);

        /// <summary>A hiding mount (a tmpfs, or <c>/dev/null</c>) at <paramref name="destination"/>.</summary>
        public static Expectation Hiding(string destination) => new('D', destination, null);

        /// <summary>The argument the check reads: the kind and the paths, tab-separated, each escaped as the mount table does.</summary>
        public string Encoded => WithinRoot is null ? $"{Kind}\t{Escape(Destination)}" : $"{Kind}\t{Escape(Destination)}\t{Escape(WithinRoot)}";
    }

    // Reads the expectations from ARGV, then the mount table, keeping the last mount at each mount point (the one on
    // top). R: the root must be mounted; its device and root within its filesystem are what the others are measured by.
    // M: the mount at the destination must come from the same filesystem, at the same place within it as the
    // destination within its root. D: there must be a mount at the destination. Then no writable mount on a root's
    // filesystem may come from outside every root there. The program holds no single quote (it sits in one).
    private const string Program = """
        BEGIN {
          n = ARGV[1] + 0
          for (i = 1; i <= n; i++) e[i] = ARGV[i + 1]
          ARGV[1] = "/proc/self/mountinfo"; ARGC = 2
        }
        {
          dev[$5] = $3; fsroot[$5] = $4
          split($6, o, ","); m++; mrw[m] = (o[1] == "rw"); mdev[m] = $3; mroot[m] = $4; mpoint[m] = $5
        }
        END {
          if (m == 0) fail("the mount table cannot be read")
          for (i = 1; i <= n; i++) {
            split(e[i], f, "\t")
            if (f[1] == "R") { need(f[2]); rdev[f[2]] = dev[f[2]]; rroot[f[2]] = fsroot[f[2]] }
          }
          for (i = 1; i <= n; i++) {
            split(e[i], f, "\t")
            if (f[1] == "M") {
              need(f[2])
              if (!(f[3] in rdev)) fail(f[3] " is not a writable root")
              want = (rroot[f[3]] == "/" ? "" : rroot[f[3]]) substr(f[2], length(f[3]) + 1)
              if (dev[f[2]] != rdev[f[3]] || fsroot[f[2]] != want) fail(f[2] " does not bind what was planned")
            } else if (f[1] == "D") need(f[2])
          }
          for (k = 1; k <= m; k++) {
            if (!mrw[k]) continue
            same = 0; inside = 0
            for (r in rdev) if (rdev[r] == mdev[k]) {
              same = 1
              if (rroot[r] == "/" || mroot[k] == rroot[r] || index(mroot[k], rroot[r] "/") == 1) inside = 1
            }
            if (same && !inside) fail(mpoint[k] " is a writable mount of " mroot[k] ", outside the writable roots")
          }
        }
        function need(point) { if (!(point in dev)) fail("nothing is mounted at " point) }
        function fail(why) {
          print "agentexec: the sandbox was not built as planned (" why "), so the command did not run: a path inside the workspace changed while bubblewrap mounted it" > "/dev/stderr"
          exit 1
        }
        """;

    private static readonly string Script =
        $"n=$1; {Awk} '{Program}' \"$@\" || exit {RefusedExitCode}; shift $((n + 2)); exec \"$@\"";

    /// <summary>The argv that checks <paramref name="expectations"/> inside the sandbox and then runs <paramref name="command"/>.</summary>
    public static IReadOnlyList<string> Wrap(IReadOnlyList<Expectation> expectations, IReadOnlyList<string> command)
    {
        ArgumentNullException.ThrowIfNull(expectations);
        ArgumentNullException.ThrowIfNull(command);
        return [Shell, "-c", Script, Name, expectations.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), .. expectations.Select(expectation => expectation.Encoded), "--", .. command];
    }

    // As the kernel writes paths into the mount table (fs/proc_namespace.c: show_mountinfo → seq_path_root with " \t\n\\").
    private static string Escape(string path)
    {
        var escaped = new StringBuilder(path.Length);
        foreach (var character in path)
        {
            escaped.Append(character switch
            {
                ' ' => "\\040",
                '\t' => "\\011",
                '\n' => "\\012",
                '\\' => "\\134",
                _ => character.ToString(),
            });
        }

        return escaped.ToString();
    }
}
