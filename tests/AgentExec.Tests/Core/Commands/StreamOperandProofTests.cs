using AgentExec.Core.Commands;
using AgentExec.Tests.TestSupport;

namespace AgentExec.Tests.Core.Commands;

/// <summary>
/// A reader given a FIFO or a socket by name waits for a writer that may never come: such a part is not known-safe, since
/// known-safe means it ends.
/// </summary>
public sealed class StreamOperandProofTests : IDisposable
{
    private readonly ProofMachine machine = new();

    public StreamOperandProofTests()
    {
        Assert.Equal(0, HostCommand.Run(machine.Workspace, "mkfifo", "ff").ExitCode);
        File.WriteAllText(Path.Combine(machine.Workspace, "a.txt"), "a\n");
    }

    public void Dispose() => machine.Dispose();

    [Theory]
    // Found by an attack: each was known-safe and hung until the call's timeout.
    [InlineData("cat ff")]
    [InlineData("head -c1 ff")]
    [InlineData("grep x ff")]
    [InlineData("wc ff")]
    [InlineData("cmp a.txt ff")]
    [InlineData("diff a.txt ff")]
    [InlineData("jq . ff")]
    [InlineData("base64 ff")]
    [InlineData("uniq ff")]
    [InlineData("file ff")]
    [InlineData("sed -n 1p ff")]
    [InlineData("xxd ff")]
    [InlineData("md5sum ff")]
    [InlineData("cat < ff")]
    [InlineData("cat <ff")]
    [InlineData("cat ./ff")]
    [InlineData("cd src && cat ../ff")]
    [InlineData("cat link")]
    // Found by an attack: du opens the file of patterns -X names, and waited on a FIFO there without end.
    [InlineData("du -X ff .")]
    [InlineData("du -sX ff .")]
    [InlineData("du --exclude-from=ff .")]
    // Found by an attack: a command of redirections alone, which bash opens itself, waited on the FIFO without end.
    [InlineData("< ff")]
    [InlineData("echo hi; 2>/dev/null < ff")]
    [InlineData("< link")]
    public void A_reader_of_a_fifo_is_not_known_safe(string line)
    {
        File.CreateSymbolicLink(Path.Combine(machine.Workspace, "link"), "ff");

        var analysis = machine.Analyze(line, credentialsHidden: true);

        Assert.False(KnownSafeJudge.IsKnownSafe(analysis));
        Assert.Contains(analysis.Parts, part => part.Reason.Contains("a FIFO or a socket", StringComparison.Ordinal));
    }

    [Theory]
    // Found by an attack: each waited on the FIFO without end. date -f reads dates from a file, and a date string's
    // TZ="…" makes the C library open that time zone file (any path: it opened ~/.netrc too).
    [InlineData("date -f ff")]
    [InlineData("date --file=ff")]
    [InlineData("date -d 'TZ=\"ff\" now'")]
    [InlineData("date -ud 'TZ=\"/tmp/ff\" now' +%F")]
    [InlineData("date --date='TZ=\"ff\"'")]
    [InlineData("find . -newermt 'TZ=\"ff\" 2020-01-01'")]
    public void A_date_read_from_a_file_or_naming_a_time_zone_file_is_not_known_safe(string line)
    {
        Assert.False(KnownSafeJudge.IsKnownSafe(machine.Analyze(line, credentialsHidden: true)));
    }

    [Theory]
    [InlineData("git blame -S ff a.txt")]
    [InlineData("git blame --ignore-revs-file=ff a.txt")]
    [InlineData("git grep -f ff")]
    public void A_git_option_value_read_from_the_top_of_the_work_tree_that_names_a_fifo_is_not_known_safe(string line)
    {
        // Found by an attack: run in a subdirectory, each waited without end on a FIFO ff at the top of the work tree,
        // where git opens these values whatever the directory; the look for FIFOs joined the words to the directory only.
        Assert.Equal(0, HostCommand.Run(machine.Workspace, "git", "init", "-q").ExitCode);
        var sub = Path.Combine(machine.Workspace, "sub");
        Directory.CreateDirectory(sub);

        var analysis = CommandAnalyzer.Analyze(line, machine.Context(credentialsHidden: true) with { WorkingDirectory = sub });

        Assert.False(KnownSafeJudge.IsKnownSafe(analysis));
        Assert.Contains(analysis.Parts, part => part.Reason.Contains("a FIFO or a socket", StringComparison.Ordinal));
    }

    [Fact]
    public void A_reader_of_a_socket_is_not_known_safe()
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(Path.Combine(machine.Workspace, "sock")));

        var analysis = machine.Analyze("cat sock", credentialsHidden: true);

        Assert.False(KnownSafeJudge.IsKnownSafe(analysis));
        Assert.Contains(analysis.Parts, part => part.Reason.Contains("a FIFO or a socket", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("cat a.txt")]
    [InlineData("cat < a.txt")]
    [InlineData("cat missing.txt")]
    [InlineData("grep -n a a.txt src")]
    [InlineData("cmp a.txt a.txt")]
    [InlineData("echo ff")]
    [InlineData("ls -la")]
    [InlineData("du -sh .")]
    [InlineData("du -X a.txt .")]
    [InlineData("date -d yesterday +%F")]
    [InlineData("date -r a.txt")]
    [InlineData("find . -newermt 2020-01-01")]
    [InlineData("find . -newer ff")]
    public void A_reader_of_regular_files_stays_known_safe(string line)
    {
        var analysis = machine.Analyze(line, credentialsHidden: true);

        Assert.True(KnownSafeJudge.IsKnownSafe(analysis), string.Join("; ", analysis.Parts.Select(part => part.Reason)));
    }
}
