using System.Text.RegularExpressions;

namespace AgentExec.Core.Commands;

/// <summary>
/// The built-in list of known-safe commands (SPEC.md "Policy", step 3): programs that only read, some of
/// them only without the options that write files or run programs.
/// </summary>
/// <remarks>
/// A program on the unconditional list has no option that writes or runs anything, so an expanded argument
/// changes nothing. A conditional program is known-safe only when every argument is literal: a glob or
/// <c>$X</c> could expand to the very option that makes it unsafe (<c>find $X</c> with <c>X=-delete</c>).
/// Pagers (<c>less</c>, <c>more</c>, <c>man</c>) and <c>awk</c> are absent on purpose: they can run commands.
/// </remarks>
internal static partial class ReadOnlyPrograms
{
    private static readonly Verdict ReadOnly = Verdict.Safe("read-only command");

    private static readonly HashSet<string> Unconditional =
    [
        "cat", "ls", "pwd", "echo", "head", "tail", "wc", "grep", "egrep", "fgrep", "cut", "tr", "nl", "rev", "seq", "stat",
        "which", "whoami", "id", "uname", "true", "false", ":", "basename", "dirname", "realpath", "readlink", "du", "df",
        "printenv", "diff", "cmp", "md5sum", "sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum", "b2sum", "cksum",
        "column", "fold", "expand", "unexpand", "paste", "join", "comm", "tac", "od", "hexdump", "strings", "type", "jq",
        "sleep", "nproc", "arch", "groups", "logname", "tty", "expr", "cd", "fmt", "factor", "numfmt", "uptime",
    ];

    // Options of "set" that only make the shell stricter or more verbose.
    private static readonly HashSet<string> HarmlessSetOptions = ["pipefail", "errexit", "nounset", "xtrace", "verbose", "noglob", "noclobber"];

    private static readonly HashSet<string> HostnameReadOptions =
        ["-a", "-A", "-d", "-f", "-i", "-I", "-s", "--alias", "--all-fqdns", "--domain", "--fqdn", "--long", "--ip-address", "--all-ip-addresses", "--short"];

    // Options that turn an otherwise read-only program into one that writes a file or runs another program.
    private static readonly Dictionary<string, (string Option, string Effect)[]> RefusedOptions = new(StringComparer.Ordinal)
    {
        ["sort"] = [("-o", "writes a file"), ("--output", "writes a file"), ("--compress-program", "runs a program")],
        ["rg"] = [("--pre", "runs a program"), ("--hostname-bin", "runs a program"), ("--search-zip", "runs decompressors"), ("-z", "runs decompressors")],
        ["base64"] = [("-o", "writes a file"), ("--output", "writes a file")],
        ["tree"] = [("-o", "writes a file"), ("-R", "writes files")],
        ["file"] = [("-C", "writes a file"), ("--compile", "writes a file")],
        ["date"] = [("-s", "sets the clock"), ("--set", "sets the clock")],
    };

    /// <summary>The verdict on <paramref name="program"/> when it is a read-only program (known-safe, or ordinary with the option that spoils it), else null.</summary>
    public static Verdict? Check(string program, ArgumentView args)
    {
        if (Unconditional.Contains(program))
        {
            return ReadOnly;
        }

        if (RefusedOptions.TryGetValue(program, out var refused))
        {
            return Conditional(program, args, Refuse(program, args, refused));
        }

        return program switch
        {
            "uniq" => Conditional(program, args, CountUniqOperands(args) > 1 ? Verdict.Ordinary("uniq with a second file writes it") : null),
            "sed" => Conditional(program, args, IsPrintingSed(args) ? null : Verdict.Ordinary("sed without -n Np")),
            "xxd" => Conditional(program, args, XxdWrites(args) ? Verdict.Ordinary("xxd with -r or an output file writes it") : null),
            "hostname" => args.Values.All(HostnameReadOptions.Contains) ? ReadOnly : Verdict.Ordinary("hostname with an argument sets the host name"),

            // Only a first argument can be bash's -v.
            "printf" => args.Count > 0 && (args.Words[0].MayBeFlag || args.Words[0].Value == "-v")
                ? Verdict.Ordinary("printf -v assigns a variable")
                : ReadOnly,

            // bash's test -v evaluates an array subscript, and a subscript can hold $(…).
            "test" or "[" => args.Contains("-v") || args.Contains("-R") || args.AnyMayBeFlag
                ? Verdict.Ordinary($"{program} -v evaluates array subscripts")
                : ReadOnly,
            "set" => args.Values.All(IsHarmlessSetArgument) ? Verdict.Safe("sets shell options") : Verdict.Ordinary("set with options that change later commands"),
            "command" when args.HasShortFlag('v') || args.HasShortFlag('V') => Verdict.Safe("looks up a command"),
            "env" => Verdict.Safe("prints the environment"),
            _ => null,
        };
    }

    // A conditional program without a refused option is known-safe only when every argument is literal:
    // an expansion could still turn out to be the refused option.
    private static Verdict Conditional(string program, ArgumentView args, Verdict? refusal) =>
        refusal ?? (args.AnyDynamic ? Verdict.Ordinary($"{program} with an argument expanded at run time") : ReadOnly);

    // "set -euo pipefail" and the like; "set -k" (assignments anywhere) or "set -- ARGS" change what later commands do.
    private static bool IsHarmlessSetArgument(string value) => HarmlessSetOptions.Contains(value) || HarmlessSetCluster().IsMatch(value);

    private static Verdict? Refuse(string program, ArgumentView args, (string Option, string Effect)[] refused)
    {
        foreach (var (option, effect) in refused)
        {
            var present = option.StartsWith("--", StringComparison.Ordinal)
                ? args.HasLongOption(option)
                : args.HasShortFlag(option[1]);
            if (present)
            {
                return Verdict.Ordinary($"{program} with {option} {effect}");
            }
        }

        return null;
    }

    private static bool XxdWrites(ArgumentView args) =>
        args.Values.Any(value => value.StartsWith("-r", StringComparison.Ordinal)) || CountXxdOperands(args) > 1;

    // uniq [OPTION]... [INPUT [OUTPUT]]: a second operand is a file it writes.
    private static int CountUniqOperands(ArgumentView args) => CountOperands(args, valueOptions: ["-f", "-s", "-w", "--skip-fields", "--skip-chars", "--check-chars"]);

    // xxd [options] [infile [outfile]]: a second operand is a file it writes.
    private static int CountXxdOperands(ArgumentView args) =>
        CountOperands(args, valueOptions: ["-c", "-cols", "-g", "-groupsize", "-l", "-len", "-o", "-offset", "-s", "-seek", "-n", "-name"]);

    private static int CountOperands(ArgumentView args, string[] valueOptions)
    {
        var count = 0;
        var values = args.Values;
        var flagsEnded = false;
        for (var i = 0; i < values.Count; i++)
        {
            var value = values[i];
            if (flagsEnded || !FlagSet.IsFlag(value))
            {
                count++;
            }
            else if (value == FlagSet.EndOfFlags)
            {
                flagsEnded = true;
            }
            else if (valueOptions.Contains(value))
            {
                i++;
            }
        }

        return count + (args.ReadsMoreFromInput ? 1 : 0);
    }

    // "sed -n 5p FILE…" and "sed -n 1,3p FILE…" (scripts also as -e SCRIPT): prints lines and nothing else.
    private static bool IsPrintingSed(ArgumentView args)
    {
        var quiet = false;
        var scripts = 0;
        var operands = 0;
        var values = args.Values;
        for (var i = 0; i < values.Count; i++)
        {
            var value = values[i];
            if (value is "-n" or "--quiet" or "--silent")
            {
                quiet = true;
            }
            else if (value is "-e" or "--expression" && i + 1 < values.Count)
            {
                if (!PrintScript().IsMatch(values[++i]))
                {
                    return false;
                }

                scripts++;
            }
            else if (FlagSet.IsFlag(value))
            {
                return false;
            }
            else if (scripts == 0 && operands == 0)
            {
                if (!PrintScript().IsMatch(value))
                {
                    return false;
                }

                scripts++;
            }
            else
            {
                operands++;
            }
        }

        return quiet && scripts > 0;
    }

    [GeneratedRegex(@"^[-+][euxvfCo]+$")]
    private static partial Regex HarmlessSetCluster();

    [GeneratedRegex(@"^(?:[0-9]+|\$)(?:,(?:[0-9]+|\$))?p$")]
    private static partial Regex PrintScript();
}
