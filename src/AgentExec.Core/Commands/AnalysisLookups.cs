using AgentExec.Core.Credentials;

namespace AgentExec.Core.Commands;

/// <summary>
/// The file-system answers of one <see cref="CommandAnalyzer.Analyze(string, AnalysisContext)"/> call, each asked once:
/// link resolutions, credential checks of a path, where <c>PATH</c> finds a program, whether a directory holds a
/// name starting with a given character, and what the repository git selects from a directory configures.
/// </summary>
/// <remarks>
/// A line names the same paths many times (<c>cat a b | grep x a</c>, every argument below the same working directory,
/// <c>git log; git status</c>). Each answer is a fact about the disk at the moment of the analysis, which is what the
/// proof judges; remembering it for the rest of the same call changes no decision. An instance is made per call and
/// dropped with it: the agent may change the workspace between two calls, so nothing here may outlive one.
/// </remarks>
internal sealed class AnalysisLookups
{
    private readonly Dictionary<(string Path, bool IsPattern), bool> _credentialAnswers = [];
    private readonly Dictionary<string, string?> _programRefusals = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Directory, char Leading), bool> _leadingCharacterNames = [];
    private readonly Dictionary<string, string?> _repositoryRefusals = new(StringComparer.Ordinal);

    /// <summary>The link resolutions of this call.</summary>
    public LinkResolver Links { get; } = new();

    /// <summary>The walks of git directories for links in this call, one per directory.</summary>
    public GitDirectoryLinks GitDirectoryLinks { get; } = new();

    /// <summary>Whether <paramref name="path"/> (a pattern when <paramref name="isPattern"/>) may name a credential location of <paramref name="list"/>.</summary>
    /// <remarks>One list per call (the context's), so the list is not part of the key.</remarks>
    public bool MayNameCredential(CredentialList list, string path, bool isPattern)
    {
        if (!_credentialAnswers.TryGetValue((path, isPattern), out var named))
        {
            named = isPattern ? list.MayMatch(path, Links) : list.Covers(path, Links);
            _credentialAnswers[(path, isPattern)] = named;
        }

        return named;
    }

    /// <summary>The answer <paramref name="lookup"/> gives for <paramref name="program"/>, asked once per call.</summary>
    public string? ProgramRefusal(string program, Func<string, string?> lookup) => Remember(_programRefusals, program, lookup);

    /// <summary>The answer <paramref name="lookup"/> gives for <paramref name="directory"/> and <paramref name="leading"/>, asked once per call.</summary>
    public bool HoldsNameStartingWith(string directory, char leading, Func<string, char, bool> lookup)
    {
        if (!_leadingCharacterNames.TryGetValue((directory, leading), out var holds))
        {
            holds = lookup(directory, leading);
            _leadingCharacterNames[(directory, leading)] = holds;
        }

        return holds;
    }

    /// <summary>The answer <paramref name="lookup"/> gives for git started in <paramref name="directory"/>, asked once per call.</summary>
    public string? RepositoryRefusal(string directory, Func<string, string?> lookup) => Remember(_repositoryRefusals, directory, lookup);

    private static TValue Remember<TValue>(Dictionary<string, TValue> answers, string key, Func<string, TValue> lookup)
    {
        if (!answers.TryGetValue(key, out var answer))
        {
            answer = lookup(key);
            answers[key] = answer;
        }

        return answer;
    }
}
