using AgentExec.Core.Credentials;

namespace AgentExec.Core.Sandbox;

/// <summary>The git directories one bounded walk of the writable directories met.</summary>
/// <param name="DotGits">
/// Every <c>.git</c> entry (directory, gitfile or link), and every directory git would take for a git directory itself
/// (bare-shaped: it holds a <c>HEAD</c>), nearest first.
/// </param>
/// <param name="Incomplete">Why the walk stopped before the end (a bound), or null when it saw everything.</param>
public sealed record WalkedRepositories(IReadOnlyList<string> DotGits, string? Incomplete)
{
    /// <summary>What a <see cref="CredentialScan"/> met: its <c>.git</c> entries and its bare-shaped git directories.</summary>
    internal static WalkedRepositories From(CredentialScanResult scan) => new([.. scan.Repositories, .. scan.GitDirectories], scan.Incomplete);
}
