using System.Runtime.Versioning;
using AgentExec.Cli.Hosting;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;

namespace AgentExec.Tests.Core.Configuration;

/// <summary>
/// Reading a file of the start directory that a command keeps exchanging with a FIFO: the workspace's
/// <c>agentexec.json</c> and <c>.env</c> are the agent's to change under Landlock, between a reader's length check and
/// its open.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ConfigFileReadSwapTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    /// <summary>The files of the start directory read this way, by name.</summary>
    public static TheoryData<string> Readers => ["agentexec.json", ".env"];

    [Theory]
    [MemberData(nameof(Readers))]
    public async Task A_file_exchanged_with_a_fifo_between_the_check_and_the_open_never_blocks_the_reader(string name)
    {
        // Found by an attack: a command exchanged agentexec.json with a FIFO over and over (renameat2 RENAME_EXCHANGE);
        // a read that saw a regular file of non-zero length then opened the FIFO and waited for a writer for good. An
        // `agentexec run` hung at start-up, and the rule book of `serve` stopped reloading its files. The LLM
        // variables' .env was read the same way (its length by path, then the file by path).
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var file = _directory.File(name);
        var fifo = _directory.File("fifo");
        await File.WriteAllTextAsync(file, name == ".env" ? "OPENAI_API_KEY=sk-test\n" : """{ "rules": [] }""");
        Assert.Equal(0, HostCommand.Run(_directory.Path, "mkfifo", fifo).ExitCode);
        using var stop = new CancellationTokenSource();
        var exchanger = Task.Factory.StartNew(() => Exchange(file, fifo, stop.Token), TaskCreationOptions.LongRunning);
        var reader = Task.Factory.StartNew(
            () =>
            {
                var reads = 0;
                var until = DateTime.UtcNow + TimeSpan.FromSeconds(3);
                while (DateTime.UtcNow < until)
                {
                    reads += ReadsContent(name, file) ? 1 : 0;
                }

                return reads;
            },
            TaskCreationOptions.LongRunning);

        // Act
        var finished = await Task.WhenAny(reader, Task.Delay(TimeSpan.FromSeconds(15))) == reader;
        await stop.CancelAsync();
        await exchanger;
        if (!finished)
        {
            // Release the reader stuck in the FIFO's open (a writer arrives), so the test run itself can end.
            foreach (var path in (string[])[file, fifo])
            {
                try
                {
                    using var writer = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
                }
                catch (IOException)
                {
                }
            }
        }

        // Assert
        Assert.True(finished, "A read of the file blocked in the open of a FIFO swapped in after its length was checked.");
        Assert.True(await reader > 0, "The regular file was never read while it was being exchanged.");
    }

    private static bool ReadsContent(string name, string file) => name == ".env"
        ? DotEnvFile.Read(file, ["OPENAI_API_KEY"], out _, out _).Count == 1
        : ConfigFileFormat.Read(file).State == ConfigFileState.Read;

    private static void Exchange(string first, string second, CancellationToken stop)
    {
        const int RenameExchange = 2; // RENAME_EXCHANGE (linux/fs.h)
        var a = Native(first);
        var b = Native(second);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                _ = Libc.Syscall(X64Syscall.RenameAt2, -100, a, -100, b, RenameExchange);
            }
        }
        finally
        {
            System.Runtime.InteropServices.Marshal.FreeHGlobal(a);
            System.Runtime.InteropServices.Marshal.FreeHGlobal(b);
        }
    }

    // A NUL-terminated UTF-8 copy of the path in unmanaged memory, for the system call.
    private static nint Native(string path)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        var memory = System.Runtime.InteropServices.Marshal.AllocHGlobal(bytes.Length);
        System.Runtime.InteropServices.Marshal.Copy(bytes, 0, memory, bytes.Length);
        return memory;
    }
}
