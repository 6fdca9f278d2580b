using AgentExec.Core.Configuration;

namespace AgentExec.Tests.Core.Configuration;

/// <summary>What is derived from a file is used again only for the very bytes it was derived from, within the bounds.</summary>
public sealed class ContentMemoryTests
{
    [Fact]
    public void A_value_is_recalled_only_for_the_same_key_and_the_same_bytes()
    {
        var memory = new ContentMemory<string, string>(maximumFileBytes: 1024, budgetBytes: 4096);
        memory.Remember("config", "[core]\n\tpaper = x\n"u8.ToArray(), "parsed");

        Assert.True(memory.TryRecall("config", "[core]\n\tpaper = x\n"u8, out var recalled));
        Assert.Equal("parsed", recalled);
        Assert.False(memory.TryRecall("config", "[core]\n\tpager = x\n"u8, out _)); // same length, one byte changed
        Assert.False(memory.TryRecall("config", "[core]\n\tpaper = x\n\n"u8, out _));
        Assert.False(memory.TryRecall("other", "[core]\n\tpaper = x\n"u8, out _));
    }

    [Fact]
    public void A_file_over_the_limit_is_not_remembered_and_the_budget_starts_the_memory_again()
    {
        var memory = new ContentMemory<string, string>(maximumFileBytes: 10, budgetBytes: 20);
        memory.Remember("big", new byte[11], "big");
        memory.Remember("a", new byte[10], "a");
        memory.Remember("b", new byte[10], "b");

        Assert.False(memory.TryRecall("big", new byte[11], out _));
        Assert.True(memory.TryRecall("a", new byte[10], out _));
        Assert.True(memory.TryRecall("b", new byte[10], out _));

        // Twenty bytes kept: one more file passes the budget, so only it is kept.
        memory.Remember("c", new byte[5], "c");

        Assert.False(memory.TryRecall("a", new byte[10], out _));
        Assert.False(memory.TryRecall("b", new byte[10], out _));
        Assert.True(memory.TryRecall("c", new byte[5], out _));
    }

    [Fact]
    public void Remembering_a_key_again_replaces_its_bytes_in_the_budget()
    {
        var memory = new ContentMemory<string, string>(maximumFileBytes: 10, budgetBytes: 20);
        memory.Remember("a", new byte[10], "first");
        memory.Remember("a", new byte[10], "second");
        memory.Remember("b", new byte[10], "b");

        Assert.True(memory.TryRecall("a", new byte[10], out var recalled));
        Assert.Equal("second", recalled);
        Assert.True(memory.TryRecall("b", new byte[10], out _));
    }
}
