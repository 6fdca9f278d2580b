using System.Collections.Immutable;
using AgentExec.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace AgentExec.Core.Policy;

/// <summary>
/// The rules currently in force, read from the user config and the workspace's <c>agentexec.json</c>, and reloaded
/// within a second when either file changes.
/// </summary>
/// <remarks>
/// <para>
/// Files are polled every <see cref="PollInterval"/> on a timer from the injected <see cref="TimeProvider"/>, and their
/// content is compared by hash. <see cref="FileSystemWatcher"/> was rejected: it misses changes made through symbolic
/// links, on network file systems and by editors that replace a file, and inotify watches are a limited resource.
/// </para>
/// <para>
/// Never fails open: a file that becomes invalid or unreadable keeps its last good rules (and the problem is logged
/// once); an exception while checking leaves all rules as they were. A file that disappears (missing on
/// <see cref="WatchedRuleFile.MissingChecksBeforeRemoval"/> checks in a row, so a delete-and-recreate save is not a
/// gap) loses its rules: deleting the user config removes the user's rules, allow and forbidden alike, and deleting
/// the workspace's <c>agentexec.json</c> removes only tightening rules.
/// </para>
/// <para>Only rules are reloaded; every other key of the user config is read once, at start-up.</para>
/// </remarks>
public sealed class RuleBook : IRuleSource, IDisposable
{
    private readonly Lock checkLock = new();
    private readonly IReadOnlyList<WatchedRuleFile> watchedFiles;
    private readonly ILogger logger;
    private readonly ITimer timer;
    private IReadOnlyList<PolicyRule> current = ImmutableArray<PolicyRule>.Empty;
    private volatile bool disposed;

    /// <summary>Reads the files once, synchronously, then starts polling them.</summary>
    /// <param name="files">The files to read; a file that does not exist yet contributes nothing until it appears.</param>
    /// <param name="timeProvider">The clock whose timer drives the polling.</param>
    /// <param name="logger">Where loads, ignored allow rules, invalid files and removals are logged.</param>
    public RuleBook(IEnumerable<RuleFile> files, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        this.logger = logger;
        watchedFiles = files.Select(file => new WatchedRuleFile(file, logger)).ToArray();
        CheckForChanges();
        timer = timeProvider.CreateTimer(OnTimer, null, PollInterval, PollInterval);
    }

    /// <summary>The rule file read from the workspace's root; it may only tighten the policy.</summary>
    public const string WorkspaceRuleFileName = "agentexec.json";

    /// <summary>How often the files are checked: twice a second, so a change applies within a second.</summary>
    public static TimeSpan PollInterval { get; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The rules in force now: an immutable snapshot, user-config rules first, safe to read from any thread.</summary>
    public IReadOnlyList<PolicyRule> Current => Volatile.Read(ref current);

    /// <summary>The files the rules come from.</summary>
    public IReadOnlyList<RuleFile> Files => watchedFiles.Select(watched => watched.File).ToArray();

    /// <summary>A rule book for resolved settings: the user config (trusted as its location allows) and the workspace's <c>agentexec.json</c>.</summary>
    /// <param name="settings">The resolved settings.</param>
    /// <param name="timeProvider">The clock whose timer drives the polling.</param>
    /// <param name="logger">Where rule-file events are logged.</param>
    /// <returns>The rule book, already loaded.</returns>
    public static RuleBook ForSettings(AgentExecSettings settings, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var files = new List<RuleFile>();
        if (settings.ConfigPath is { } configPath)
        {
            files.Add(new RuleFile(configPath, settings.ConfigIsInsideWorkspace ? RuleOrigin.Workspace : RuleOrigin.User));
        }

        // --config may name the workspace's own agentexec.json; read it once, not twice.
        var workspaceFile = Path.Join(settings.Workspace, WorkspaceRuleFileName);
        var sameAsConfig = settings.ConfigPath is not null
            && (workspaceFile == settings.ConfigPath
                || (RealPath.TryResolve(workspaceFile, out var realWorkspaceFile, out _) && realWorkspaceFile == settings.ConfigPath));
        if (!sameAsConfig)
        {
            files.Add(new RuleFile(workspaceFile, RuleOrigin.Workspace));
        }

        return new RuleBook(files, timeProvider, logger);
    }

    /// <summary>Stops polling; <see cref="Current"/> keeps its last value.</summary>
    public void Dispose()
    {
        disposed = true;
        timer.Dispose();
    }

    /// <summary>Checks every file now, on the calling thread, waiting for a check already under way.</summary>
    /// <remarks>For tests, and for the first load; the timer does the same in the background.</remarks>
    internal void CheckForChanges()
    {
        lock (checkLock)
        {
            CheckAll();
        }
    }

    private void OnTimer(object? state)
    {
        // A check still running (a slow disk) is not queued behind: the next tick will do.
        if (!checkLock.TryEnter())
        {
            return;
        }

        try
        {
            CheckAll();
        }
        finally
        {
            checkLock.Exit();
        }
    }

    private void CheckAll()
    {
        if (disposed)
        {
            return;
        }

        var changed = false;
        foreach (var file in watchedFiles)
        {
            try
            {
                changed |= file.Check();
            }
            catch (Exception exception)
            {
                // Everything is caught: this runs on a timer thread, and whatever went wrong, the file's last rules
                // must stay in force and the other files must still be checked.
                RuleBookLog.CheckFailed(logger, exception);
            }
        }

        if (changed)
        {
            Volatile.Write(ref current, watchedFiles.SelectMany(file => file.Rules).ToImmutableArray());
        }
    }
}
