using System.Text;
using AgentExec.Core.Text;

namespace AgentExec.Core.Sandbox;

/// <summary>
/// The repository changes of one run that name a program to run (<see cref="RepositorySnapshot.ChangesSince"/>), for the
/// result's message, the audit log and the terminal.
/// </summary>
/// <param name="Changes">The changes, by repository and then key or hook name.</param>
/// <param name="Incomplete">Why the walk for repositories stopped early, or null when it saw everything.</param>
public sealed record RepositoryReport(IReadOnlyList<RepositoryChange> Changes, string? Incomplete)
{
    /// <summary>The most changes named in the message; the audit field (<c>ExecutionFinished.RepositoryChanges</c>) keeps the same bound.</summary>
    public const int MaximumListed = 20;

    /// <summary>True when there is nothing to tell: no change, and the walk was complete.</summary>
    public bool IsEmpty => Changes.Count == 0 && Incomplete is null;

    /// <summary>
    /// One paragraph for the human (and the agent), with paths relative to <paramref name="workspace"/>. Every name in
    /// it comes from the workspace, so each is escaped (no control or bidi characters reach a terminal) and no value is
    /// quoted.
    /// </summary>
    public string Render(string workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        var text = new StringBuilder();
        if (Changes.Count > 0)
        {
            text.Append("Warning: during this run a git repository's configuration or hooks appeared or changed and name a program to run, which git (or an editor that scans for repositories) would run outside any sandbox: ");
            text.AppendJoin("; ", Changes.Take(MaximumListed).Select(change => $"{Describe(change, workspace)}: {UntrustedText.EscapeLine(change.What)}"));
            if (Changes.Count > MaximumListed)
            {
                text.Append($"; and {Changes.Count - MaximumListed} more");
            }

            text.Append(". Review them before running git there, or in a repository that holds one of them as a submodule (its git status runs git there too).");
        }

        if (Incomplete is { } incomplete)
        {
            text.Append(text.Length > 0 ? " " : string.Empty);
            text.Append($"The search for git repositories in the writable directories {UntrustedText.EscapeLine(incomplete)}; a repository past that point is neither protected nor checked.");
        }

        return text.ToString();
    }

    private static string Describe(RepositoryChange change, string workspace)
    {
        var relative = Path.GetRelativePath(workspace, change.DotGit);
        var shown = relative.StartsWith("..", StringComparison.Ordinal) ? change.DotGit : relative;
        return UntrustedText.EscapeLine(shown) + (change.NewRepository ? " (new repository)" : string.Empty);
    }
}
