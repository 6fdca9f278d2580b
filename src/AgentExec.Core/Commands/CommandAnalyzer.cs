namespace AgentExec.Core.Commands;

/// <summary>TEMPORARY stub until the parser branch lands.</summary>
public static class CommandAnalyzer
{
    /// <summary>Stub.</summary>
    public static CommandAnalysis Analyze(string commandLine)
    {
        var words = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var safety = words.Length > 0 && words[0] == "rm" && words.Any(w => w.StartsWith('-')) ? CommandSafety.Dangerous : CommandSafety.Ordinary;
        return new CommandAnalysis(commandLine, [new CommandPart(commandLine, words.FirstOrDefault() ?? "", words.Skip(1).ToArray(), [], safety, "stub", 0)], [], null);
    }
}
