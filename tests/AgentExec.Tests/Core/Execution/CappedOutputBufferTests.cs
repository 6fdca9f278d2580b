using System.Text;
using AgentExec.Core.Execution;

namespace AgentExec.Tests.Core.Execution;

public sealed class CappedOutputBufferTests
{
    [Fact]
    public void Output_within_the_cap_is_kept_whole()
    {
        // Arrange
        var buffer = new CappedOutputBuffer(capBytes: 16);

        // Act
        buffer.Append("hello "u8);
        buffer.Append("world"u8);

        // Assert
        Assert.Equal(new CapturedOutput("hello world", 11, false), buffer.ToCapturedOutput());
    }

    [Fact]
    public void Output_of_exactly_the_cap_is_not_truncated()
    {
        // Arrange
        var buffer = new CappedOutputBuffer(capBytes: 10);

        // Act
        buffer.Append("0123456789"u8);

        // Assert
        Assert.Equal(new CapturedOutput("0123456789", 10, false), buffer.ToCapturedOutput());
    }

    [Fact]
    public void Output_beyond_the_cap_keeps_the_first_and_last_halves_with_a_marker_between()
    {
        // Arrange
        var buffer = new CappedOutputBuffer(capBytes: 10);

        // Act
        buffer.Append("HEAD!"u8);
        buffer.Append("middle that is dropped"u8);
        buffer.Append("TAIL!"u8);

        // Assert
        var expected = new CapturedOutput("HEAD!\n[… 22 bytes omitted …]\nTAIL!", 32, true);
        Assert.Equal(expected, buffer.ToCapturedOutput());
    }

    [Fact]
    public void The_marker_line_has_a_documented_exact_form()
    {
        Assert.Equal("\n[\u2026 1234567 bytes omitted \u2026]\n", CappedOutputBuffer.OmissionMarker(1_234_567));
    }

    [Fact]
    public void An_odd_cap_gives_the_extra_byte_to_the_tail()
    {
        // Arrange
        var buffer = new CappedOutputBuffer(capBytes: 5);

        // Act
        buffer.Append("abcdefghij"u8);

        // Assert
        Assert.Equal("ab\n[… 5 bytes omitted …]\nhij", buffer.ToCapturedOutput().Text);
    }

    [Fact]
    public void A_zero_cap_keeps_nothing_but_still_counts()
    {
        // Arrange
        var buffer = new CappedOutputBuffer(capBytes: 0);

        // Act
        buffer.Append("abc"u8);

        // Assert
        Assert.Equal(new CapturedOutput("\n[… 3 bytes omitted …]\n", 3, true), buffer.ToCapturedOutput());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(5000)]
    public void How_the_stream_is_chunked_does_not_change_what_is_kept(int seed)
    {
        // Arrange: ASCII content so every cut is a character boundary and the expectation is plain slicing.
        var random = new Random(seed);
        var content = new byte[random.Next(0, 20_000)];
        for (var index = 0; index < content.Length; index++)
        {
            content[index] = (byte)random.Next('a', 'z' + 1);
        }

        var cap = random.Next(0, 3_000);
        var buffer = new CappedOutputBuffer(cap);

        // Act
        for (var offset = 0; offset < content.Length;)
        {
            var length = Math.Min(content.Length - offset, random.Next(1, 700));
            buffer.Append(content.AsSpan(offset, length));
            offset += length;
        }

        // Assert
        var head = cap / 2;
        var tail = cap - head;
        var expected = content.Length <= cap
            ? Encoding.ASCII.GetString(content)
            : Encoding.ASCII.GetString(content, 0, head)
              + CappedOutputBuffer.OmissionMarker(content.Length - cap)
              + Encoding.ASCII.GetString(content, content.Length - tail, tail);
        Assert.Equal(new CapturedOutput(expected, content.Length, content.Length > cap), buffer.ToCapturedOutput());
    }

    [Fact]
    public void Fifty_megabytes_are_counted_while_memory_stays_within_the_cap()
    {
        // Arrange
        const int cap = 1024 * 1024;
        const int chunkSize = 64 * 1024;
        const long total = 50L * 1024 * 1024;
        var buffer = new CappedOutputBuffer(cap);
        var chunk = new byte[chunkSize];
        Array.Fill(chunk, (byte)'x');

        // Act
        for (long written = 0; written < total; written += chunkSize)
        {
            buffer.Append(chunk);
        }

        var captured = buffer.ToCapturedOutput();

        // Assert
        Assert.Equal(total, captured.TotalBytes);
        Assert.True(captured.Truncated);
        Assert.True(buffer.AllocatedBytes <= cap, $"{buffer.AllocatedBytes} bytes allocated for a cap of {cap}.");
        Assert.Equal(cap + CappedOutputBuffer.OmissionMarker(total - cap).Length, captured.Text.Length);
    }

    [Fact]
    public void A_small_output_does_not_allocate_the_whole_cap()
    {
        // Arrange
        var buffer = new CappedOutputBuffer(ExecutionSpec.DefaultOutputCapBytes);

        // Act
        buffer.Append("ok\n"u8);

        // Assert
        Assert.True(buffer.AllocatedBytes <= 4096, $"{buffer.AllocatedBytes} bytes allocated for 3 bytes of output.");
    }

    [Fact]
    public void A_character_split_by_the_cuts_is_dropped_rather_than_mangled()
    {
        // Arrange: cap 10 → head 5, tail 5. "€" is 3 bytes (E2 82 AC): the head cut falls inside the first one, the
        // tail cut inside the last one.
        var buffer = new CappedOutputBuffer(capBytes: 10);
        var content = Encoding.UTF8.GetBytes("abc€def-ghi€jkl");

        // Act
        buffer.Append(content);
        var captured = buffer.ToCapturedOutput();

        // Assert: the first 5 bytes are "abc" E2 82 → head "abc"; the last 5 are 82 AC "jkl" → tail "jkl".
        // 19 bytes in all, 6 shown, 13 omitted.
        Assert.Equal($"abc{CappedOutputBuffer.OmissionMarker(13)}jkl", captured.Text);
        Assert.DoesNotContain('\uFFFD', captured.Text);
        Assert.Equal(19, captured.TotalBytes);
    }

    [Fact]
    public void Invalid_utf8_is_replaced_rather_than_rejected()
    {
        // Arrange
        var buffer = new CappedOutputBuffer(capBytes: 100);

        // Act
        buffer.Append([(byte)'a', 0xFF, 0xC3, (byte)'b']);

        // Assert
        Assert.Equal("a\uFFFD\uFFFDb", buffer.ToCapturedOutput().Text);
    }
}
