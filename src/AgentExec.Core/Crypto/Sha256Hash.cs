using Org.BouncyCastle.Crypto.Digests;

namespace AgentExec.Core.Crypto;

/// <summary>
/// SHA-256 (FIPS 180-4), AgentExec's one cryptographic hash: the audit chain's links, the digests of cut audit fields,
/// the fingerprints of git hooks, the names of placeholder lock files. Use it whole (<see cref="HexOf"/>) or fed in parts
/// (<see cref="Append"/>, then <see cref="FinishHex"/> or <see cref="CurrentHex"/>).
/// </summary>
/// <remarks>
/// Bouncy Castle's managed implementation, not <c>System.Security.Cryptography.SHA256</c>: on Linux .NET's hashes go
/// through OpenSSL, and loading it (two libraries, a few hundred symbols, OpenSSL's own initialisation) cost every
/// <c>agentexec run</c> about 2.5 ms of CPU and every server about 4 MB of resident memory, for a few hashes of a few
/// hundred bytes each. Where libssl is missing, .NET's OpenSSL layer also aborted the process at the first hash, which
/// no handler could turn into a denial with a reason. Nothing on a command's path loads OpenSSL now (an end-to-end test
/// runs with every libssl and libcrypto hidden). Not thread-safe: one instance per hash.
/// </remarks>
internal sealed class Sha256Hash
{
    private const int ByteLength = 32;

    private readonly Sha256Digest _digest = new();

    /// <summary>Feeds the next part of the data.</summary>
    public void Append(ReadOnlySpan<byte> data) => _digest.BlockUpdate(data);

    /// <summary>The hash of everything appended, as 64 lowercase hex digits; the instance starts over afterwards.</summary>
    public string FinishHex()
    {
        Span<byte> hash = stackalloc byte[ByteLength];
        _digest.DoFinal(hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>The hash of everything appended so far, as 64 lowercase hex digits; appending may go on.</summary>
    public string CurrentHex()
    {
        Span<byte> hash = stackalloc byte[ByteLength];
        new Sha256Digest(_digest).DoFinal(hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>The hash of <paramref name="data"/> as 64 lowercase hex digits.</summary>
    public static string HexOf(ReadOnlySpan<byte> data)
    {
        var hasher = new Sha256Hash();
        hasher.Append(data);
        return hasher.FinishHex();
    }
}
