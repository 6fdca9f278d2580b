using System.Text;
using System.Text.RegularExpressions;

namespace AgentExec.Core.Commands;

/// <summary>Accumulates one word while the scanner reads it, then freezes it into a <see cref="ShellWord"/>.</summary>
internal sealed partial class WordBuilder
{
    // Stands for a quoted or dynamic character in the shape, so brace expansion is only seen in unquoted text.
    private const char Opaque = '\u0001';

    private readonly StringBuilder value = new();
    private readonly StringBuilder shape = new();
    private readonly StringBuilder staticPrefix = new();
    private readonly List<ParsedScript> substitutions = [];
    private bool sawDynamic;
    private WordTraits traits;

    /// <summary>Adds an unquoted literal character.</summary>
    public void Literal(char c)
    {
        value.Append(c);
        shape.Append(c);
        AppendToPrefix(c);
    }

    /// <summary>Adds a quoted or escaped literal character.</summary>
    public void Quoted(char c)
    {
        value.Append(c);
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
        var prefix = staticPrefix.ToString();
        var brace = BraceExpansion().Match(shape.ToString());
        if (brace.Success)
        {
            traits |= WordTraits.BraceExpansion;
            if (brace.Index < prefix.Length)
            {
                prefix = prefix[..brace.Index];
            }
        }

        var isStatic = (traits & WordTraits.Dynamic) == 0;
        return new ShellWord(source, isStatic ? value.ToString() : source, traits, prefix, [.. substitutions]);
    }

    private void AppendToPrefix(char c)
    {
        if (!sawDynamic)
        {
            staticPrefix.Append(c);
        }
    }

    // An innermost {…} holding a comma or "..": bash expands it into several words.
    [GeneratedRegex(@"\{[^{}]*(,|\.\.)[^{}]*\}")]
    private static partial Regex BraceExpansion();
}
