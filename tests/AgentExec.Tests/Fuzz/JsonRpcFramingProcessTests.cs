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

        // Under untrusted, with a client that cannot be asked: a command that needs a human is denied at once.
        await using var server = ServeProcess.Start(agentexec, "--approval-policy", "untrusted", "--approval-timeout-ms", "1000");
        IReadOnlyList<FramingLine>[] batches = [.. FuzzCorpus.JsonRpcBatches().Select(batch => (IReadOnlyList<FramingLine>)[FramingLine.Judge(batch.Bytes)])];

        await using (var session = new FramingSession(server.ClientOutput, server.ClientInput))
        {
            await FramingCheck.RunAsync(session, batches, () => server.HasExited);
            server.CloseInput();
            Assert.True(await server.WaitForExitAsync(FramingSession.DefaultPatience), "the server did not exit; stderr ends: " + server.StandardErrorTail);
        }

        Assert.True(server.ExitCode == 0, $"exit code {server.ExitCode}; stderr ends: {server.StandardErrorTail}");
        Assert.True(Directory.Exists(victim), "a command that needed a human ran");
    }
}
