using AgentExec.Core.Commands;

namespace AgentExec.Tests.Core.Commands;

/// <summary>
/// The reader of files the agent may have replaced (git config, includes, hooks): only a regular file is ever opened, so
/// a link to a device never runs that device's driver, and a FIFO never waits for a writer.
/// </summary>
public sealed class GitConfigFileBytesTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_regular_file_reached_through_a_link_is_read()
    {
        File.WriteAllText(_directory.File("config"), "[core]\n");
        File.CreateSymbolicLink(_directory.File("link"), _directory.File("config"));

        Assert.Equal("[core]\n"u8.ToArray(), GitConfigFileBytes.ReadIfExists(_directory.File("link"), 1024));
    }

    [Theory]
    [InlineData("/dev/zero")]
    [InlineData("/dev/null")]
    public void A_link_to_a_device_is_refused_without_opening_it_for_reading(string device)
    {
        // Arrange: a device the old reader opened and read (both are seekable, so only the type check stops them).
        File.CreateSymbolicLink(_directory.File("hook"), device);
        using (var direct = new FileStream(device, FileMode.Open, FileAccess.Read))
        {
            Assert.True(direct.CanSeek, "the control: the device is seekable, so a seek test alone would let it through");
        }

        // Act
        var exception = Assert.Throws<IOException>(() => GitConfigFileBytes.ReadIfExists(_directory.File("hook"), 1024));

        // Assert
        Assert.Contains("not a regular file", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_or_folder_is_null()
    {
        Assert.Null(GitConfigFileBytes.ReadIfExists(_directory.File("none"), 1024));
        Assert.Null(GitConfigFileBytes.ReadIfExists(_directory.File("none", "deeper"), 1024));
    }
}
