namespace AgentExec.Core.Commands;

/// <summary>
/// Programs that run another command given in their arguments, and how to find that command
/// (SPEC.md "Policy", step 2: wrappers are unwrapped before matching).
/// </summary>
internal static class CommandWrappers
{
    private static readonly Dictionary<string, WrapperSyntax> Syntax = new(StringComparer.Ordinal)
    {
        ["env"] = new(
            "i0v",
            "uCSP",
            ["ignore-environment", "null", "debug", "default-signal", "ignore-signal", "block-signal", "list-signal-handling"],
            ["unset", "chdir", "split-string"]),
        ["command"] = new("pvV", string.Empty, [], []),
        ["builtin"] = WrapperSyntax.None,

        // "busybox APPLET ARGS" runs the applet of that name.
        ["busybox"] = WrapperSyntax.None,
        ["toybox"] = WrapperSyntax.None,
        ["exec"] = new("cl", "a", [], []),
        ["nohup"] = WrapperSyntax.None,
        ["nice"] = new(string.Empty, "n", [], ["adjustment"]) { AcceptsNumericOption = true },
        ["timeout"] = new("v", "sk", ["preserve-status", "foreground", "verbose"], ["signal", "kill-after"]),
        ["time"] = new("p", string.Empty, [], []),
        ["stdbuf"] = new(string.Empty, "ioe", [], ["input", "output", "error"]),
        ["setsid"] = new("cfw", string.Empty, ["ctty", "fork", "wait"], []),
        ["ionice"] = new("t", "cnpPu", ["ignore"], ["class", "classdata", "pid", "pgid", "uid"]),
        ["sudo"] = new(
            "AbEeHiKklnPSsVv",
            "CDghpRrTtUu",
            ["askpass", "background", "preserve-env", "edit", "set-home", "login", "remove-timestamp", "reset-timestamp", "list", "non-interactive", "preserve-groups", "shell", "stdin", "validate"],
            ["close-from", "chdir", "group", "host", "prompt", "chroot", "role", "type", "command-timeout", "other-user", "user"]),
        ["doas"] = new("nsL", "uC", [], []),
        ["pkexec"] = new(string.Empty, string.Empty, ["disable-internal-agent", "keep-cwd"], ["user"]),
        ["chroot"] = new(string.Empty, string.Empty, ["skip-chdir"], ["userspec", "groups"]),
        ["xargs"] = new(
            "0oprtx",
            "adEILnPs",
            ["null", "open-tty", "interactive", "no-run-if-empty", "verbose", "exit", "show-limits", "eof", "replace", "max-lines"],
            ["arg-file", "delimiter", "max-args", "max-procs", "max-chars", "process-slot-var"])
        {
            ShortWithAttachedValue = "eil",
        },
    };

    /// <summary>True when <paramref name="program"/> is a wrapper this class can see through.</summary>
    public static bool IsWrapper(string program) => Syntax.ContainsKey(program);

    /// <summary>
    /// The command that wrapper <paramref name="words"/>[0] (already reduced to its name, <paramref name="name"/>)
    /// runs; null when the wrapper is used without one, or in a way that runs none (<c>command -v</c>,
    /// <c>env</c> alone, <c>sudo -l</c>): the wrapper is then the program.
    /// </summary>
    public static Unwrapping? TryUnwrap(string name, IReadOnlyList<ShellWord> words)
    {
        if (!Syntax.TryGetValue(name, out var syntax))
        {
            return null;
        }

        var first = syntax.SkipOptions(words, out var seen, out var problem);
        if (problem is not null)
        {
            return Unwrapping.Failed(problem);
        }

        var rest = words.Skip(first).ToList();
        return name switch
        {
            "env" => UnwrapEnv(rest, seen),
            "command" when seen.Contains("-v") || seen.Contains("-V") => null,
            "exec" when rest.Count == 0 => Unwrapping.Failed("exec without a command changes the shell's own file descriptors"),
            // git takes argv[0] "git-push" for git push, busybox "rm" for its rm: the name exec -a gives decides what
            // runs, so a rule naming the program cannot be matched by reading the words (exec -a git-push git origin).
            "exec" when seen.Contains("-a") => Unwrapping.Failed("exec -a gives the program another name, which git and busybox take for the command to run"),
            "exec" => Inner(rest) is { } exec ? exec with { ChangesEnvironment = seen.Contains("-c") } : null,
            "timeout" => rest.Count == 0 ? Unwrapping.Failed("timeout needs a duration") : Inner(rest.Skip(1).ToList()),
            "ionice" when seen.Intersect(["-p", "-P", "-u", "--pid", "--pgid", "--uid"]).Any() => null,
            "sudo" when seen.Intersect(["-e", "--edit", "-l", "--list", "-v", "--validate", "-k", "-K", "--reset-timestamp", "--remove-timestamp", "-V"]).Any() => null,
            "sudo" => UnwrapSudo(rest) is { } sudo ? sudo with { ChangesDirectory = seen.Contains("-D") || seen.Contains("--chdir") } : null,
            "doas" or "pkexec" => WithImposed(rest, AsAnotherUser(name)),
            "chroot" => rest.Count == 0 ? Unwrapping.Failed("chroot needs a new root") : WithImposed(rest.Skip(1).ToList(), Verdict.Dangerous("chroot runs the command under another root")),
            "xargs" => new Unwrapping(rest.Count == 0 ? [ShellWord.Literal("echo")] : rest, Problem: null)
            {
                Imposed = Verdict.Ordinary("xargs adds arguments read from its input"),
                AppendsArgumentsFromInput = true,
            },
            _ => Inner(rest),
        };
    }

    private static Unwrapping? UnwrapEnv(List<ShellWord> rest, List<string> seen)
    {
        if (seen.Contains("-S") || seen.Contains("--split-string"))
        {
            return Unwrapping.Failed("env -S splits a string into a command");
        }

        // "env - cmd" is "env -i cmd".
        if (rest.Count > 0 && rest[0].IsStatic && rest[0].Value == "-")
        {
            rest.RemoveAt(0);
        }

        var inner = SkipAssignments(rest, out var assigns);
        return inner.Count == 0 ? null : new Unwrapping(inner, Problem: null)
        {
            SetsVariables = assigns,
            ChangesDirectory = seen.Contains("-C") || seen.Contains("--chdir"),
            ChangesEnvironment = seen.Intersect(["-i", "--ignore-environment", "-u", "--unset", "-P"]).Any(),
        };
    }

    // sudo, like env, accepts VAR=value before the command.
    private static Unwrapping? UnwrapSudo(List<ShellWord> rest)
    {
        var inner = SkipAssignments(rest, out var assigns);
        return inner.Count == 0 ? null : new Unwrapping(inner, Problem: null) { Imposed = AsAnotherUser("sudo"), SetsVariables = assigns };
    }

    private static List<ShellWord> SkipAssignments(List<ShellWord> words, out bool any)
    {
        var count = words.TakeWhile(word => word.IsAssignment).Count();
        any = count > 0;
        return words.Skip(count).ToList();
    }

    private static Verdict AsAnotherUser(string wrapper) => Verdict.Dangerous($"{wrapper} runs the command as another user");

    private static Unwrapping? Inner(List<ShellWord> rest) => rest.Count == 0 ? null : new Unwrapping(rest, Problem: null);

    private static Unwrapping? WithImposed(List<ShellWord> rest, Verdict imposed) =>
        rest.Count == 0 ? null : new Unwrapping(rest, Problem: null) { Imposed = imposed };
}
