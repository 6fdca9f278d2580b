using AgentExec.Core.Configuration;
using AgentExec.Core.Policy;
using AgentExec.Tests.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace AgentExec.Tests.Core.Policy;

public sealed class RuleBookTests : IDisposable
{
    private const string PushPrompts = """{ "rules": [ { "pattern": ["git", "push"], "decision": "prompt" } ] }""";
    private const string RmForbidden = """{ "rules": [ { "pattern": ["rm", "-rf"], "decision": "forbidden", "justification": "no" } ] }""";

    private readonly SettingsScenario scenario = new();
    private readonly ManualTimeProvider clock = new();
    private readonly RecordingLogger logger = new();

    public void Dispose() => scenario.Dispose();

    [Fact]
    public void Rules_are_read_from_both_files_when_the_book_is_created()
    {
        // Arrange
        var userConfig = scenario.WriteUserConfig("""{ "rules": [ { "pattern": ["npm", "test"], "decision": "allow" } ] }""");
        SettingsScenario.WriteFile(scenario.WorkspaceRuleFilePath, RmForbidden);

        // Act
        using var book = CreateBook(userConfig);

        // Assert
        Assert.Equal(
            [
                ("npm test", RuleDecision.Allow, null, RuleOrigin.User),
                ("rm -rf", RuleDecision.Forbidden, "no", RuleOrigin.Workspace),
            ],
            Summaries(book.Current));
    }

    [Fact]
    public void Allow_rules_in_the_workspace_rule_file_are_ignored_with_a_warning()
    {
        // Arrange
        SettingsScenario.WriteFile(scenario.WorkspaceRuleFilePath, """
            { "rules": [
              { "pattern": ["curl"], "decision": "allow" },
              { "pattern": ["git", "push"], "decision": "prompt" } ] }
            """);

        // Act
        using var book = CreateBook();

        // Assert
        Assert.Equal([("git push", RuleDecision.Prompt, null, RuleOrigin.Workspace)], Summaries(book.Current));
        Assert.Equal(
            [$"{scenario.WorkspaceRuleFilePath}: ignoring the allow rule [\"curl\"]: the file is inside the workspace, which the agent can write, so it may only tighten the policy (prompt, forbidden)"],
            logger.MessagesAt(LogLevel.Warning));
    }

    [Fact]
    public void A_changed_rule_file_is_picked_up_by_the_next_check()
    {
        // Arrange
        SettingsScenario.WriteFile(scenario.WorkspaceRuleFilePath, PushPrompts);
        using var book = CreateBook();

        // Act
        SettingsScenario.WriteFile(scenario.WorkspaceRuleFilePath, RmForbidden);
        book.CheckForChanges();

        // Assert
        Assert.Equal([("rm -rf", RuleDecision.Forbidden, "no", RuleOrigin.Workspace)], Summaries(book.Current));
    }

    [Fact]
    public void A_changed_rule_file_is_picked_up_within_a_second_by_the_timer()
    {
        // Arrange
        SettingsScenario.WriteFile(scenario.WorkspaceRuleFilePath, PushPrompts);
        using var book = CreateBook();
        SettingsScenario.WriteFile(scenario.WorkspaceRuleFilePath, RmForbidden);

        // Act
        clock.Advance(TimeSpan.FromSeconds(1));

        // Assert
        Assert.True(RuleBook.PollInterval < TimeSpan.FromSeconds(1));
        Assert.Equal(RuleDecision.Forbidden, Assert.Single(book.Current).Decision);
    }

    [Fact]
    public void The_timer_checks_every_poll_interval_and_not_before()
    {
        // Arrange
        SettingsScenario.WriteFile(scenario.WorkspaceRuleFilePath, PushPrompts);
        using var book = CreateBook();
        SettingsScenario.WriteFile(scenario.WorkspaceRuleFilePath, RmForbidden);

        // Act
        clock.Advance(RuleBook.PollInterval - TimeSpan.FromMilliseconds(1));
        var beforeTheInterval = book.Current;
        clock.Advance(TimeSpan.FromMilliseconds(1));

        // Assert
        Assert.Equal(RuleDecision.Prompt, Assert.Single(beforeTheInterval).Decision);
        Assert.Equal(RuleDecision.Forbidden, Assert.Single(book.Current).Decision);
    }

    [Fact]
    public void A_same_size_edit_is_seen_because_content_is_compared()
    {
        // Arrange
        var path = scenario.WriteUserConfig("""{ "rules": [ { "pattern": ["git"], "decision": "allow" } ] }""");
        using var book = CreateBook(path);
        var modified = File.GetLastWriteTimeUtc(path);

        // Act: same length, same timestamp.
        SettingsScenario.WriteFile(path, """{ "rules": [ { "pattern": ["gjt"], "decision": "allow" } ] }""");
        File.SetLastWriteTimeUtc(path, modified);
        book.CheckForChanges();

        // Assert
        Assert.Equal(["gjt"], Assert.Single(book.Current).Pattern);
    }

    [Fact]
    public void An_invalid_edit_keeps_the_last_good_rules_and_logs_why()
    {
        // Arrange
        SettingsScenario.WriteFile(scenario.WorkspaceRuleFilePath, RmForbidden);
        using var book = CreateBook();
        var before = book.Current;

        // Act
        SettingsScenario.WriteFile(scenario.WorkspaceRuleFilePath, """{ "rules": [ { "pattern": ["rm", "-rf"], "decision": "maybe" } ] }""");
        book.CheckForChanges();
        book.CheckForChanges();

        // Assert
        Assert.Same(before, book.Current);
        Assert.Equal(
            [$"{scenario.WorkspaceRuleFilePath} has an invalid rule: rules[0].decision: unknown value 'maybe'; expected allow, prompt, forbidden; keeping its last good rules (1 rule(s))"],
            logger.MessagesAt(LogLevel.Error));
    }

    [Fact]
    public void A_file_truncated_mid_save_keeps_the_last_good_rules()
    {
        // Arrange
        var path = scenario.WriteUserConfig(RmForbidden);
        using var book = CreateBook(path);

        // Act
        SettingsScenario.WriteFile(path, "");
        book.CheckForChanges();
        var whileEmpty = book.Current;
        SettingsScenario.WriteFile(path, """{ "rules": [ { "pattern": ["rm"], "decis""");
        book.CheckForChanges();
        var whileHalfWritten = book.Current;

        // Assert
        Assert.Equal(RuleDecision.Forbidden, Assert.Single(whileEmpty).Decision);
        Assert.Equal(RuleDecision.Forbidden, Assert.Single(whileHalfWritten).Decision);
    }

    [Fact]
    public void A_file_fixed_after_an_invalid_edit_is_loaded_again()
    {
        // Arrange
        SettingsScenario.WriteFile(scenario.WorkspaceRuleFilePath, RmForbidden);
        using var book = CreateBook();
        SettingsScenario.WriteFile(scenario.WorkspaceRuleFilePath, "{ not json");
        book.CheckForChanges();

        // Act
        SettingsScenario.WriteFile(scenario.WorkspaceRuleFilePath, PushPrompts);
        book.CheckForChanges();

        // Assert
        Assert.Equal(["git", "push"], Assert.Single(book.Current).Pattern);
    }

    [Fact]
    public void A_deleted_file_loses_its_rules_only_when_it_stays_missing_for_two_checks()
    {
        // Arrange
        var userConfig = scenario.WriteUserConfig(RmForbidden);
        SettingsScenario.WriteFile(scenario.WorkspaceRuleFilePath, PushPrompts);
        using var book = CreateBook(userConfig);

        // Act
        File.Delete(userConfig);
        book.CheckForChanges();
        var afterOneCheck = book.Current;
        book.CheckForChanges();

        // Assert
        Assert.Equal(2, afterOneCheck.Count);
        Assert.Equal([("git push", RuleDecision.Prompt, null, RuleOrigin.Workspace)], Summaries(book.Current));
        Assert.Contains($"{userConfig} was removed; its 1 rule(s) no longer apply", logger.MessagesAt(LogLevel.Warning));
    }

    [Fact]
    public void A_file_deleted_and_recreated_between_checks_keeps_its_rules_throughout()
    {
        // Arrange
        SettingsScenario.WriteFile(scenario.WorkspaceRuleFilePath, RmForbidden);
        using var book = CreateBook();

        // Act
        File.Delete(scenario.WorkspaceRuleFilePath);
        book.CheckForChanges();
        var whileMissing = book.Current;
        SettingsScenario.WriteFile(scenario.WorkspaceRuleFilePath, RmForbidden);
        book.CheckForChanges();
        book.CheckForChanges();

        // Assert
        Assert.Single(whileMissing);
        Assert.Single(book.Current);
        Assert.DoesNotContain(logger.MessagesAt(LogLevel.Warning), message => message.Contains("was removed", StringComparison.Ordinal));
    }

    [Fact]
    public void A_rule_file_created_after_start_is_picked_up()
    {
        // Arrange
        using var book = CreateBook();
        var empty = book.Current;

        // Act
        SettingsScenario.WriteFile(scenario.WorkspaceRuleFilePath, PushPrompts);
        book.CheckForChanges();

        // Assert
        Assert.Empty(empty);
        Assert.Single(book.Current);
    }

    [Fact]
    public void A_snapshot_already_read_does_not_change_when_the_rules_are_reloaded()
    {
        // Arrange
        SettingsScenario.WriteFile(scenario.WorkspaceRuleFilePath, PushPrompts);
        using var book = CreateBook();
        var snapshot = book.Current;

        // Act
        SettingsScenario.WriteFile(scenario.WorkspaceRuleFilePath, RmForbidden);
        book.CheckForChanges();

        // Assert
        Assert.Equal(["git", "push"], Assert.Single(snapshot).Pattern);
        Assert.NotSame(snapshot, book.Current);
    }

    [Fact]
    public void Nothing_is_reloaded_after_the_book_is_disposed()
    {
        // Arrange
        SettingsScenario.WriteFile(scenario.WorkspaceRuleFilePath, PushPrompts);
        var book = CreateBook();

        // Act
        book.Dispose();
        SettingsScenario.WriteFile(scenario.WorkspaceRuleFilePath, RmForbidden);
        clock.Advance(TimeSpan.FromSeconds(5));
        book.CheckForChanges();

        // Assert
        Assert.Equal(0, clock.ActiveTimerCount);
        Assert.Equal(["git", "push"], Assert.Single(book.Current).Pattern);
    }

    [Fact]
    public void A_user_config_inside_the_workspace_contributes_no_allow_rules()
    {
        // Arrange
        var path = SettingsScenario.WriteFile(
            Path.Join(scenario.Workspace, "config.json"),
            """{ "rules": [ { "pattern": ["curl"], "decision": "allow" }, { "pattern": ["rm"], "decision": "prompt" } ] }""");
        scenario.Flags["config"] = path;
        var settings = scenario.ResolveSettings();

        // Act
        using var book = RuleBook.ForSettings(settings, clock, logger);

        // Assert
        Assert.Equal([("rm", RuleDecision.Prompt, null, RuleOrigin.Workspace)], Summaries(book.Current));
        Assert.Single(logger.MessagesAt(LogLevel.Warning));
    }

    [Fact]
    public void The_book_for_settings_watches_the_user_config_and_the_workspace_rule_file()
    {
        // Arrange
        var userConfig = scenario.WriteUserConfig("{}");
        var settings = scenario.ResolveSettings();

        // Act
        using var book = RuleBook.ForSettings(settings, clock, logger);

        // Assert
        Assert.Equal(
            [new RuleFile(userConfig, RuleOrigin.User), new RuleFile(scenario.WorkspaceRuleFilePath, RuleOrigin.Workspace)],
            book.Files);
    }

    [Fact]
    public void The_workspace_rule_file_named_as_the_config_is_watched_once()
    {
        // Arrange
        SettingsScenario.WriteFile(scenario.WorkspaceRuleFilePath, RmForbidden);
        scenario.Flags["config"] = scenario.WorkspaceRuleFilePath;
        var settings = scenario.ResolveSettings();

        // Act
        using var book = RuleBook.ForSettings(settings, clock, logger);

        // Assert
        Assert.Equal([new RuleFile(scenario.WorkspaceRuleFilePath, RuleOrigin.Workspace)], book.Files);
        Assert.Single(book.Current);
    }

    private RuleBook CreateBook(string? userConfig = null)
    {
        var files = new List<RuleFile>();
        if (userConfig is not null)
        {
            files.Add(new RuleFile(userConfig, RuleOrigin.User));
        }

        files.Add(new RuleFile(scenario.WorkspaceRuleFilePath, RuleOrigin.Workspace));
        return new RuleBook(files, clock, logger);
    }

    /// <summary>Rules as comparable tuples: a record's list member compares by reference, not by content.</summary>
    private static (string Pattern, RuleDecision Decision, string? Justification, RuleOrigin Origin)[] Summaries(IEnumerable<PolicyRule> rules) =>
        rules.Select(rule => (string.Join(' ', rule.Pattern), rule.Decision, rule.Justification, rule.Origin)).ToArray();
}
