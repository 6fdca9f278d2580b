using AgentExec.Core.Commands;

namespace AgentExec.Tests.Core.Commands;

public sealed class CommandNormalizerTests
{
    [Theory]
    [InlineData("/bin/rm x", "rm", false)]
    [InlineData("/usr/local/bin/rg x", "rg", false)]
    [InlineData("\\rm x", "rm", false)]
    [InlineData("'rm' x", "rm", false)]
    [InlineData("r\"\"m x", "rm", false)]
    [InlineData("./rm x", "rm", true)]
    [InlineData("../tools/cat x", "cat", true)]
    [InlineData("/tmp/bin/ls", "ls", true)]
    public void Program_path_is_reduced_to_its_name(string line, string program, bool outsideSystemDirectories)
    {
        var normalized = Normalize(line);

        Assert.Equal(program, normalized.Program);
        Assert.Equal(outsideSystemDirectories, normalized.RunsFileOutsideSystemDirectories);
        Assert.Null(normalized.UnknownReason);
    }

    [Theory]
    [InlineData("env -i -u HOME PATH=/bin ls -la", "ls", "env", "-la")]
    [InlineData("env - ls", "ls", "env", "")]
    [InlineData("command ls -la", "ls", "command", "-la")]
    [InlineData("builtin echo hi", "echo", "builtin", "hi")]
    [InlineData("busybox rm -rf x", "rm", "busybox", "-rf x")]
    [InlineData("exec -c ls", "ls", "exec", "")]
    [InlineData("nohup ls", "ls", "nohup", "")]
    [InlineData("nice -n 5 ls", "ls", "nice", "")]
    [InlineData("nice -5 ls", "ls", "nice", "")]
    [InlineData("timeout -s KILL 5 ls", "ls", "timeout", "")]
    [InlineData("timeout --signal=KILL --kill-after 1 5s ls", "ls", "timeout", "")]
    [InlineData("time -p ls", "ls", "time", "")]
    [InlineData("stdbuf -oL -e L grep x", "grep", "stdbuf", "x")]
    [InlineData("sudo -u root -E ls", "ls", "sudo", "")]
    [InlineData("doas -u root ls", "ls", "doas", "")]
    [InlineData("xargs -0 -n 1 ls -d", "ls", "xargs", "-d")]
    [InlineData("xargs -I{} cp {} dest", "cp", "xargs", "{} dest")]
    [InlineData("ionice -c 3 ls", "ls", "ionice", "")]
    [InlineData("setsid -f ls", "ls", "setsid", "")]
    [InlineData("sudo env nohup ls", "ls", "sudo,env,nohup", "")]
    [InlineData("/usr/bin/env /bin/ls", "ls", "env", "")]
    public void Wrappers_are_unwrapped(string line, string program, string wrappers, string arguments)
    {
        var normalized = Normalize(line);

        Assert.Null(normalized.UnknownReason);
        Assert.Equal(program, normalized.Program);
        Assert.Equal(wrappers, string.Join(',', normalized.Wrappers));
        Assert.Equal(arguments, string.Join(' ', normalized.Arguments.Select(argument => argument.Value)));
    }

    [Theory]
    [InlineData("command -v ls", "command")]
    [InlineData("env", "env")]
    [InlineData("env -i", "env")]
    [InlineData("sudo -l", "sudo")]
    [InlineData("ionice -p 42", "ionice")]
    public void Wrapper_that_runs_no_command_is_the_program_itself(string line, string program)
    {
        var normalized = Normalize(line);

        Assert.Equal(program, normalized.Program);
        Assert.Empty(normalized.Wrappers);
        Assert.Null(normalized.UnknownReason);
    }

    [Theory]
    [InlineData("timeout --bogus 5 ls", "timeout: unrecognised option --bogus")]
    [InlineData("nice -z ls", "nice: unrecognised option -z")]
    [InlineData("env -S 'rm -rf x'", "env -S splits a string into a command")]
    [InlineData("exec", "exec without a command changes the shell's own file descriptors")]
    [InlineData("timeout", "timeout needs a duration")]
    [InlineData("env $OPTS ls", "an option of env is computed at run time")]
    [InlineData("\"$TOOL\" x", "the program name is computed at run time")]
    [InlineData("eval ls", "eval runs a string as code")]
    [InlineData("hash -p /bin/rm ls", "hash -p changes which file a name runs")]
    public void What_cannot_be_accounted_for_is_unknown(string line, string reason)
    {
        Assert.Equal(reason, Normalize(line).UnknownReason);
    }

    [Theory]
    [InlineData("A=1 ls", true)]
    [InlineData("env A=1 ls", true)]
    [InlineData("sudo A=1 ls", true)]
    [InlineData("env -i ls", false)]
    [InlineData("ls A=1", false)]
    public void Variables_set_for_the_program_are_noticed(string line, bool setsVariables)
    {
        Assert.Equal(setsVariables, Normalize(line).SetsVariables);
    }

    [Fact]
    public void Xargs_appends_arguments_that_could_be_flags()
    {
        var normalized = Normalize("xargs rm");

        Assert.True(normalized.ReadsArgumentsFromInput);
        Assert.True(normalized.Args.AnyMayBeFlag);
    }

    [Fact]
    public void Xargs_arguments_after_a_double_dash_cannot_be_flags()
    {
        var normalized = Normalize("xargs rm --");

        Assert.True(normalized.ReadsArgumentsFromInput);
        Assert.False(normalized.Args.AnyMayBeFlag);
    }

    private static NormalizedCommand Normalize(string line)
    {
        var script = ShellParser.ParseScript(line, new ParseState());
        return CommandNormalizer.Normalize(Assert.Single(script.Commands));
    }
}
