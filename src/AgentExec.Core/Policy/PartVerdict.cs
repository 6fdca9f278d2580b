namespace AgentExec.Core.Policy;

/// <summary>The effective verdict on one simple command: a rule's decision when one matched, else the built-in classification.</summary>
public enum PartVerdict
{
    /// <summary>Built-in: read-only and fully understood.</summary>
    KnownSafe,

    /// <summary>An <c>allow</c> rule matched.</summary>
    Allowed,

    /// <summary>Built-in: neither known-safe nor dangerous.</summary>
    Ordinary,

    /// <summary>A <c>prompt</c> rule matched.</summary>
    Prompt,

    /// <summary>Built-in: destructive or privilege-escalating.</summary>
    Dangerous,

    /// <summary>A <c>forbidden</c> rule matched.</summary>
    Forbidden,
}
