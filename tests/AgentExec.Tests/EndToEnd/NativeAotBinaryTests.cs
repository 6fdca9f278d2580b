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
        var zeroFilled = await ZeroFilledDataOfServingBinaryAsync();

        Assert.True(zeroFilled.VmFlags.Contains("hg"), $"no huge-page advice (hg) on {zeroFilled.Header}: {string.Join(' ', zeroFilled.VmFlags)}");
    }

    [PublishedBinaryFact]
    public async Task Its_zero_filled_data_is_all_resident_by_the_time_it_serves()
    {
        // The runtime writes all of .hydrated but not all of .bss, so without MADV_POPULATE_WRITE some pages stay
        // unmapped (168 kB of 6,600 here). A huge page can cover them by chance; in practice it did in none of 15 starts.
        var zeroFilled = await ZeroFilledDataOfServingBinaryAsync();

        Assert.True(
            zeroFilled.Fields["Rss"] + zeroFilled.Fields["Swap"] == zeroFilled.Fields["Size"],
            $"not all of {zeroFilled.Header} is resident: Size {zeroFilled.Fields["Size"]} kB, Rss {zeroFilled.Fields["Rss"]} kB, Swap {zeroFilled.Fields["Swap"]} kB");
    }

    /// <summary>Starts the published binary's <c>serve</c>, waits for its answer to <c>initialize</c>, and reads its zero-filled data's mapping.</summary>
    private static async Task<Mapping> ZeroFilledDataOfServingBinaryAsync()
    {
        var binary = Path.GetFullPath(PublishedBinary.Path!);
        Assert.True(File.Exists(binary), $"{PublishedBinary.Variable} names {binary}, which does not exist");
        using var agentexec = new AgentExecProcess();
        await using var server = ServeProcess.StartExecutable(binary, agentexec);

        // Once it has answered initialize the runtime has long started, and the constructor ran before it did.
        await using var client = await server.ConnectAsync(new McpClientOptions()).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("agentexec", client.ServerInfo?.Name);

        // The kernel's own name for the executable, as smaps spells it: symbolic links resolved, whatever the variable said.
        var executable = new FileInfo($"/proc/{server.Id}/exe").LinkTarget;
        Assert.False(string.IsNullOrEmpty(executable), $"no /proc/{server.Id}/exe");
        return ZeroFilledDataMapping(await File.ReadAllTextAsync($"/proc/{server.Id}/smaps"), executable);
    }

    /// <summary>
    /// The anonymous mapping that directly follows the executable's last file-backed mapping: the part of its writable
    /// segment past the file's contents (<c>.bss</c> and <c>.hydrated</c>).
    /// </summary>
    private static Mapping ZeroFilledDataMapping(string smaps, string executable)
    {
        var mappings = Mappings(smaps);
        var last = mappings.FindLastIndex(m => m.Path == executable);
        Assert.True(last >= 0, $"no mapping of {executable} in its own smaps");
        Assert.True(last + 1 < mappings.Count, "nothing is mapped after the executable");
        var next = mappings[last + 1];
        Assert.True(
            next.Start == mappings[last].End && next.Path.Length == 0 && next.Permissions == "rw-p",
            $"the mapping after the executable's last ({mappings[last].Header}) is not its zero-filled data: {next.Header}");
        return next;
    }

    /// <summary>Each mapping of an smaps file: its header line, its range, permissions and path, its sizes (kB) and its VmFlags.</summary>
    private static List<Mapping> Mappings(string smaps)
    {
        var mappings = new List<Mapping>();
        string? header = null;
        var fields = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var line in smaps.Split('\n'))
        {
            if (line.StartsWith("VmFlags:", StringComparison.Ordinal) && header is not null)
            {
                // "START-END PERMS OFFSET DEV INODE [PATH]"
                var columns = header.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
                var range = columns[0].Split('-');
                mappings.Add(new Mapping(
                    header,
                    ulong.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    ulong.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    columns[1],
                    columns.Length == 6 ? columns[5].Trim() : string.Empty,
                    fields,
                    line["VmFlags:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)));
                header = null;
                fields = new Dictionary<string, ulong>(StringComparer.Ordinal);
            }
            else if (line.Length > 0 && char.IsAsciiHexDigit(line[0]) && line.Split(' ', 2)[0].Contains('-', StringComparison.Ordinal))
            {
                header = line;
            }
            else if (header is not null && line.Split(':', 2) is [var name, var value] && value.TrimEnd().EndsWith(" kB", StringComparison.Ordinal))
            {
                // "Rss:                6600 kB"
                fields[name] = ulong.Parse(value.Trim()[..^" kB".Length].Trim(), CultureInfo.InvariantCulture);
            }
        }

        return mappings;
    }

    /// <summary>One mapping of <c>/proc/PID/smaps</c>: its header line and what the tests read of it; sizes in kB.</summary>
    private sealed record Mapping(string Header, ulong Start, ulong End, string Permissions, string Path, Dictionary<string, ulong> Fields, string[] VmFlags);
}
