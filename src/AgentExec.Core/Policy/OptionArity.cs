namespace AgentExec.Core.Policy;

/// <summary>How an option takes its value, which decides whether the next word is the option's value or an operand.</summary>
internal enum OptionArity
{
    /// <summary>No value (<c>rm -f</c>); a long spelling may still carry <c>=value</c>.</summary>
    None,

    /// <summary>A value, attached (<c>-C.</c>, <c>--git-dir=.git</c>) or as the next word (<c>-C .</c>, <c>--git-dir .git</c>).</summary>
    Required,

    /// <summary>A value only when attached (<c>sed -i.bak</c>, <c>--force-with-lease=main</c>); the next word is never taken.</summary>
    AttachedOnly,

    /// <summary>A value attached, or perhaps as the next word (the manuals disagree between versions): read both ways.</summary>
    Unsure,

    /// <summary>A command that runs up to a <c>;</c> or <c>{} +</c> word (<c>find -exec</c>); it is matched as a part of its own.</summary>
    Command,
}
