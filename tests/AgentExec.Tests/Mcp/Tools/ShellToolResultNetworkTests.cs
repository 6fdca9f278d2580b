using System.Text.Json;
using AgentExec.Core.Execution;
using AgentExec.Core.Network;
using AgentExec.Core.Pipeline;
using AgentExec.Core.Sandbox;
using AgentExec.Mcp.Tools;

namespace AgentExec.Tests.Mcp.Tools;

/// <summary>
/// The result's <c>network</c> list (SPEC.md "Network allow-list"): present when the call had an egress proxy (empty if
/// the command asked it for nothing), absent otherwise, so a call without an allow-list keeps exactly SPEC.md's fields.
/// </summary>
public sealed class ShellToolResultNetworkTests
{
    [Fact]
    public void A_call_with_a_proxy_lists_each_destination_with_its_decision_in_structured_content_and_the_text_block()
    {
        var result = Completed() with
        {
            Network = [new NetworkDecision(new NetworkTarget("example.com", 443), true), new NetworkDecision(new NetworkTarget("::1", 8080), false)],
        };

        var rendered = ShellToolResultRenderer.Render(result);

        Assert.Equal(
            """[{"host":"example.com","port":443,"decision":"allowed"},{"host":"::1","port":8080,"decision":"denied"}]""",
            rendered.StructuredContent!.Value.GetProperty("network").GetRawText());
        var text = Assert.IsType<ModelContextProtocol.Protocol.TextContentBlock>(Assert.Single(rendered.Content)).Text;
        Assert.Equal("denied", JsonDocument.Parse(text).RootElement.GetProperty("network")[1].GetProperty("decision").GetString());
    }

    [Fact]
    public void A_call_with_a_proxy_and_no_destination_has_an_empty_list()
    {
        var rendered = ShellToolResultRenderer.Render(Completed() with { Network = [] });

        Assert.Equal(JsonValueKind.Array, rendered.StructuredContent!.Value.GetProperty("network").ValueKind);
        Assert.Equal(0, rendered.StructuredContent!.Value.GetProperty("network").GetArrayLength());
    }

    [Fact]
    public void A_call_without_a_proxy_has_no_network_field()
    {
        var rendered = ShellToolResultRenderer.Render(Completed());

        Assert.False(rendered.StructuredContent!.Value.TryGetProperty("network", out _));
    }

    private static ShellResult Completed() =>
        new(ShellStatus.Completed, 0, CapturedOutput.Empty, CapturedOutput.Empty, TimeSpan.Zero, null, SandboxBackendKind.None, null, null, null, false, null);
}
