namespace AgentExec.Tests.Oracle;

/// <summary>The oracle reads strace's log the way strace writes it, halves of interrupted calls included.</summary>
public sealed class TraceParserTests
{
    [Fact]
    public void An_interrupted_call_is_joined_with_its_resumed_half()
    {
        const string log = """
            5     clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|SIGCHLD <unfinished ...>
            6     execve("/usr/bin/sort", ["sort", "-o", "y"], 0x5 /* 6 vars */) = 0
            5     <... clone resumed>, child_tidptr=0x7f) = 6
            """;

        var events = TraceParser.Parse(log);

        Assert.Equal(["execve", "clone"], events.Select(call => call.Call));
        Assert.Equal(6, events[1].Result);
        Assert.Equal("/usr/bin/sort", events[0].StringArgument(0));
    }

    [Fact]
    public void A_relative_path_is_resolved_against_the_directory_strace_shows_and_the_opened_file_is_kept()
    {
        const string log = """
            9     openat(AT_FDCWD</tmp/a/d>, "../y", O_WRONLY|O_CREAT|O_CLOEXEC, 0666) = 3</tmp/a/y>
            9     openat(AT_FDCWD</tmp/a>, "missing", O_RDONLY) = -1 ENOENT (No such file or directory)
            """;

        var events = TraceParser.Parse(log);

        Assert.Equal("/tmp/a/y", events[0].PathArgument(1, 0));
        Assert.Equal("/tmp/a/y", events[0].ResultPath);
        Assert.True(events[0].Succeeded);
        Assert.Equal("ENOENT", events[1].Error);
        Assert.False(events[1].Succeeded);
    }

    [Fact]
    public void Escaped_bytes_in_a_string_argument_are_decoded()
    {
        Assert.Equal("a\"b\\c\nd-e", TraceEvent.DecodeString("\"a\\\"b\\\\c\\nd\\55e\""));
    }
}
