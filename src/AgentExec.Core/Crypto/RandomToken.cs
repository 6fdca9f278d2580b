using System.Runtime.InteropServices;

namespace AgentExec.Core.Crypto;

/// <summary>
/// Identifiers an agent must not guess (a question's id, a prompt's fence nonce, an MRTR state): 128 bits from the
/// kernel's random source, as 32 lowercase hex digits.
/// </summary>
/// <remarks>
/// Not <c>RandomNumberGenerator</c>: on Linux it goes through OpenSSL, and loading OpenSSL for sixteen bytes cost the
/// first question 2.5 ms of CPU and the server 4 MB of memory, and aborted the process where libssl is missing (see
/// <see cref="Sha256Hash"/>). The bytes come from <c>getrandom(2)</c> with no flags, the source OpenSSL itself seeds
/// from, which blocks only until the kernel's pool is first initialised, early in boot. Where the call is missing
/// (<c>ENOSYS</c>) or a seccomp filter refuses it (<c>EPERM</c>, as older container profiles do for calls they do not
/// know), they are read from <c>/dev/urandom</c>, the same pool, as .NET's own runtime does.
/// </remarks>
public static unsafe partial class RandomToken
{
    private const int ByteLength = 16;
    private const int Eintr = 4;

    /// <summary>A fresh token: 128 random bits as 32 lowercase hex digits.</summary>
    /// <exception cref="IOException">Neither <c>getrandom</c> nor <c>/dev/urandom</c> gave the bytes.</exception>
    public static string NewHex()
    {
        Span<byte> bytes = stackalloc byte[ByteLength];
        if (!TryGetRandom(bytes, out var errno))
        {
            ReadDevUrandom(bytes, errno);
        }

        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>Fills <paramref name="bytes"/> with <c>getrandom(2)</c>; false with the errno when the call fails.</summary>
    private static bool TryGetRandom(Span<byte> bytes, out int errno)
    {
        errno = 0;
        fixed (byte* start = bytes)
        {
            var filled = 0;
            while (filled < bytes.Length)
            {
                var got = GetRandom(start + filled, (nuint)(bytes.Length - filled), 0);
                if (got > 0)
                {
                    filled += (int)got;
                    continue;
                }

                // 0 bytes is not an answer getrandom gives for a request this small; it is a failure like -1.
                errno = got < 0 ? Marshal.GetLastPInvokeError() : 0;
                if (errno != Eintr)
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Fills <paramref name="bytes"/> from <c>/dev/urandom</c>, the fallback when <c>getrandom</c> failed with <paramref name="getRandomErrno"/>.</summary>
    internal static void ReadDevUrandom(Span<byte> bytes, int getRandomErrno)
    {
        try
        {
            using var source = new FileStream("/dev/urandom", FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
            source.ReadExactly(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"no random bytes: getrandom failed (errno {getRandomErrno}) and /dev/urandom could not be read ({e.Message})", e);
        }
    }

    /// <summary><c>getrandom(2)</c>: the number of bytes written, or -1 with errno set.</summary>
    [LibraryImport("libc", EntryPoint = "getrandom", SetLastError = true)]
    private static partial nint GetRandom(byte* buffer, nuint length, uint flags);
}
