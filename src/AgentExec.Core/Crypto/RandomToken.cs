using System.Runtime.InteropServices;

namespace AgentExec.Core.Crypto;

/// <summary>
/// Identifiers an agent must not guess (a question's id, a prompt's fence nonce, an MRTR state): 128 bits from the
/// kernel's random source, <c>getrandom(2)</c>, as 32 lowercase hex digits.
/// </summary>
/// <remarks>
/// Not <c>RandomNumberGenerator</c>: on Linux it goes through OpenSSL, and loading OpenSSL for sixteen bytes cost the
/// first question 2.5 ms of CPU and the server 4 MB of memory, and aborted the process where libssl is missing (see
/// <see cref="Sha256Hash"/>). <c>getrandom</c> with no flags is the source OpenSSL itself seeds from: it blocks only
/// until the kernel's pool is first initialised, early in boot.
/// </remarks>
public static unsafe partial class RandomToken
{
    private const int ByteLength = 16;
    private const int Eintr = 4;

    /// <summary>A fresh token: 128 random bits as 32 lowercase hex digits.</summary>
    /// <exception cref="IOException">The kernel gave no random bytes (no <c>getrandom</c>, or it failed).</exception>
    public static string NewHex()
    {
        Span<byte> bytes = stackalloc byte[ByteLength];
        fixed (byte* start = bytes)
        {
            var filled = 0;
            while (filled < ByteLength)
            {
                var got = GetRandom(start + filled, (nuint)(ByteLength - filled), 0);
                if (got > 0)
                {
                    filled += (int)got;
                }
                else if (got < 0 && Marshal.GetLastPInvokeError() == Eintr)
                {
                    continue;
                }
                else
                {
                    throw new IOException($"getrandom gave no random bytes (errno {Marshal.GetLastPInvokeError()})");
                }
            }
        }

        return Convert.ToHexStringLower(bytes);
    }

    /// <summary><c>getrandom(2)</c>: the number of bytes written, or -1 with errno set.</summary>
    [LibraryImport("libc", EntryPoint = "getrandom", SetLastError = true)]
    private static partial nint GetRandom(byte* buffer, nuint length, uint flags);
}
