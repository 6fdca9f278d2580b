using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using AgentExec.Core.Audit;
using AgentExec.Core.Audit.Events;
using AgentExec.Core.Pipeline.AuditRecords;

namespace AgentExec.Tests.Core.Audit;

/// <summary>
/// SPEC.md "Audit log": a raw answer's shape is stored in at most 1 KiB, a command line in at most 64 KiB, and a cut
/// value carries a marker with the whole value's length and SHA-256. The limits are applied by the records'
/// serializer, so these tests go through <see cref="AuditEvent.For"/>, as the pipeline does.
/// </summary>
public sealed partial class AuditFieldLimitTests
{
    [Theory]
    [InlineData(AuditFieldLimit.AnswerShapeBytes, 1024)]
    [InlineData(AuditFieldLimit.CommandLineBytes, 65536)]
    public void The_limits_are_the_ones_the_spec_names(int limit, int expected) => Assert.Equal(expected, limit);

    [Fact]
    public void An_answer_shape_of_exactly_one_kibibyte_is_kept_whole()
    {
        // Arrange
        var shape = new string('a', 1024);

        // Act
        var stored = StoredAnswerShape(shape);

        // Assert
        Assert.Equal(shape, stored);
    }

    [Fact]
    public void An_answer_shape_one_byte_over_is_cut_with_a_marker_naming_its_length_and_hash()
    {
        // Arrange
        var shape = new string('a', 1025);

        // Act
        var stored = StoredAnswerShape(shape);

        // Assert
        AssertCut(shape, stored, 1024);
    }

    [Fact]
    public void A_call_id_the_client_chose_is_stamped_whole_up_to_256_bytes_and_cut_past_them_on_every_event()
    {
        // Arrange: the JSON-RPC id is the client's; it goes on every event of the call.
        var ordinary = new string('7', 256);
        var huge = new string('x', 100_000);

        // Act
        var kept = AuditEvent.For(new ExecutionStarted("none", "none"), ordinary).Fields["call_id"]!.GetValue<string>();
        var stored = AuditEvent.For(new ExecutionStarted("none", "none"), huge).Fields["call_id"]!.GetValue<string>();

        // Assert
        Assert.Equal(ordinary, kept);
        AssertCut(huge, stored, 256);
    }

    [Fact]
    public void A_null_answer_shape_stays_null()
    {
        // Act
        var fields = AuditEvent.For(Answer(null)).Fields;

        // Assert
        Assert.Null(fields["answer_shape"]);
    }

    [Fact]
    public void A_command_line_of_exactly_64_kibibytes_is_kept_whole()
    {
        // Arrange
        var command = "echo " + new string('x', 65536 - 5);

        // Act
        var stored = StoredCommand(command);

        // Assert
        Assert.Equal(command, stored);
    }

    [Fact]
    public void A_command_line_one_byte_over_is_cut_with_a_marker_naming_its_length_and_hash()
    {
        // Arrange
        var command = "echo " + new string('x', 65536 - 4);

        // Act
        var stored = StoredCommand(command);

        // Assert
        AssertCut(command, stored, 65536);
    }

    [Theory]
    [InlineData("é")]
    [InlineData("€")]
    [InlineData("😀")]
    public void A_cut_never_splits_a_multi_byte_character(string character)
    {
        // Arrange: every offset of the character against the cut point, so one of them straddles it.
        for (var pad = 0; pad < 4; pad++)
        {
            var shape = new string('a', pad) + string.Concat(Enumerable.Repeat(character, 2048 / character.Length));

            // Act
            var stored = StoredAnswerShape(shape);

            // Assert
            AssertCut(shape, stored, 1024);
            var kept = stored[..stored.IndexOf("…[cut:", StringComparison.Ordinal)];
            var markerBytes = Encoding.UTF8.GetByteCount(stored) - Encoding.UTF8.GetByteCount(kept);
            var next = shape[kept.Length..].EnumerateRunes().First().Utf8SequenceLength;
            Assert.True(
                Encoding.UTF8.GetByteCount(kept) + next + markerBytes > 1024,
                $"with {pad} ASCII bytes first, one more character would still have fit");
        }
    }

    [Fact]
    public void A_lone_surrogate_is_counted_and_hashed_as_the_replacement_character_the_log_writes()
    {
        // Arrange
        var shape = "\ud800" + new string('a', 2000);

        // Act
        var stored = StoredAnswerShape(shape);

        // Assert
        var marker = MarkerPattern().Match(stored);
        Assert.Equal("2003", marker.Groups["bytes"].Value);
        Assert.Equal(Sha256("\ufffd" + new string('a', 2000)), marker.Groups["sha"].Value);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Lone_surrogates_are_counted_as_the_three_bytes_they_are_written_as_so_the_bound_holds(int spelling)
    {
        // Arrange: a high surrogate followed by anything but its low half was counted as a 4-byte pair, and the unit
        // after it skipped, so a run of them kept half as much again as the bound allows. (Built here, not in the
        // attribute: an attribute's string is stored as UTF-8, which turns a lone surrogate into U+FFFD.)
        string[] units = ["\ud800", "\ud800\ud800", "\ud800a"];
        var shape = string.Concat(Enumerable.Repeat(units[spelling], 3000));

        // Act
        var stored = StoredAnswerShape(shape);

        // Assert: what the log holds (each lone surrogate as U+FFFD) is within the bound.
        Assert.True(Encoding.UTF8.GetByteCount(stored) <= AuditFieldLimit.AnswerShapeBytes, $"{Encoding.UTF8.GetByteCount(stored)} bytes stored");
        Assert.Matches(MarkerPattern(), stored);
    }

    [Fact]
    public void The_agent_s_justification_and_working_directory_and_a_denial_quoting_them_are_bounded_like_the_command()
    {
        // Arrange: the agent writes all three; unbounded, one call could put megabytes into the log.
        var justification = new string('j', 1 << 20);
        var cwd = "/" + new string('d', 1 << 20);
        var message = "Invalid input: " + new string('k', 1 << 20) + ": unknown field";

        // Act
        var received = AuditEvent.For(new CallReceived("ls", cwd, 1000, justification, "none"), "call-1").Fields;
        var denied = AuditEvent.For(new CallDenied(null, null, message), "call-1").Fields["message"]!.GetValue<string>();

        // Assert
        AssertCut(justification, received["justification"]!.GetValue<string>(), AuditFieldLimit.CommandLineBytes);
        AssertCut(cwd, received["cwd"]!.GetValue<string>(), AuditFieldLimit.CommandLineBytes);
        AssertCut(message, denied, AuditFieldLimit.CommandLineBytes);
    }

    private static void AssertCut(string original, string stored, int limit)
    {
        Assert.True(Encoding.UTF8.GetByteCount(stored) <= limit, $"{Encoding.UTF8.GetByteCount(stored)} bytes stored");
        var marker = MarkerPattern().Match(stored);
        Assert.True(marker.Success, "no marker at the end: " + stored[^Math.Min(stored.Length, 120)..]);
        Assert.Equal(Encoding.UTF8.GetByteCount(original).ToString(System.Globalization.CultureInfo.InvariantCulture), marker.Groups["bytes"].Value);
        Assert.Equal(Sha256(original), marker.Groups["sha"].Value);
        var kept = stored[..marker.Index];
        Assert.StartsWith(kept, original, StringComparison.Ordinal);
        Assert.True(Encoding.UTF8.GetByteCount(kept) > limit / 2, "most of the room goes to the value");
        Assert.DoesNotContain('\uFFFD', Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(kept)));
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static AnswerGiven Answer(string? shape) => new("a1", "denied", "user", "malformed_response", null, shape);

    private static string StoredAnswerShape(string shape) => AuditEvent.For(Answer(shape), "call-1").Fields["answer_shape"]!.GetValue<string>();

    private static string StoredCommand(string command) =>
        AuditEvent.For(new CallReceived(command, "/w", 1000, null, "none"), "call-1").Fields["command"]!.GetValue<string>();

    [GeneratedRegex(@"…\[cut: (?<bytes>[0-9]+) bytes in all, sha256 (?<sha>[0-9a-f]{64})\]\z")]
    private static partial Regex MarkerPattern();
}
