namespace AgentExec.Core.Credentials;

/// <summary>One element of a pathname pattern: a character, <c>?</c>, <c>*</c> or a bracket expression.</summary>
/// <param name="Kind">What it matches.</param>
/// <param name="Character">The character of a <see cref="GlobElementKind.Literal"/>.</param>
/// <param name="Ranges">The inclusive ranges of a <see cref="GlobElementKind.Class"/>.</param>
/// <param name="Negated">True for <c>[!…]</c> and <c>[^…]</c>.</param>
internal readonly record struct GlobElement(GlobElementKind Kind, char Character, (char Low, char High)[]? Ranges, bool Negated)
{
    /// <summary>True when this element consumes exactly one character and accepts <paramref name="character"/>.</summary>
    public bool Accepts(char character) => Kind switch
    {
        GlobElementKind.Literal => character == Character,
        GlobElementKind.AnyCharacter => true,
        GlobElementKind.Class => InRanges(character) != Negated,
        _ => false,
    };

    private bool InRanges(char character)
    {
        foreach (var (low, high) in Ranges!)
        {
            if (character >= low && character <= high)
            {
                return true;
            }
        }

        return false;
    }
}
