namespace AgentExec.Core.Commands;

/// <summary>
/// A cursor over shell text. A command substitution is parsed by a second lexer on the same source, so
/// the position and the here-documents waiting for the next newline live here, not in a lexer.
/// </summary>
internal sealed class ShellSource(string text, ShellDialect dialect = ShellDialect.Bash)
{
    /// <summary>The grammar the text is read with.</summary>
    public ShellDialect Dialect { get; } = dialect;

    /// <summary>The whole text being read.</summary>
    public string Text { get; } = text;

    /// <summary>Index of the next character to read.</summary>
    public int Position { get; set; }

    /// <summary>True when every character has been read.</summary>
    public bool AtEnd => Position >= Text.Length;

    /// <summary>Here-documents whose operator was read and whose body starts after the next newline.</summary>
    public List<HeredocBody> PendingHeredocs { get; } = [];

    /// <summary>The character <paramref name="offset"/> ahead, or <c>'\0'</c> past the end (the analyzer refuses lines containing NUL).</summary>
    public char Peek(int offset = 0)
    {
        var index = Position + offset;
        return index < Text.Length ? Text[index] : '\0';
    }

    /// <summary>True when the text at the position starts with <paramref name="value"/>.</summary>
    public bool LooksAt(string value) => string.CompareOrdinal(Text, Position, value, 0, value.Length) == 0;

    /// <summary>Moves past <paramref name="count"/> characters.</summary>
    public void Advance(int count = 1) => Position = Math.Min(Text.Length, Position + count);

    /// <summary>Moves to the end so that every reader stops (used when the analysis gives up).</summary>
    public void SkipToEnd() => Position = Text.Length;
}
