using System.Text.Json;

namespace AgentExec.Tests.Fuzz;

/// <summary>
/// The JSON-RPC framing property, for any server behind a <see cref="FramingSession"/>: after each batch of garbage a
/// known-safe <c>echo</c> still gets its right result (no crash, no hang), every request JSON-RPC obliges the server
/// to answer (<see cref="FramingLine.Judge"/>) gets exactly one response, no id gets two, the server answers no id
/// that nobody sent, and everything it writes is JSON.
/// </summary>
internal static class FramingCheck
{
    /// <summary>Runs <paramref name="batches"/> through <paramref name="session"/> and asserts the property; <paramref name="serverExited"/> says whether the server has stopped.</summary>
    public static async Task RunAsync(FramingSession session, IReadOnlyList<IReadOnlyList<FramingLine>> batches, Func<bool> serverExited)
    {
        await session.InitializeAsync();
        var owed = new List<string>();
        var mentions = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var batch in batches)
        {
            foreach (var line in batch)
            {
                await session.SendAsync(line.Bytes);
                owed.AddRange(line.MustAnswer);
                foreach (var id in line.Mentioned.Distinct(StringComparer.Ordinal))
                {
                    mentions[id] = mentions.GetValueOrDefault(id) + 1;
                }
            }

            Assert.False(serverExited(), "the server stopped");
            var (word, response) = await session.EchoAsync();
            AssertEchoed(word, response);
            var unanswered = await session.WaitForAllAsync(owed);
            Assert.True(unanswered.Count == 0, $"no response to {string.Join(", ", unanswered)}");
        }

        foreach (var id in owed)
        {
            Assert.True(session.Responses[id] == 1, $"{session.Responses[id]} responses to {id}");
        }

        foreach (var (id, count) in session.Responses)
        {
            var ours = id == "s:init" || id.StartsWith("s:echo-", StringComparison.Ordinal);
            Assert.True(ours || mentions.ContainsKey(id), $"a response to {id}, an id no line carried");
            Assert.True(count == 1 || mentions.GetValueOrDefault(id) > 1, $"{count} responses to {id}");
        }

        Assert.True(session.NotJson.Count == 0, $"the server wrote lines that are not JSON objects: {string.Join(" | ", session.NotJson.Select(FuzzText.Visible))}");
        Assert.False(serverExited(), "the server stopped");
    }

    private static void AssertEchoed(string word, JsonElement response)
    {
        var shown = FuzzText.Visible(response.GetRawText());
        var content = response.TryGetProperty("result", out var result) && result.TryGetProperty("structuredContent", out var structured)
            ? structured
            : throw new Xunit.Sdk.XunitException($"the echo failed: {shown}");
        Assert.True(content.GetProperty("status").GetString() == "completed", $"the echo did not complete: {shown}");
        Assert.True(content.GetProperty("stdout").GetString() == word + "\n", $"the echo printed something else: {shown}");
    }
}
