namespace AgentExec.Core.Commands;

/// <summary>One way an argument may name a path, for the credential check.</summary>
/// <param name="Path">The path (relative paths are taken from each candidate directory).</param>
/// <param name="IsPattern">True when it is a pathname pattern that bash expands.</param>
/// <param name="IsRepositoryCopy">
/// True when git reads the path's committed or staged copy (<c>REV:path</c>, <c>:path</c>, <c>:N:path</c>): an object
/// in the repository, which no sandbox hides as it hides the file.
/// </param>
internal readonly record struct PathSpelling(string Path, bool IsPattern, bool IsRepositoryCopy = false)
{
    /// <summary>True when the word's spellings could not all be made (braces too many or too deep): any path may be one.</summary>
    public bool IsBeyondReading { get; init; }
}
