using System.Globalization;
using ModelContextProtocol.Client;

namespace AgentExec.Tests.EndToEnd;

/// <summary>
/// What the Native AOT build adds beside the managed code: src/AgentExec.Cli/Native/startup_memory.c, an ELF constructor
/// that asks the kernel for the memory the runtime rebuilds its type data into, before the runtime starts.
/// </summary>
/// <remarks>
/// The time it saves is a benchmark's to show (README "Performance"); this test shows that the advice reaches the kernel
/// in the binary that ships, which a build that silently dropped the object file would not.
/// </remarks>
public sealed class NativeAotBinaryTests
{
    [PublishedBinaryFact]
    public async Task Its_zero_filled_data_is_marked_for_huge_pages_by_the_time_it_serves()
    {
        var binary = Path.GetFullPath(PublishedBinary.Path!);
        Assert.True(File.Exists(binary), $"{PublishedBinary.Variable} names {binary}, which does not exist");
        using var agentexec = new AgentExecProcess();
        await using var server = ServeProcess.StartExecutable(binary, agentexec);

        // Once it has answered initialize the runtime has long started, and the constructor ran before it did.
        await using (var client = await server.ConnectAsync(new McpClientOptions()).WaitAsync(TimeSpan.FromSeconds(30)))
        {
            Assert.Equal("agentexec", client.ServerInfo?.Name);
            var zeroFilled = ZeroFilledDataMapping(await File.ReadAllTextAsync($"/proc/{server.Id}/smaps"), binary);

            Assert.True(zeroFilled.VmFlags.Contains("hg"), $"no huge-page advice (hg) on {zeroFilled.Header}: {string.Join(' ', zeroFilled.VmFlags)}");
        }
    }

    /// <summary>
    /// The anonymous mapping that directly follows the executable's last file-backed mapping: the part of its writable
    /// segment past the file's contents (<c>.bss</c> and <c>.hydrated</c>).
    /// </summary>
    private static (string Header, string[] VmFlags) ZeroFilledDataMapping(string smaps, string executable)
    {
        var mappings = Mappings(smaps);
        var last = mappings.FindLastIndex(m => m.Path == executable);
        Assert.True(last >= 0, $"no mapping of {executable} in its own smaps");
        Assert.True(last + 1 < mappings.Count, "nothing is mapped after the executable");
        var next = mappings[last + 1];
        Assert.True(
            next.Start == mappings[last].End && next.Path.Length == 0 && next.Permissions == "rw-p",
            $"the mapping after the executable's last ({mappings[last].Header}) is not its zero-filled data: {next.Header}");
        return (next.Header, next.VmFlags);
    }

    /// <summary>Each mapping of an smaps file: its header line, its range, permissions and path, and its VmFlags.</summary>
    private static List<(string Header, ulong Start, ulong End, string Permissions, string Path, string[] VmFlags)> Mappings(string smaps)
    {
        var mappings = new List<(string, ulong, ulong, string, string, string[])>();
        string? header = null;
        foreach (var line in smaps.Split('\n'))
        {
            if (line.StartsWith("VmFlags:", StringComparison.Ordinal) && header is not null)
            {
                // "START-END PERMS OFFSET DEV INODE [PATH]"
                var fields = header.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
                var range = fields[0].Split('-');
                mappings.Add((
                    header,
                    ulong.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    ulong.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    fields[1],
                    fields.Length == 6 ? fields[5].Trim() : string.Empty,
                    line["VmFlags:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)));
                header = null;
            }
            else if (line.Length > 0 && char.IsAsciiHexDigit(line[0]) && line.Split(' ', 2)[0].Contains('-', StringComparison.Ordinal))
            {
                header = line;
            }
        }

        return mappings;
    }
}
