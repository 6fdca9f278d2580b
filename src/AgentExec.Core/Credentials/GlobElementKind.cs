namespace AgentExec.Core.Credentials;

/// <summary>What one element of a pathname pattern matches.</summary>
internal enum GlobElementKind
{
    /// <summary>Exactly one given character (written, quoted or escaped).</summary>
    Literal,

    /// <summary><c>?</c>: any one character.</summary>
    AnyCharacter,

    /// <summary><c>*</c>: any run of characters, the empty one included.</summary>
    AnyString,

    /// <summary><c>[…]</c>: one character from (or, negated, outside) a set of ranges.</summary>
    Class,
}
