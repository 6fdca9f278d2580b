using AgentExec.Core.Crypto;

namespace AgentExec.Tests.Core.Crypto;

public sealed class RandomTokenTests
{
    [Fact]
    public void Tokens_are_32_lowercase_hex_digits_distinct_and_every_one_of_their_128_bits_varies()
    {
        // Act
        var tokens = Enumerable.Range(0, 1000).Select(_ => RandomToken.NewHex()).ToList();

        // Assert: a bit that never changes over 1000 tokens (a byte left unfilled, a fixed nibble) has odds of 2^-999.
        Assert.All(tokens, token => Assert.Matches("^[0-9a-f]{32}$", token));
        Assert.Equal(tokens.Count, tokens.Distinct(StringComparer.Ordinal).Count());
        var bytes = tokens.Select(Convert.FromHexString).ToList();
        var constantBits = Enumerable.Range(0, 128)
            .Where(bit => bytes.Select(token => (token[bit / 8] >> (bit % 8)) & 1).Distinct().Count() == 1)
            .ToList();
        Assert.Empty(constantBits);
    }

    [Fact]
    public void The_dev_urandom_fallback_fills_every_byte_with_fresh_random_bits()
    {
        // Arrange: the path taken where getrandom is missing (ENOSYS) or refused by a seccomp filter (EPERM).
        var draws = new List<byte[]>();

        // Act
        for (var i = 0; i < 200; i++)
        {
            var bytes = new byte[16];
            RandomToken.ReadDevUrandom(bytes, getRandomErrno: 38);
            draws.Add(bytes);
        }

        // Assert: each of the 16 bytes takes more than one value over 200 draws (an unfilled byte stays 0).
        var constantBytes = Enumerable.Range(0, 16).Where(index => draws.Select(draw => draw[index]).Distinct().Count() == 1).ToList();
        Assert.Empty(constantBytes);
        Assert.Equal(draws.Count, draws.Select(Convert.ToHexString).Distinct(StringComparer.Ordinal).Count());
    }
}
