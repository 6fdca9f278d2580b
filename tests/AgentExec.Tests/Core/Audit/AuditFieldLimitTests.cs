using System.Text;
using AgentExec.Core.Audit;

namespace AgentExec.Tests.Core.Audit;

public sealed class AuditFieldLimitTests
{
    [Fact]
    public void Text_within_one_kibibyte_is_kept_as_is()
    {
        // Arrange
        var text = new string('a', 1024);

        // Act
        var cut = AuditFieldLimit.Cut(text);

        // Assert
        Assert.Same(text, cut);
    }

    [Fact]
    public void Longer_text_is_cut_to_one_kibibyte_of_utf8_marker_included()
    {
        // Arrange
        var text = new string('a', 5000);

        // Act
        var cut = AuditFieldLimit.Cut(text);

        // Assert
        Assert.Equal(1024, Encoding.UTF8.GetByteCount(cut));
        Assert.EndsWith("…[cut: 5000 bytes in all]", cut, StringComparison.Ordinal);
        Assert.StartsWith(new string('a', 900), cut, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cut_never_splits_a_character()
    {
        // Arrange: four-byte emoji, so a byte-exact cut would land inside one.
        var text = string.Concat(Enumerable.Repeat("😀", 600));

        // Act
        var cut = AuditFieldLimit.Cut(text);

        // Assert
        Assert.True(Encoding.UTF8.GetByteCount(cut) <= 1024);
        var kept = cut[..cut.IndexOf('…', StringComparison.Ordinal)];
        Assert.Equal(string.Concat(Enumerable.Repeat("😀", kept.Length / 2)), kept);
        Assert.DoesNotContain('\uFFFD', Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(cut)));
    }
}
