using System.Diagnostics;
using System.Text;
using AgentExec.Tests.EndToEnd;

namespace AgentExec.Tests.Fuzz;

/// <summary>
/// The JSON-RPC corpus through the real <c>agentexec serve</c> process and its stdio transport: every batch in one
/// session, the framing property after each (<see cref="FramingCheck"/>), and a clean exit when the client then
/// closes its end.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class JsonRpcFramingProcessTests
{
    [Fact]
    public async Task The_serve_process_survives_the_corpus_answers_every_request_once_and_exits_cleanly()
    {
        using var agentexec = new AgentExecProcess();
        var victim = Directory.CreateDirectory(Path.Combine(agentexec.Workspace, "victim")).FullName;
        using var server = Start(agentexec);
        var errors = new StringBuilder();
        var draining = DrainAsync(server.StandardError, errors);
        IReadOnlyList<FramingLine>[] batches = [.. FuzzCorpus.JsonRpcBatches().Select(batch => (IReadOnlyList<FramingLine>)[FramingLine.Judge(batch.Bytes)])];

        await using (var session = new FramingSession(server.StandardInput.BaseStream, server.StandardOutput.BaseStream))
        {
            await FramingCheck.RunAsync(session, batches, () => server.HasExited);
            server.StandardInput.Close();
            await server.WaitForExitAsync(new CancellationTokenSource(FramingSession.DefaultPatience).Token);
        }

        await draining;
        Assert.True(server.ExitCode == 0, $"exit code {server.ExitCode}; stderr ends: {Tail(errors)}");
        Assert.True(Directory.Exists(victim), "a command that needed a human ran");
    }

    // Under untrusted, with a client that cannot be asked: a command that needs a human is denied at once.
    private static Process Start(AgentExecProcess agentexec)
    {
        var start = new ProcessStartInfo(AgentExecProcess.ExecutablePath)
        {
            WorkingDirectory = agentexec.Workspace,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        string[] arguments =
        [
            "serve", "--sandbox", "danger-full-access", "--approval-policy", "untrusted", "--approval-timeout-ms", "1000",
            "--workspace", agentexec.Workspace, "--audit-log", agentexec.AuditLog,
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in agentexec.Environment())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        return Process.Start(start) ?? throw new InvalidOperationException("agentexec did not start");
    }

    // The server logs to stderr; read it all so that it never blocks on a full pipe, and keep it for the report.
    private static async Task DrainAsync(StreamReader errors, StringBuilder kept)
    {
        while (await errors.ReadLineAsync() is { } line)
        {
            kept.AppendLine(line);
        }
    }

    private static string Tail(StringBuilder text) => text.Length > 2000 ? text.ToString(text.Length - 2000, 2000) : text.ToString();
}
