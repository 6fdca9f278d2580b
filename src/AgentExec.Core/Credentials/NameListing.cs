namespace AgentExec.Core.Credentials;

/// <summary>How listing one directory for a pattern's matches went (<see cref="PathnameExpansion.MatchNames"/>).</summary>
internal enum NameListing
{
    /// <summary>Every name was read; the matches are complete.</summary>
    Listed,

    /// <summary>The directory does not exist: bash finds no match there.</summary>
    Missing,

    /// <summary>The directory cannot be read (permission): bash, run as the same user, finds no match either.</summary>
    Unreadable,

    /// <summary>What bash would find cannot be told: too many names, a name that is not UTF-8, an I/O error.</summary>
    Unknown,
}
