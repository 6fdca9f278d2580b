namespace AgentExec.Core.Commands;

/// <summary>
/// The built-in list of dangerous commands (SPEC.md "Policy", step 3): commands that destroy data, take
/// the machine down or escalate privilege, and so always ask.
/// </summary>
/// <remarks>
/// Where the danger is a flag (<c>rm -r</c>, <c>chmod -R</c>, <c>kill -1</c>), an argument only known at run
/// time that could be that flag (<c>rm $X</c>, <c>rm *</c> beside a file named <c>-rf</c>, <c>xargs rm</c>)
/// counts as dangerous too: otherwise <c>rm $(printf -- -rf) dir</c> would slip past the question.
/// Write <c>rm -- "$X"</c> or <c>rm ./*</c> to make clear no flag can come from the expansion.
/// </remarks>
internal static class DangerousPrograms
{
    private static readonly Dictionary<string, string> AlwaysDangerous = new(StringComparer.Ordinal)
    {
        ["shred"] = "shred destroys file contents",
        ["wipefs"] = "wipefs erases filesystem signatures",
        ["mke2fs"] = "mke2fs formats a filesystem",
        ["mkswap"] = "mkswap formats a device",
        ["fdisk"] = "fdisk edits partition tables",
        ["sfdisk"] = "sfdisk edits partition tables",
        ["cfdisk"] = "cfdisk edits partition tables",
        ["gdisk"] = "gdisk edits partition tables",
        ["sgdisk"] = "sgdisk edits partition tables",
        ["parted"] = "parted edits partition tables",
        ["blkdiscard"] = "blkdiscard erases a device",
        ["truncate"] = "truncate cuts files short",
        ["sudo"] = "runs a command as another user",
        ["su"] = "runs a command as another user",
        ["doas"] = "runs a command as another user",
        ["pkexec"] = "runs a command as another user",
        ["runuser"] = "runs a command as another user",
        ["chroot"] = "chroot runs a command under another root",
        ["shutdown"] = "shuts down or restarts the machine",
        ["reboot"] = "shuts down or restarts the machine",
        ["halt"] = "shuts down or restarts the machine",
        ["poweroff"] = "shuts down or restarts the machine",
        ["init"] = "changes the machine's run level",
        ["telinit"] = "changes the machine's run level",
        ["pkill"] = "pkill kills processes by name",
        ["killall"] = "killall kills processes by name",
    };

    private static readonly HashSet<string> SystemctlPowerActions = ["poweroff", "reboot", "halt", "kexec", "emergency", "rescue"];

    /// <summary>The dangerous verdict on <paramref name="program"/> with <paramref name="args"/>, or null when it is not dangerous.</summary>
    public static Verdict? Check(string program, ArgumentView args)
    {
        if (AlwaysDangerous.TryGetValue(program, out var reason))
        {
            return Verdict.Dangerous(reason);
        }

        return program switch
        {
            _ when program.StartsWith("mkfs", StringComparison.Ordinal) => Verdict.Dangerous("mkfs formats a filesystem"),
            "rm" => FlagDanger(
                args,
                args.HasShortFlag('r') || args.HasShortFlag('R') || args.HasShortFlag('f') || args.HasLongOption("--recursive")
                    || args.HasLongOption("--force") || args.HasLongOption("--no-preserve-root"),
                "rm with -r/-f",
                "rm",
                "-r/-f"),
            "chmod" or "chown" or "chgrp" => FlagDanger(
                args, args.HasShortFlag('R') || args.HasLongOption("--recursive"), $"{program} -R (recursive)", program, "-R"),
            "dd" => CheckDd(args),
            "kill" => CheckKill(args),
            "crontab" => FlagDanger(
                args, args.HasShortFlag('r') || args.HasLongOption("--remove"), "crontab -r removes every job", program, "-r"),
            "iptables" or "ip6tables" => FlagDanger(
                args,
                args.HasShortFlag('F') || args.HasShortFlag('X') || args.HasLongOption("--flush") || args.HasLongOption("--delete-chain"),
                $"{program} flushes firewall rules",
                program,
                "-F"),
            "systemctl" when args.Operands.Any(SystemctlPowerActions.Contains) => Verdict.Dangerous("shuts down or restarts the machine"),
            "systemctl" when args.AnyMayBeFlag => Verdict.Dangerous("systemctl with an argument expanded at run time"),
            _ => null,
        };
    }

    private static Verdict? FlagDanger(ArgumentView args, bool hasDangerousFlag, string reason, string program, string flags)
    {
        if (hasDangerousFlag)
        {
            return Verdict.Dangerous(reason);
        }

        return args.AnyMayBeFlag
            ? Verdict.Dangerous($"{program} with an argument expanded at run time (could be {flags})")
            : null;
    }

    private static Verdict? CheckDd(ArgumentView args)
    {
        if (args.Values.Any(value => value.StartsWith("of=", StringComparison.Ordinal)))
        {
            return Verdict.Dangerous("dd with of= overwrites its target");
        }

        return args.Words.Any(word => !word.IsStatic && word.StaticPrefix.Length == 0) || args.ReadsMoreFromInput
            ? Verdict.Dangerous("dd with an operand expanded at run time (could be of=)")
            : null;
    }

    // "kill -9 -1" and "kill -- -1" signal every process the user may signal; "kill -1 PID" only sends SIGHUP.
    private static Verdict? CheckKill(ArgumentView args)
    {
        var values = args.Values;
        var i = 0;
        if (i < values.Count && values[i] is "-s" or "-n" or "--signal")
        {
            i += 2;
        }
        else if (i < values.Count && values[i].StartsWith('-') && values[i] != FlagSet.EndOfFlags)
        {
            i++;
        }

        if (i < values.Count && values[i] == FlagSet.EndOfFlags)
        {
            i++;
        }

        var targets = args.Words.Skip(i).ToList();
        if (targets.Any(word => word.IsStatic && word.Value == "-1"))
        {
            return Verdict.Dangerous("kill -1 signals every process");
        }

        return targets.Any(word => word.MayBeFlag) || args.ReadsMoreFromInput
            ? Verdict.Dangerous("kill with an argument expanded at run time (could be -1)")
            : null;
    }
}
