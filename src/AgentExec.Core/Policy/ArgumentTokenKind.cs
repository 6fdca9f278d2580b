namespace AgentExec.Core.Policy;

/// <summary>What the matcher knows of one argument before bash runs the line.</summary>
internal enum ArgumentTokenKind
{
    /// <summary>Its value is fixed.</summary>
    Fixed,

    /// <summary>Known only at run time and may become any number of words, flags included (<c>$X</c>, <c>*</c>, <c>{a,b}</c>, <c>$(…)</c>).</summary>
    Dynamic,

    /// <summary>Known only at run time but exactly one word (<c>"$X"</c>, <c>"a-$X"</c>), which may still be a flag when it could start with a dash.</summary>
    DynamicWord,

    /// <summary>Names of files <c>find -exec … {}</c> fills in: any number of operands, never a flag (find's paths start with a start point).</summary>
    FoundFiles,
}
