namespace AgentExec.MicroBenchmarks;

/// <summary>One command line of the corpus, named for BenchmarkDotNet's table by its set and its place in the set.</summary>
/// <param name="Set">The corpus file it comes from: <c>read-only</c> or <c>build-tool</c>.</param>
/// <param name="Number">Its number among the set's lines (comments and blank lines not counted), from 1.</param>
/// <param name="Text">The command line.</param>
public sealed record CorpusLine(string Set, int Number, string Text)
{
    private const int ShownCharacters = 40;

    /// <summary>The name BenchmarkDotNet shows: set, number and the start of the line.</summary>
    public override string ToString()
    {
        var text = Text.ReplaceLineEndings(" ");
        return $"{Set} {Number:000}: {(text.Length <= ShownCharacters ? text : text[..ShownCharacters] + "…")}";
    }
}
