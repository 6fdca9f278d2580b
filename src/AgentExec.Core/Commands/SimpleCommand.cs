namespace AgentExec.Core.Commands;

/// <summary>One simple command as parsed, before normalisation: assignments, words and redirections.</summary>
/// <param name="Text">Its source text (a here-document's body is not included).</param>
/// <param name="Assignments">The <c>NAME=value</c> words before the command word.</param>
/// <param name="Words">The command word and its arguments, as written.</param>
/// <param name="Redirections">Its own redirections.</param>
/// <param name="InheritedRedirections">Redirections of the subshells and groups around it (<c>(cat a) &gt; b</c>), which apply to it too.</param>
/// <param name="ReadsPipe">True when its standard input is a pipe (it stands after a <c>|</c>, or inside a group that does).</param>
internal sealed record SimpleCommand(
    string Text,
    IReadOnlyList<ShellWord> Assignments,
    IReadOnlyList<ShellWord> Words,
    IReadOnlyList<Redirection> Redirections,
    IReadOnlyList<Redirection> InheritedRedirections,
    bool ReadsPipe)
{
    /// <summary>Its own redirections followed by the inherited ones.</summary>
    public IEnumerable<Redirection> AllRedirections => Redirections.Concat(InheritedRedirections);

    /// <summary>A command made of words alone, such as the one <c>find -exec</c> runs.</summary>
    public static SimpleCommand OfWords(IReadOnlyList<ShellWord> words) =>
        new(string.Join(' ', words.Select(word => word.Source)), [], words, [], [], ReadsPipe: false);
}
