using AgentExec.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace AgentExec.Core.Policy;

/// <summary>One rule file as <see cref="RuleBook"/> last saw it: its last good rules and what it looked like.</summary>
/// <remarks>Not thread-safe; <see cref="RuleBook"/> calls it under its lock.</remarks>
internal sealed class WatchedRuleFile
{
    /// <summary>
    /// How many checks in a row must find the file missing before its rules go. Editors that save by deleting and
    /// re-creating a file would otherwise open a window in which its forbidden rules do not apply.
    /// </summary>
    internal const int MissingChecksBeforeRemoval = 2;

    private readonly ILogger logger;
    private byte[]? lastContent;
    private string? lastProblem;
    private int consecutiveMissingChecks;

    /// <summary>Creates the watch; nothing is read until <see cref="Check"/>.</summary>
    /// <param name="file">The file.</param>
    /// <param name="logger">Where loads, problems and removals are logged.</param>
    public WatchedRuleFile(RuleFile file, ILogger logger)
    {
        File = file;
        this.logger = logger;
    }

    /// <summary>The file watched.</summary>
    public RuleFile File { get; }

    /// <summary>The rules of the last valid version of the file; empty before one was read and after the file was removed.</summary>
    public IReadOnlyList<PolicyRule> Rules { get; private set; } = [];

    /// <summary>Reads the file once and updates <see cref="Rules"/> when it changed.</summary>
    /// <returns>True when <see cref="Rules"/> was replaced.</returns>
    public bool Check()
    {
        var read = ConfigFileFormat.Read(File.Path);
        switch (read.State)
        {
            case ConfigFileState.Missing:
                return CheckMissing();
            case ConfigFileState.Unreadable:
                consecutiveMissingChecks = 0;

                // Forget the content so that the same bytes, once readable again, are parsed and logged again.
                lastContent = null;
                ReportProblem(read.Problem);
                return false;
            default:
                consecutiveMissingChecks = 0;
                return CheckContent(read.Content);
        }
    }

    private bool CheckMissing()
    {
        consecutiveMissingChecks++;
        if (lastContent is null && Rules.Count == 0)
        {
            lastProblem = null;
            return false;
        }

        if (consecutiveMissingChecks < MissingChecksBeforeRemoval)
        {
            return false;
        }

        RuleBookLog.Removed(logger, File.Path, Rules.Count);
        lastContent = null;
        lastProblem = null;
        Rules = [];
        return true;
    }

    private bool CheckContent(byte[] content)
    {
        // Content, not mtime or size, decides: timestamps can be coarse and a same-size edit would go unseen. The last
        // bytes are kept and compared whole: the files are capped at 1 MiB, and a vectorised comparison of that takes
        // microseconds, where hashing it with the managed SHA-256 twice a second took 2.5 % of a core (the agent writes
        // the workspace's file, so it chooses the size).
        if (lastContent is not null && content.AsSpan().SequenceEqual(lastContent))
        {
            return false;
        }

        lastContent = content;
        if (!ConfigFileFormat.TryParseObject(content, out var root, out var problem))
        {
            ReportProblem(problem);
            return false;
        }

        if (!RuleListParser.TryParse(root, File.Origin, out var parsed, out problem))
        {
            ReportProblem($"has an invalid rule: {problem}");
            return false;
        }

        lastProblem = null;
        foreach (var ignored in parsed.IgnoredAllowRules)
        {
            RuleBookLog.IgnoredAllowRule(logger, File.Path, RuleListParser.Describe(ignored.Pattern));
        }

        RuleBookLog.Loaded(logger, parsed.Rules.Count, File.Path);
        Rules = parsed.Rules;
        return true;
    }

    private void ReportProblem(string problem)
    {
        // Logged once per distinct problem, not twice a second while it lasts.
        if (problem != lastProblem)
        {
            RuleBookLog.Invalid(logger, File.Path, problem, Rules.Count);
            lastProblem = problem;
        }
    }
}
