namespace AgentExec.Core.Commands;

/// <summary>Which <c>find</c> commands delete files, and the commands it runs (what only reads is <see cref="FindGrammar"/>'s to prove).</summary>
/// <remarks>find's options are single-dash words (<c>-delete</c>), so they are compared whole, never split into letters.</remarks>
internal static class FindCommand
{
    private static readonly string[] CommandActions = ["-exec", "-execdir", "-ok", "-okdir"];

    /// <summary>Whether <c>find</c> with <paramref name="args"/> is dangerous (the commands it runs are judged as parts of their own).</summary>
    public static Verdict Classify(ArgumentView args)
    {
        if (args.Contains("-delete"))
        {
            return Verdict.Dangerous("find with -delete");
        }

        if (args.AnyMayBeFlag)
        {
            return Verdict.Dangerous("find with an argument expanded at run time (could be -delete)");
        }

        return Verdict.Ordinary("find that deletes nothing");
    }

    /// <summary>The commands find runs through <c>-exec</c>, <c>-execdir</c>, <c>-ok</c> and <c>-okdir</c>, each up to its <c>;</c> or <c>{} +</c>.</summary>
    public static IReadOnlyList<IReadOnlyList<ShellWord>> ExecutedCommands(ArgumentView args)
    {
        var commands = new List<IReadOnlyList<ShellWord>>();
        var words = args.Words;
        for (var i = 0; i < words.Count; i++)
        {
            if (!(words[i].IsStatic && CommandActions.Contains(words[i].Value)))
            {
                continue;
            }

            var command = new List<ShellWord>();
            for (i++; i < words.Count; i++)
            {
                var word = words[i];
                var ends = word.IsStatic && (word.Value == ";" || (word.Value == "+" && command.Count > 0 && command[^1].Value == "{}"));
                if (ends)
                {
                    break;
                }

                command.Add(word);
            }

            if (command.Count > 0)
            {
                commands.Add(command);
            }
        }

        return commands;
    }
}
