namespace AgentExec.Core.Commands;

/// <summary>
/// The body of a here-document. It is created when <c>&lt;&lt;WORD</c> is read and filled in when the lexer
/// reaches the end of that line, which is why it is a mutable holder rather than a record.
/// </summary>
internal sealed class HeredocBody(string delimiter, bool isQuoted, bool stripsTabs)
{
    /// <summary>The end marker after quote removal.</summary>
    public string Delimiter { get; } = delimiter;

    /// <summary>True when any part of the marker was quoted (<c>&lt;&lt;'EOF'</c>): the body is then literal.</summary>
    public bool IsQuoted { get; } = isQuoted;

    /// <summary>True for <c>&lt;&lt;-</c>, which strips leading tabs from the body and the marker line.</summary>
    public bool StripsTabs { get; } = stripsTabs;

    /// <summary>The raw body, or null until the lexer has read it.</summary>
    public string? Text { get; set; }

    /// <summary>For an unquoted body: the body read as one word, so its expansions and substitutions are known.</summary>
    public ShellWord? Expanded { get; set; }

    /// <summary>True when the body's text is fixed before the command runs (quoted, or free of expansions).</summary>
    public bool IsStatic => Text is not null && (IsQuoted || Expanded is { IsStatic: true });

    /// <summary>The text the command will read, when <see cref="IsStatic"/>.</summary>
    public string? StaticText => !IsStatic ? null : IsQuoted ? Text : Expanded!.Value;
}
