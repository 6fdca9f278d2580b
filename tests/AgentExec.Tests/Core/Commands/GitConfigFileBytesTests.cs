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

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(8_191)]
    [InlineData(8_192)]
    [InlineData(8_193)]
    [InlineData(16_384)]
    [InlineData(19_999)]
    [InlineData(20_000)]
    public void A_file_within_the_bound_is_read_whole(int size)
    {
        // Around the sizes where the reader's buffer (8 KiB, doubling up to the bound) fills.
        var content = Enumerable.Range(0, size).Select(index => (byte)(index * 7 % 251)).ToArray();
        File.WriteAllBytes(_directory.File("config"), content);

        Assert.Equal(content, GitConfigFileBytes.ReadIfExists(_directory.File("config"), 20_000));
    }

    [Theory]
    [InlineData(20_001)]
    [InlineData(40_000)]
    public void A_file_past_the_bound_is_refused(int size)
    {
        File.WriteAllBytes(_directory.File("config"), new byte[size]);

        var exception = Assert.Throws<IOException>(() => GitConfigFileBytes.ReadIfExists(_directory.File("config"), 20_000));

        Assert.Contains("larger than 20000 bytes", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fifo_or_a_directory_is_refused_at_once()
    {
        Assert.Equal(0, HostCommand.Run(_directory.Path, "mkfifo", _directory.File("fifo")).ExitCode);
        Directory.CreateDirectory(_directory.File("directory"));

        foreach (var name in (string[])["fifo", "directory"])
        {
            var exception = Assert.Throws<IOException>(() => GitConfigFileBytes.ReadIfExists(_directory.File(name), 1024));
            Assert.Contains("not a regular file", exception.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_missing_file_or_folder_is_null()
    {
        Assert.Null(GitConfigFileBytes.ReadIfExists(_directory.File("none"), 1024));
        Assert.Null(GitConfigFileBytes.ReadIfExists(_directory.File("none", "deeper"), 1024));
    }
}
