using System.Text;

namespace AgentExec.Core.Commands;

/// <summary>Accumulates one word while the scanner reads it, then freezes it into a <see cref="ShellWord"/>.</summary>
internal sealed class WordBuilder
{
    // Stands for a quoted or dynamic character in the shape, so brace expansion is only seen in unquoted text.
    private const char Opaque = '\u0001';

    private readonly StringBuilder value = new();
    private readonly StringBuilder shape = new();
    private readonly StringBuilder staticPrefix = new();

    // The value as a bash pathname pattern: quoted pattern characters escaped with a backslash. Meaningful only
    // while nothing but globs and tildes made the word dynamic.
    private readonly StringBuilder pattern = new();
    private readonly List<ParsedScript> substitutions = [];
    private bool sawDynamic;

    // Brace expansion needs an unquoted "{", which only Literal adds: without one the shape need not be read.
    private bool sawUnquotedBrace;
    private WordTraits traits;

    // How long the static prefix was at the first unquoted "[" (-1: none yet), so that it can be cut there once a
    // closing "]" makes the bracket a pattern.
    private int prefixAtFirstBracket = -1;

    /// <summary>Adds an unquoted literal character.</summary>
    public void Literal(char c)
    {
        sawUnquotedBrace |= c == '{';
        value.Append(c);
        pattern.Append(c);
        shape.Append(c);
        AppendToPrefix(c);
    }

    /// <summary>Adds a quoted or escaped literal character.</summary>
    public void Quoted(char c)
    {
        value.Append(c);
        if (c is '*' or '?' or '[' or ']' or '\\')
        {
            pattern.Append('\\');
        }

        pattern.Append(c);
        shape.Append(Opaque);
        AppendToPrefix(c);
        traits |= WordTraits.Quoted;
    }

    /// <summary>Adds quoted literal text.</summary>
    public void Quoted(string text)
    {
        foreach (var c in text)
        {
            Quoted(c);
        }
    }

    /// <summary>Notes quoting that produced no characters (<c>''</c> is still an argument).</summary>
    public void MarkQuoted() => traits |= WordTraits.Quoted;

    /// <summary>Adds a part whose value is only known at run time; call it before reading the part's insides.</summary>
    public void Dynamic(WordTraits trait)
    {
        shape.Append(Opaque);
        sawDynamic = true;
        traits |= trait;
    }

    /// <summary>Adds an unquoted pathname-pattern character (<c>*</c>, <c>?</c>, the <c>[</c> that opens a bracket expression).</summary>
    public void Glob(char c)
    {
        Dynamic(WordTraits.Glob);
        value.Append(c);
        pattern.Append(c);
    }

    /// <summary>Adds an unquoted <c>[</c>: a pattern character once an unquoted <c>]</c> follows it (<see cref="CloseBracket"/>).</summary>
    public void OpenBracket()
    {
        if (prefixAtFirstBracket < 0)
        {
            prefixAtFirstBracket = staticPrefix.Length;
        }

        Literal('[');
    }

    /// <summary>
    /// Adds an unquoted <c>]</c>. After an unquoted <c>[</c> the word is a pathname pattern, whatever quoted
    /// characters lie between: bash's own test (any unquoted <c>]</c> after an unquoted <c>[</c>) makes
    /// <c>[' '-]exec</c> the pattern <c>[ -]exec</c>, which matches <c>-exec</c>. The pattern text needs no change:
    /// the quoted characters inside are escaped in it already.
    /// </summary>
    public void CloseBracket()
    {
        Literal(']');
        if (prefixAtFirstBracket >= 0 && (traits & WordTraits.Glob) == 0)
        {
            traits |= WordTraits.Glob;
            staticPrefix.Length = Math.Min(staticPrefix.Length, prefixAtFirstBracket);
            sawDynamic = true;
        }
    }

    /// <summary>Adds an unquoted <c>~</c> that bash expands to a home directory.</summary>
    public void Tilde()
    {
        Dynamic(WordTraits.Tilde);
        value.Append('~');
        pattern.Append('~');
    }

    /// <summary>True when no character has been added yet (a tilde expands only at the start of a word or after <c>=</c>/<c>:</c>).</summary>
    public bool IsEmpty => value.Length == 0 && !sawDynamic;

    /// <summary>The last unquoted literal character added, or NUL.</summary>
    public char LastUnquoted => shape.Length == 0 ? '\0' : shape[^1];

    /// <summary>Adds traits learnt after a part was read (an expansion found to evaluate code).</summary>
    public void AddTraits(WordTraits more) => traits |= more;

    /// <summary>Records a parsed substitution whose commands will run.</summary>
    public void Substitution(ParsedScript script) => substitutions.Add(script);

    /// <summary>Takes in a word read inside this one (an element of <c>a=(…)</c>).</summary>
    public void Absorb(ShellWord inner)
    {
        Dynamic(inner.Traits & ~WordTraits.Quoted);
        substitutions.AddRange(inner.Substitutions);
    }

    /// <summary>Freezes the word; <paramref name="source"/> is its text as written.</summary>
    public ShellWord Build(string source)
    {
        // The static prefix is a prefix of the value (both take every character until the first dynamic part), and the
        // pattern is the value with backslashes inserted: equal lengths mean equal texts, which then share one string.
        var valueText = value.ToString();
        var prefix = staticPrefix.Length == value.Length ? valueText : staticPrefix.ToString();
        if (sawUnquotedBrace && BraceStart(shape.ToString()) is { } braceIndex)
        {
            traits |= WordTraits.BraceExpansion;
            if (braceIndex < prefix.Length)
            {
                prefix = prefix[..braceIndex];
            }
        }

        var isStatic = (traits & WordTraits.Dynamic) == 0;
        var onlyPaths = (traits & WordTraits.Dynamic & ~WordTraits.PathExpansion) == 0;
        var onlyBracesAndPaths = (traits & WordTraits.Dynamic & ~(WordTraits.PathExpansion | WordTraits.BraceExpansion)) == 0;
        var patternText = pattern.Length == value.Length ? valueText : pattern.ToString();
        return new ShellWord(source, isStatic ? valueText : source, traits, prefix, [.. substitutions])
        {
            Pattern = onlyPaths ? patternText : null,
            BracePattern = onlyBracesAndPaths && !onlyPaths ? patternText : null,
        };
    }

    private void AppendToPrefix(char c)
    {
        if (!sawDynamic)
        {
            staticPrefix.Append(c);
        }
    }

    // Where brace expansion could start: an unquoted "{" with an unquoted "," or ".." somewhere after it and an
    // unquoted "}" after that, at any nesting. Wider than bash ("{a,b" alone is literal to it, "{x{},-o}" is not),
    // never narrower: an inner "{}" does not stop the outer braces from expanding ("{-o,x{}}" is "-o" and "x{}").
    private static int? BraceStart(string shape)
    {
        var open = shape.IndexOf('{', StringComparison.Ordinal);
        var close = shape.LastIndexOf('}');
        if (open < 0 || close < open)
        {
            return null;
        }

        var inside = shape.AsSpan(open + 1, close - open - 1);
        return inside.Contains(',') || inside.IndexOf("..", StringComparison.Ordinal) >= 0 ? open : null;
    }
}
