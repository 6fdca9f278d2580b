using System.Text.RegularExpressions;

namespace AgentExec.Core.Commands;

/// <summary>
/// Whether a line must be read a second time because its parts do not run in the order they are written, or because
/// something outside any part may change where later parts read; and where that second reading starts.
/// </summary>
/// <remarks>
/// The parts are judged in the order they are written, each from the directories and the <c>HOME</c> the parts before
/// it leave (<see cref="WorkingDirectories"/>). A loop body runs again after its last part, and a function body runs
/// wherever the function is called: <c>for i in 1 2; do cat .netrc; cd ~; done</c> read <c>~/.netrc</c> at its second
/// turn under Landlock, with no question (found by an attack). Arithmetic commands, <c>for ((…))</c>, loop variables and
/// arithmetic inside <c>[[ … ]]</c> assign variables without being a part at all (<c>((HOME=0)); cat ~/n</c>). For such a
/// line everything the first reading lost, and every directory it reached, holds from the first part on: stricter for
/// the parts before the loop, which is the price of not modelling the order.
/// </remarks>
internal static partial class ReadingOrder
{
    // The constructs whose parts may run again, or later than they are written.
    private static readonly string[] Reordering = ["for", "while", "until", "select", "function"];

    /// <summary>The directories to read the line again from, or null when one reading judged every part where it runs.</summary>
    public static WorkingDirectories? SecondReadingStart(string commandLine, ParseState state, PartCollector first)
    {
        var evaluates = AssignsOutsideAnyPart(commandLine, state, first);
        var reorders = state.Constructs.Any(construct => Reordering.Contains(construct, StringComparer.Ordinal));
        return evaluates is not null || (reorders && first.Directories.Changed)
            ? first.Directories.ForSecondReading(evaluates)
            : null;
    }

    private static string? AssignsOutsideAnyPart(string commandLine, ParseState state, PartCollector first)
    {
        if (state.Constructs.Contains("((…))", StringComparer.Ordinal))
        {
            return "an arithmetic command ((…)), which may set HOME or CDPATH";
        }

        if (state.AssignedNames.FirstOrDefault(WorkingDirectories.NamesWhatMovesTheShell) is { } variable)
        {
            return $"a loop, coproc or named descriptor that sets {variable}";
        }

        if (first.LooseEvaluation is { } loose)
        {
            return loose;
        }

        // [[ 1 -eq x ]] evaluates x's value as arithmetic (x='HOME=5' sets HOME), as does a subscript after -v. Any such
        // operator anywhere on a line with [[ counts: strict, and lines with both are rare.
        return state.Constructs.Contains("[[", StringComparer.Ordinal) && ArithmeticTest().IsMatch(commandLine)
            ? "a [[ … ]] test that evaluates arithmetic, which may set HOME or CDPATH"
            : null;
    }

    [GeneratedRegex(@"-(eq|ne|lt|le|gt|ge|v)\b", RegexOptions.CultureInvariant)]
    private static partial Regex ArithmeticTest();
}
