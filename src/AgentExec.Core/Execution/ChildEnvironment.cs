using System.Collections;
using System.Collections.Frozen;
using AgentExec.Core.Configuration;

namespace AgentExec.Core.Execution;

/// <summary>
/// The environment allow-list of SPEC.md "Sandbox": which host variables a command sees, plus what the user config
/// keeps and sets.
/// </summary>
/// <remarks>
/// The rule, in one line: a host variable passes when <c>env.keep</c> names it exactly (ordinal, case-sensitive), or
/// when it is on the allow-list and does not look sensitive. Sensitive means <c>BASH_ENV</c>, <c>ENV</c>, <c>LD_*</c>,
/// or a name containing <c>KEY</c>, <c>SECRET</c>, <c>TOKEN</c>, <c>PASSWORD</c> or <c>CREDENTIAL</c> in any case — so
/// an allow-list pattern never lets one through (<c>LC_TOKEN</c> needs an exact keep). Then <c>env.set</c> is applied
/// on top, <c>DOTNET_EnableDiagnostics=0</c> is added (an addition to SPEC.md's list that <c>env.set</c> cannot undo),
/// and a missing or empty <c>PATH</c> becomes <see cref="DefaultPath"/>.
/// </remarks>
internal static class ChildEnvironment
{
    /// <summary>The search path a child gets when neither the host nor <c>env.set</c> supplies one.</summary>
    public const string DefaultPath = "/usr/local/bin:/usr/bin:/bin";

    /// <summary>The .NET runtime's switch for the debugger, the profiler and the diagnostic IPC socket.</summary>
    public const string DiagnosticsSwitchName = "DOTNET_EnableDiagnostics";

    /// <summary>The value of <see cref="DiagnosticsSwitchName"/> that turns them all off.</summary>
    public const string DiagnosticsOff = "0";

    private const string PathName = "PATH";
    private const string LocalePrefix = "LC_";
    private const string DynamicLinkerPrefix = "LD_";

    private static readonly FrozenSet<string> AllowListedNames = FrozenSet.Create(
        StringComparer.Ordinal,
        PathName, "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TERM", "TZ", "PWD", "TMPDIR");

    // Variables a shell sources or the dynamic linker obeys: passing them hands the host's choice of code to the child.
    private static readonly FrozenSet<string> CodeLoadingNames = FrozenSet.Create(StringComparer.Ordinal, "BASH_ENV", "ENV");

    private static readonly string[] SecretFragments = ["KEY", "SECRET", "TOKEN", "PASSWORD", "CREDENTIAL"];

    /// <summary>The child's complete environment for <paramref name="host"/> under <paramref name="settings"/>.</summary>
    public static IReadOnlyDictionary<string, string> Build(IReadOnlyDictionary<string, string> host, EnvironmentSettings settings) =>
        Compose(host, settings).Variables;

    /// <summary>The host variables withheld from the child, whose values must be redacted wherever output leaves the machine.</summary>
    public static IReadOnlyList<string> RemovedNames(IReadOnlyDictionary<string, string> host, EnvironmentSettings settings) =>
        Compose(host, settings).RemovedNames;

    /// <summary>Applies the allow-list, <c>env.keep</c> and <c>env.set</c> to <paramref name="host"/>.</summary>
    public static ComposedEnvironment Compose(IReadOnlyDictionary<string, string> host, EnvironmentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(settings);

        var keep = settings.Keep.ToHashSet(StringComparer.Ordinal);
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        var removed = new List<string>();

        foreach (var (name, value) in host)
        {
            if (keep.Contains(name) || (IsAllowListed(name) && !IsSensitive(name)))
            {
                variables[name] = value;
            }
            else
            {
                removed.Add(name);
            }
        }

        foreach (var (name, value) in settings.Set)
        {
            variables[name] = value;
        }

        // An addition to the allow-list, set last so that nothing turns it back on: a .NET runtime AgentExec starts (the
        // JIT-hosted Landlock launcher, whose unconfined threads would serve it, above all) opens no diagnostic socket
        // or debugger pipe that a command could use to read its memory or make it load a library. A command may still
        // set it for the .NET processes it starts itself; those are inside the sandbox.
        variables[DiagnosticsSwitchName] = DiagnosticsOff;

        if (!variables.TryGetValue(PathName, out var path) || path.Length == 0)
        {
            // An empty PATH would make bash search only the current directory — in a workspace the agent writes.
            variables[PathName] = DefaultPath;
        }

        removed.Sort(StringComparer.Ordinal);
        return new ComposedEnvironment(variables, removed);
    }

    /// <summary>A snapshot of this process's environment, the usual <c>host</c> argument.</summary>
    public static IReadOnlyDictionary<string, string> ReadHost()
    {
        var snapshot = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string name && entry.Value is string value)
            {
                snapshot[name] = value;
            }
        }

        return snapshot;
    }

    /// <summary>True for the names the allow-list admits by themselves: the fixed list and <c>LC_*</c>.</summary>
    internal static bool IsAllowListed(string name) =>
        AllowListedNames.Contains(name) || name.StartsWith(LocalePrefix, StringComparison.Ordinal);

    /// <summary>True for names that pass only when <c>env.keep</c> names them exactly.</summary>
    internal static bool IsSensitive(string name)
    {
        if (CodeLoadingNames.Contains(name) || name.StartsWith(DynamicLinkerPrefix, StringComparison.Ordinal))
        {
            return true;
        }

        foreach (var fragment in SecretFragments)
        {
            if (name.Contains(fragment, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
