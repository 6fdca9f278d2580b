using System.CommandLine;
using AgentExec.Core.Audit;
using AgentExec.Core.Configuration;
using AgentExec.Core.Settings;

namespace AgentExec.Cli.Commands;

/// <summary><c>agentexec audit verify|show</c>: check the hash chain, and read the log as a person or as JSON Lines.</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var command = new Command("audit", "Verify or read the hash-chained audit log.");
        command.Add(CreateVerify());
        command.Add(CreateShow());
        return command;
    }

    private static Command CreateVerify()
    {
        var expectHead = new Option<string>("--expect-head")
        {
            Description = "SEQ:HASH from an MCP result's _meta \"agentexec/audit\": passes only if that line still has that hash and the chain holds to the end.",
            HelpName = "SEQ:HASH",
        };
        var file = FileArgument();
        var command = new Command("verify", """
            Verify the audit log's hash chain. Exit 0 when it holds; 1 naming the first bad line (1-based) and why.

            Examples:
              agentexec audit verify
              agentexec audit verify --expect-head 42:3f1c…e9 ~/.local/state/agentexec/audit.jsonl
            """);
        command.Add(expectHead);
        command.Add(file);
        command.SetAction(parseResult =>
        {
            AuditHead? expected = null;
            if (parseResult.GetValue(expectHead) is { } text && !AuditHead.TryParse(text, out expected, out var headError))
            {
                Console.Error.WriteLine($"agentexec: --expect-head: {headError}");
                return ExitCodes.Usage;
            }

            if (!TryLocateExistingLog(parseResult.GetValue(file), out var path, out var failure))
            {
                return failure;
            }

            var verification = AuditChainVerifier.Verify(path, expected);
            foreach (var damage in verification.RecoveredDamage)
            {
                Console.Error.WriteLine($"warning: {damage}");
            }

            if (verification.Defect is { } defect)
            {
                Console.Error.WriteLine($"{path}: chain broken at {defect}");
                return 1;
            }

            Console.Out.WriteLine(verification.Head is { } head
                ? $"{path}: chain holds: {verification.EventCount} events, head {head.ToExpectation()}"
                : $"{path}: chain holds: empty log");
            return 0;
        });
        return command;
    }

    private static Command CreateShow()
    {
        var last = new Option<int?>("--last") { Description = "Only the last N events.", HelpName = "N" };
        var json = new Option<bool>("--json") { Description = "Print JSON Lines, one event per line, as stored." };
        var file = FileArgument();
        var command = new Command("show", """
            Print the audit log, one event per line; text from agents, commands and models is escaped.

            Examples:
              agentexec audit show --last 20
              agentexec audit show --json | jq 'select(.event == "answer")'
            """);
        command.Add(last);
        command.Add(json);
        command.Add(file);
        command.SetAction(parseResult =>
        {
            var count = parseResult.GetValue(last);
            if (count is <= 0)
            {
                Console.Error.WriteLine("agentexec: --last: must be a positive number");
                return ExitCodes.Usage;
            }

            if (!TryLocateExistingLog(parseResult.GetValue(file), out var path, out var failure))
            {
                return failure;
            }

            var entries = count is { } n ? AuditLogReader.ReadLast(path, n) : AuditLogReader.ReadAll(path);
            var asJson = parseResult.GetValue(json);
            foreach (var entry in entries)
            {
                Console.Out.WriteLine(asJson ? entry.ToJsonLine() : entry.ToDisplayLine());
            }

            return 0;
        });
        return command;
    }

    private static Argument<string?> FileArgument() => new("file")
    {
        Description = "The audit log (default: as for the other commands: --audit-log's environment variable, the user config, then $XDG_STATE_HOME/agentexec/audit.jsonl).",
        Arity = ArgumentArity.ZeroOrOne,
        HelpName = "FILE",
    };

    // A settings error is a usage error (2); a log that is not there fails like a broken one (1).
    private static bool TryLocateExistingLog(string? given, out string path, out int failureExitCode)
    {
        failureExitCode = ExitCodes.Usage;
        if (!TryLocate(given, out path))
        {
            return false;
        }

        failureExitCode = 1;
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"agentexec: no audit log at {path}");
            return false;
        }

        return true;
    }

    // The same resolution as every other command, with the current directory as an explicit workspace: reading
    // the log does not depend on a workspace, so an implicit $HOME must not make it fail.
    private static bool TryLocate(string? given, out string path)
    {
        if (given is not null)
        {
            path = Path.GetFullPath(given);
            return true;
        }

        var flags = new Dictionary<string, string> { [SettingKeys.Workspace] = Environment.CurrentDirectory };
        var resolution = SettingsResolver.Resolve(SettingsInput.FromProcess(flags));
        if (!resolution.Succeeded)
        {
            Console.Error.WriteLine($"agentexec: {resolution.Error}");
            path = string.Empty;
            return false;
        }

        path = resolution.Settings!.AuditLogPath;
        return true;
    }
}
