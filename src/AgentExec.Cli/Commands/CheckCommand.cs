using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentExec.Cli.Hosting;
using AgentExec.Core.Approval;
using AgentExec.Core.Audit.Events;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Network;
using AgentExec.Core.Pipeline.AuditRecords;
using AgentExec.Core.Policy;
using AgentExec.Core.Sandbox;
using AgentExec.Core.Text;
using Microsoft.Extensions.Logging;

namespace AgentExec.Cli.Commands;

/// <summary><c>agentexec check [--json] -- CMD…</c>: the policy decision and the reason chain behind it. Runs nothing.</summary>
internal static class CheckCommand
{
    public static Command Create(SharedOptions shared)
    {
        var json = new Option<bool>("--json") { Description = "Print the decision as one JSON object." };
        var command = new Command("check", """
            Print what the policy would do with a command, and why. Runs nothing.

            Examples:
              agentexec check -- rm -rf build
              agentexec check --approval-policy untrusted -- git push origin main
              agentexec check --json -- bash -c 'ls && rm -rf x'
            """);
        shared.AddTo(command);
        command.Add(json);
        var commandLine = CommandLineArgument.AddTo(command);
        command.SetAction(parseResult =>
        {
            if (!CommandLineArgument.TryGetArgv(parseResult, commandLine, command, out var argv, out var argvError))
            {
                Console.Error.WriteLine($"agentexec: {argvError}");
                return ExitCodes.Usage;
            }

            using var runtime = AgentExecRuntime.TryCreate(shared.GivenFlags(parseResult), Console.Error, LogLevel.Warning);
            if (runtime is null)
            {
                return ExitCodes.Usage;
            }

            var line = ShellQuoting.Join(argv);
            var request = new ExecRequest(line, Environment.CurrentDirectory, ExecRequest.DefaultTimeout, null, EscalationKind.None, "check");
            var evaluation = runtime.Pipeline.Evaluate(request);
            var decision = evaluation.First.ToDecisionCode();
            Console.Out.Write(parseResult.GetValue(json)
                ? RenderJson(line, decision, evaluation, runtime.Sandbox, runtime.Settings)
                : RenderText(line, evaluation, runtime.Sandbox, runtime.Settings));
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The decision in words that say who decides and where it runs (SPEC.md "Command line": "ask: a human must
    /// approve it first"), rendered from the evaluation's plan for the first attempt and for a retry.
    /// </summary>
    internal static string DecisionInWords(PolicyEvaluation evaluation, SandboxSelection sandbox)
    {
        var first = evaluation.First;
        var where = first.Where == Confinement.Sandboxed
            ? $"in the {sandbox.Mode.ToCode()} sandbox"
            : "with no sandbox";
        var words = first switch
        {
            { Verdict: PolicyVerdict.Forbid } when evaluation.Reason == ApprovalReason.PolicyNever =>
                "forbidden: denied without a question, because it would need a human's approval and the policy is never",
            { Verdict: PolicyVerdict.Forbid } => "forbidden: denied without a question, by a forbidden rule",
            { Verdict: PolicyVerdict.Ask } => $"ask: a human must approve it first; then it runs {where}",
            { Approver: Approver.Rule } => $"run: an allow rule approves it; it runs {where}",
            _ => $"run: no question; it runs {where}",
        };
        if (evaluation.Retry is not null)
        {
            // The only retry there is: unsandboxed, and a human approves it (AttemptPlan.RetryWithoutSandbox).
            words += "; if the sandbox blocks it, a human is asked whether to retry it with no sandbox";
        }

        return words;
    }

    /// <summary>The network the sandbox has: <c>off</c>, <c>all</c> (<c>--network</c>) or <c>allow_list</c>.</summary>
    internal static string NetworkMode(AgentExecSettings settings) =>
        settings.NetworkLists is not null ? "allow_list" : settings.Network ? "all" : "off";

    private static JsonObject NetworkJson(AgentExecSettings settings)
    {
        var lists = settings.NetworkLists;
        static JsonArray Entries(IEnumerable<HostPattern> entries) => new(entries.Select(entry => (JsonNode?)JsonValue.Create(entry.ToString())).ToArray());
        return new JsonObject
        {
            ["mode"] = NetworkMode(settings),
            ["allowed_domains"] = Entries(lists?.AllowedDomains ?? []),
            ["denied_domains"] = Entries(lists?.DeniedDomains ?? []),
            ["upstream_proxy"] = lists?.Upstream?.ToString(),
        };
    }

    private static void AppendNetwork(StringBuilder text, AgentExecSettings settings)
    {
        text.Append("network:  ");
        if (settings.NetworkLists is not { } lists)
        {
            text.AppendLine(settings.Network ? "all of it (--network)" : "off");
            return;
        }

        // Entries are canonical (ASCII host characters only), but a workspace config supplied some: escaped all the same.
        static string Join(IReadOnlyList<HostPattern> entries) =>
            entries.Count == 0 ? "(none)" : UntrustedText.EscapeLine(string.Join(", ", entries));
        text.AppendLine("allow-list, through the egress proxy (other hosts are asked)");
        text.Append("          allowed: ").AppendLine(Join(lists.AllowedDomains));
        text.Append("          denied:  ").AppendLine(Join(lists.DeniedDomains));
        if (lists.Upstream is { } upstream)
        {
            text.Append("          upstream proxy: ").AppendLine(UntrustedText.EscapeLine(upstream.ToString()));
        }
    }

    private static string RenderJson(string line, string decision, PolicyEvaluation evaluation, SandboxSelection sandbox, AgentExecSettings settings)
    {
        var json = new JsonObject
        {
            ["command"] = line,
            ["decision"] = decision,
            ["sandbox"] = sandbox.Mode.ToCode(),
            ["sandbox_backend"] = sandbox.Backend.ToCode(),
            ["sandbox_available"] = sandbox.IsAvailable,
            ["sandbox_unavailable_reason"] = sandbox.UnavailableReason,
            ["sandbox_caveats"] = new JsonArray(sandbox.Caveats.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
            ["network"] = NetworkJson(settings),
            ["evaluation"] = PolicyDecided.From(evaluation).ToJson(),
        };
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            json.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static string RenderText(string line, PolicyEvaluation evaluation, SandboxSelection sandbox, AgentExecSettings settings)
    {
        var text = new StringBuilder();
        text.Append("command:  ").AppendLine(UntrustedText.Escape(line));
        text.Append("decision: ").Append(DecisionInWords(evaluation, sandbox));
        if (evaluation.Reason is { } reason)
        {
            text.Append(" (").Append(reason.ToCode()).Append(')');
        }

        text.AppendLine();
        text.Append("policy:   ").Append(evaluation.Policy.ToCode())
            .Append(", sandbox ").Append(sandbox.Mode.ToCode())
            .Append(" (backend: ").Append(sandbox.IsAvailable ? sandbox.Backend.ToCode() : "unavailable").AppendLine(")");
        if (sandbox.UnavailableReason is { } unavailable)
        {
            text.Append("          ").AppendLine(unavailable);
        }

        AppendNetwork(text, settings);

        foreach (var caveat in sandbox.Caveats)
        {
            text.Append("caveat:   ").AppendLine(caveat);
        }

        text.AppendLine("why:");
        foreach (var step in evaluation.Explanation)
        {
            text.Append("  - ").AppendLine(UntrustedText.Escape(step));
        }

        text.AppendLine("parts:");
        foreach (var part in evaluation.Parts)
        {
            text.Append("  - ").Append(new string(' ', part.Part.Depth * 2)).Append('`').Append(UntrustedText.Escape(part.Part.Text)).Append("` → ")
                .Append(part.Verdict.ToCode()).Append(" (")
                .Append(part.Rule is { } rule ? $"rule [{UntrustedText.Escape(string.Join(' ', rule.Pattern))}]" : UntrustedText.Escape(part.Part.Reason))
                .AppendLine(")");
        }

        if (evaluation.Analysis.UnknownReason is { } unknown)
        {
            text.Append("unknown:  ").AppendLine(UntrustedText.Escape(unknown));
        }

        return text.ToString();
    }
}
