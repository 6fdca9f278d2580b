namespace AgentExec.Core.Commands;

/// <summary>Reduces a command word to the program's name, and says whether it names a file outside the system directories.</summary>
/// <remarks>
/// Quotes and backslashes are already gone (<c>\rm</c> and <c>'rm'</c> read as <c>rm</c>). A path keeps
/// only its last segment, so rules and danger checks apply to <c>/bin/rm</c> and <c>./rm</c> alike. But
/// <c>./cat</c> could be any file the agent wrote, so a program given by a path outside the system
/// directories is never known-safe, whatever its name.
/// </remarks>
internal static class ProgramName
{
    private static readonly HashSet<string> SystemDirectories =
        ["/bin", "/usr/bin", "/usr/local/bin", "/sbin", "/usr/sbin", "/usr/local/sbin"];

    /// <summary>The program's name in <paramref name="commandWord"/>, and true when it is a path outside the system directories.</summary>
    public static (string Name, bool OutsideSystemDirectories) Parse(string commandWord)
    {
        var slash = commandWord.LastIndexOf('/');
        if (slash < 0)
        {
            return (commandWord, false);
        }

        return (commandWord[(slash + 1)..], !SystemDirectories.Contains(commandWord[..slash]));
    }
}
