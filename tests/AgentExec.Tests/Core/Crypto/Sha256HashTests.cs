using System.Security.Cryptography;
using System.Text;
using AgentExec.Core.Crypto;

namespace AgentExec.Tests.Core.Crypto;

/// <summary>
/// The managed SHA-256 every hash in AgentExec goes through: the published test vectors, and the same answers as .NET's
/// own SHA-256 (OpenSSL here, in the test process) for every length around the block boundaries, whole or in parts.
/// </summary>
public sealed class Sha256HashTests
{
    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void The_published_test_vectors_hash_to_their_published_values(string message, string expected)
    {
        // Act
        var hex = Sha256Hash.HexOf(Encoding.ASCII.GetBytes(message));

        // Assert
        Assert.Equal(expected, hex);
    }

    [Fact]
    public void A_million_times_a_fed_in_uneven_parts_hashes_to_the_published_value()
    {
        // Arrange
        var hasher = new Sha256Hash();
        var part = Encoding.ASCII.GetBytes(new string('a', 997));

        // Act
        var fed = 0;
        while (fed < 1_000_000)
        {
            var length = Math.Min(part.Length, 1_000_000 - fed);
            hasher.Append(part.AsSpan(0, length));
            fed += length;
        }

        // Assert
        Assert.Equal("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", hasher.FinishHex());
    }

    [Fact]
    public void Every_length_up_to_four_blocks_hashes_as_dotnets_own_SHA256_whole_and_in_random_parts()
    {
        // Arrange: lengths 0..300 cross the 55/56-byte padding edge and the 64-byte block edge several times.
        var random = new Random(20261205);
        var mismatches = new List<string>();

        for (var length = 0; length <= 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            var expected = Convert.ToHexStringLower(SHA256.HashData(data));

            // Act
            var whole = Sha256Hash.HexOf(data);
            var hasher = new Sha256Hash();
            for (var start = 0; start < length;)
            {
                var take = Math.Min(random.Next(0, 70), length - start);
                hasher.Append(data.AsSpan(start, take));
                start += take;
            }

            var parts = hasher.FinishHex();

            if (whole != expected || parts != expected)
            {
                mismatches.Add($"length {length}: whole {whole}, parts {parts}, expected {expected}");
            }
        }

        // Assert
        Assert.Empty(mismatches);
    }

    [Fact]
    public void The_current_hash_leaves_the_hash_going_on()
    {
        // Arrange
        var hasher = new Sha256Hash();
        hasher.Append("ab"u8);

        // Act
        var current = hasher.CurrentHex();
        var again = hasher.CurrentHex();
        hasher.Append("c"u8);
        var finished = hasher.FinishHex();

        // Assert
        Assert.Equal(Sha256Hash.HexOf("ab"u8), current);
        Assert.Equal(current, again);
        Assert.Equal(Sha256Hash.HexOf("abc"u8), finished);
    }

    [Fact]
    public void Finishing_starts_the_hash_over()
    {
        // Arrange
        var hasher = new Sha256Hash();
        hasher.Append("abc"u8);
        var first = hasher.FinishHex();

        // Act
        hasher.Append("abc"u8);
        var second = hasher.FinishHex();

        // Assert
        Assert.Equal(first, second);
    }
}
