namespace AgentExec.Core.Commands;

/// <summary>
/// Finds the code that a shell (<c>bash -c SCRIPT</c>, <c>sh &lt;&lt;EOF</c>, <c>curl … | sh</c>), <c>eval</c> or
/// <c>source</c> runs (SPEC.md "Policy", step 1: nested scripts are parsed recursively).
/// </summary>
/// <remarks>
/// Code that only exists at run time (<c>bash -c "$X"</c>, <c>curl … | sh</c>, <c>eval "$(…)"</c>) is
/// dangerous: the human is asked about something nobody has read. Code from a file is ordinary, like
/// running any program.
/// </remarks>
internal static class NestedScripts
{
    private static readonly HashSet<string> Shells = ["sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "rbash", "yash", "posh", "lksh"];

    // Shell options that take the next word as their value.
    private static readonly HashSet<char> ShortOptionsWithValue = ['o', 'O'];
    private const string ShortFlags = "abcefhiklmnprstuvxBCDEHPT";
    private static readonly HashSet<string> LongFlags =
        ["login", "noprofile", "norc", "posix", "restricted", "verbose", "noediting", "debugger", "dump-strings", "dump-po-strings", "pretty-print", "help", "version"];
    private static readonly HashSet<string> LongWithValue = ["rcfile", "init-file"];

    private static readonly Verdict RunsComputedCode = Verdict.Dangerous("runs code computed at run time");

    // SPEC.md step 3a: the bash options a known-safe nested script may be run with. Everything else (-k and
    // -o keyword turn NAME=value arguments into environment, -O sets shopt options, -i and --rcfile run start-up
    // files, -s reads more arguments) keeps the script's parts from being known-safe. -l/--login runs the login
    // start-up files (~/.profile…): proven only where the agent cannot write them (KnownSafeProof.RefuteNestedScript).
    private const string ProvenShortOptions = "cleux";
    private static readonly HashSet<string> ProvenLongOptions = ["login", "noprofile", "norc"];
    private static readonly HashSet<string> ProvenSetOptions = ["pipefail", "errexit", "nounset", "xtrace"];

    /// <summary>True when <paramref name="program"/> runs shell code given to it (a shell, <c>eval</c>, <c>source</c>).</summary>
    public static bool RunsCode(string program) => Shells.Contains(program) || program is "eval" or "source" or ".";

    /// <summary>Finds what <paramref name="command"/> runs; call only when <see cref="RunsCode"/> is true of its program.</summary>
    public static NestedScriptRun Inspect(NormalizedCommand command) => command.Program switch
    {
        "eval" => InspectEval(command.Args),
        "source" or "." => InspectSource(command),
        _ => InspectShell(command),
    };

    private static NestedScriptRun InspectEval(ArgumentView args)
    {
        const string Reason = "eval runs a string as code";
        if (args.AnyDynamic)
        {
            return new NestedScriptRun(RunsComputedCode, null, Reason);
        }

        // eval joins its arguments with spaces and runs the result; parse it so its commands are judged.
        return new NestedScriptRun(Verdict.Ordinary(Reason), string.Join(' ', args.Values), Reason);
    }

    private static NestedScriptRun InspectSource(NormalizedCommand command)
    {
        const string Reason = "source runs a script in the current shell";
        var file = command.Args.Count > 0 ? command.Args.Words[0] : null;
        return file is { IsStatic: false } or { Value: "/dev/stdin" }
            ? new NestedScriptRun(RunsComputedCode, null, Reason)
            : new NestedScriptRun(Verdict.Ordinary(Reason), null, Reason);
    }

    private static NestedScriptRun InspectShell(NormalizedCommand command)
    {
        var run = ReadShell(command, out var optionRefusal);
        if (command.Program != "bash")
        {
            // dash has no "&>" and no "$'…'", so one line can be two commands to it: read it both ways, and let
            // no part of it be known-safe.
            return run with
            {
                Readings = [ShellDialect.Bash, ShellDialect.Dash],
                ProofRefusal = $"{command.Program} script: only bash scripts are analysed",
            };
        }

        return optionRefusal is null ? run : run with { ProofRefusal = optionRefusal };
    }

    private static NestedScriptRun ReadShell(NormalizedCommand command, out string? optionRefusal)
    {
        optionRefusal = null;
        var words = command.Args.Words;
        var takesScriptArgument = false;
        var readsStartupFiles = false;
        var isLogin = false;
        var i = 0;
        for (; i < words.Count; i++)
        {
            var word = words[i];
            if (!word.IsStatic)
            {
                // After -c the first operand is the script, so a dynamic word there is computed code.
                if (word.MayBeFlag && !takesScriptArgument)
                {
                    return Unknown($"an option of {command.Program} is computed at run time");
                }

                break;
            }

            var value = word.Value;
            if (value is "--" or "-")
            {
                i++;
                break;
            }

            if (value.StartsWith("--", StringComparison.Ordinal))
            {
                var name = value[2..];
                if (!ProvenLongOptions.Contains(name))
                {
                    optionRefusal ??= $"bash option {value} is not on the allow-list";
                }

                if (LongWithValue.Contains(name))
                {
                    readsStartupFiles = true;
                    i++;
                }
                else if (name == "login")
                {
                    isLogin = true;
                }
                else if (!LongFlags.Contains(name))
                {
                    return Unknown($"{command.Program}: unrecognised option {value}");
                }

                continue;
            }

            if (value.Length < 2 || value[0] is not ('-' or '+'))
            {
                break;
            }

            for (var j = 1; j < value.Length; j++)
            {
                var letter = value[j];
                if (ShortOptionsWithValue.Contains(letter))
                {
                    var setting = i + 1 < words.Count && words[i + 1].IsStatic ? words[i + 1].Value : null;
                    if (value[0] != '-' || letter != 'o' || setting is null || !ProvenSetOptions.Contains(setting))
                    {
                        optionRefusal ??= $"bash option {value[0]}{letter} {setting ?? "…"} is not on the allow-list";
                    }

                    i++;
                }
                else if (value[0] != '-' || !ProvenShortOptions.Contains(letter, StringComparison.Ordinal))
                {
                    optionRefusal ??= $"bash option {value[0]}{letter} is not on the allow-list";
                }
                else if (!ShortFlags.Contains(letter, StringComparison.Ordinal))
                {
                    return Unknown($"{command.Program}: unrecognised option {value[0]}{letter}");
                }

                takesScriptArgument |= letter == 'c' && value[0] == '-';
                readsStartupFiles |= letter == 'i' && value[0] == '-';
                isLogin |= letter == 'l' && value[0] == '-';
            }
        }

        var operands = words.Skip(i).ToList();
        return ReadScript(command, operands, readsStartupFiles, takesScriptArgument) with { IsLoginShell = isLogin };
    }

    private static NestedScriptRun ReadScript(NormalizedCommand command, List<ShellWord> operands, bool readsStartupFiles, bool takesScriptArgument)
    {
        var carrier = readsStartupFiles
            ? Verdict.Ordinary("an interactive shell runs start-up files")
            : Verdict.Safe("runs a nested script, judged by its own commands");
        if (takesScriptArgument)
        {
            if (operands.Count == 0)
            {
                return Unknown($"{command.Program} -c has no script");
            }

            return operands[0].IsStatic
                ? new NestedScriptRun(carrier, operands[0].Value, null)
                : new NestedScriptRun(RunsComputedCode, null, "the nested script is computed at run time");
        }

        if (operands.Count > 0 && !(operands[0].IsStatic && operands[0].Value is "/dev/stdin" or "-"))
        {
            return new NestedScriptRun(Verdict.Ordinary("runs a script file"), null, null);
        }

        return InspectStandardInput(command, carrier);
    }

    // A shell given no script reads its commands from standard input: whatever feeds it is the script. Its commands
    // share that input: one that reads it (head -c 8) eats the start of the next line, and bash parses the rest
    // otherwise than this reading does, so the script is read for the rules but nothing in it is known-safe.
    private static NestedScriptRun InspectStandardInput(NormalizedCommand command, Verdict carrier)
    {
        const string SharedInput = "the script is read from standard input, which its own commands share";
        var input = command.Command.AllRedirections.LastOrDefault(redirection => redirection.FeedsStandardInput);
        if (input is null)
        {
            return command.Command.ReadsPipe
                ? new NestedScriptRun(Verdict.Dangerous("runs a script from a pipe"), null, null)
                : new NestedScriptRun(Verdict.Ordinary("reads commands from its standard input"), null, null);
        }

        if (input.Heredoc is { } heredoc)
        {
            return heredoc.StaticText is { } body
                ? new NestedScriptRun(carrier, body, null)
                {
                    ProofRefusal = heredoc.IsQuoted ? SharedInput : "the script is an unquoted here-document, which the outer shell expands first",
                }
                : new NestedScriptRun(RunsComputedCode, null, "the script fed to the shell is computed at run time");
        }

        if (input.IsHereString)
        {
            return input.Target.IsStatic
                ? new NestedScriptRun(carrier, input.Target.Value, null) { ProofRefusal = SharedInput }
                : new NestedScriptRun(RunsComputedCode, null, "the script fed to the shell is computed at run time");
        }

        return input.Target.IsStatic
            ? new NestedScriptRun(Verdict.Ordinary("runs a script file"), null, null)
            : new NestedScriptRun(RunsComputedCode, null, "the script fed to the shell is computed at run time");
    }

    private static NestedScriptRun Unknown(string reason) => new(Verdict.Ordinary(reason), null, reason);
}
