using AgentExec.Core.Configuration;
using AgentExec.Core.Settings;

namespace AgentExec.Tests.Core.Configuration;

/// <summary>
/// A throw-away home directory with a project in it, and the flags and environment to resolve settings against,
/// so that no test reads the real environment or the real ~/.config.
/// </summary>
internal sealed class SettingsScenario : IDisposable
{
    public SettingsScenario()
    {
        var created = Directory.CreateTempSubdirectory("agentexec-config-tests-").FullName;

        // The temporary directory may itself sit behind a symbolic link (macOS /tmp); tests compare real paths.
        Root = new DirectoryInfo(created).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? created;
        Home = Directory.CreateDirectory(Path.Join(Root, "home")).FullName;
        Workspace = Directory.CreateDirectory(Path.Join(Home, "project")).FullName;
        CurrentDirectory = Workspace;
    }

    public string Root { get; }

    public string Home { get; }

    public string Workspace { get; }

    public string CurrentDirectory { get; set; }

    public Dictionary<string, string> Flags { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>Where the user config is found by default: ~/.config/agentexec/config.json.</summary>
    public string DefaultUserConfigPath => Path.Join(Home, ".config", "agentexec", "config.json");

    public string DefaultAuditLogPath => Path.Join(Home, ".local", "state", "agentexec", "audit.jsonl");

    public string WorkspaceRuleFilePath => Path.Join(Workspace, "agentexec.json");

    public string WriteUserConfig(string json) => WriteFile(DefaultUserConfigPath, json);

    public static string WriteFile(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public static string CreateDirectory(string path) => Directory.CreateDirectory(path).FullName;

    public SettingsResolution Resolve() =>
        SettingsResolver.Resolve(new SettingsInput(Flags, Environment, CurrentDirectory, Home));

    /// <summary>Resolves and fails the test with the resolver's own message when it refuses.</summary>
    public AgentExecSettings ResolveSettings()
    {
        var resolution = Resolve();
        Assert.True(resolution.Succeeded, $"expected settings, got the error: {resolution.Error}");
        return resolution.Settings;
    }

    /// <summary>Resolves and fails the test when the resolver accepts.</summary>
    public SettingsError ResolveError()
    {
        var resolution = Resolve();
        Assert.False(resolution.Succeeded, "expected an error, got settings");
        return resolution.Error;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover temporary directory must not fail a test.
        }
    }
}
