using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>
/// What Landlock does not check, a file's mode and extended attributes, through the real launcher: an attack made a
/// root-owned copy of bash set-user-ID outside the writable roots. Each test checks the host afterwards.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class LandlockFileModeEscapeTests : IDisposable
{
    private const int NoSuchAttribute = 61;
    private const string AttributeName = "user.agentexec-test";
    private readonly LandlockScenario _scenario = new();

    public void Dispose() => _scenario.Dispose();

    [LandlockFact]
    public async Task The_set_user_or_group_id_bit_cannot_be_set_outside_the_roots_or_inside_them()
    {
        // Arrange: a program of the test's user outside every writable root, as the attack's root-owned bash copy was.
        var outside = _scenario.InSibling("tool");
        await File.WriteAllTextAsync(outside, "#!/bin/sh\n");
        File.SetUnixFileMode(outside, (UnixFileMode)0b111_101_101);

        // Act: coreutils' chmod (fchmodat), perl's chmod (chmod) and fchmodat2 with a numeric mode; inside too.
        var result = await _scenario.RunAsync(
            $"chmod u+s '{outside}'; chmod g+s '{outside}'; chmod 6755 '{outside}'; "
            + $"perl -e 'my $path = \"{outside}\"; chmod(04755, $path) or print \"chmod: $!\\n\"; syscall(452, -100, $path, 02755, 0) == 0 or print \"fchmodat2: $!\\n\"'; "
            + "printf '#!/bin/sh\\n' > inside; chmod u+s inside; echo \"inside: $?\"");

        // Assert
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(outside));
        Assert.Equal(0, (int)(File.GetUnixFileMode(_scenario.InWorkspace("inside")) & (UnixFileMode.SetUser | UnixFileMode.SetGroup)));
        Assert.Equal("chmod: Operation not permitted\nfchmodat2: Operation not permitted\ninside: 1\n", result.Stdout.Text);
        Assert.Contains("Operation not permitted", result.Stderr.Text, StringComparison.Ordinal);
    }

    [LandlockFact]
    public async Task A_file_cannot_be_created_with_a_set_user_or_group_id_mode_and_an_ordinary_one_can()
    {
        // Found by a review: open(O_CREAT) and mknod with a set-ID mode left an empty set-user-ID file in the workspace,
        // which keeps the bit when root copies a program into it later.
        var result = await _scenario.RunAsync(
            "python3 -c 'import os; os.close(os.open(\"created\", os.O_CREAT | os.O_WRONLY, 0o4755))' 2>/dev/null && echo CREATED-SET-USER-ID; "
            + "python3 -c 'import os; os.mknod(\"made\", 0o102755)' 2>/dev/null && echo MKNOD-SET-GROUP-ID; "
            + "python3 -c 'import os; os.close(os.open(\"plain\", os.O_CREAT | os.O_WRONLY, 0o755))' && echo CREATED-PLAIN");

        Assert.Equal("CREATED-PLAIN\n", result.Stdout.Text);
        Assert.False(File.Exists(_scenario.InWorkspace("created")));
        Assert.False(File.Exists(_scenario.InWorkspace("made")));
    }

    [LandlockFact]
    public async Task An_ordinary_chmod_in_the_workspace_still_works()
    {
        // Act
        var result = await _scenario.RunAsync("printf '#!/bin/sh\\necho ran\\n' > build.sh && chmod +x build.sh && ./build.sh && chmod 1777 . && chmod 755 .");

        // Assert
        Assert.Equal((0, "ran\n"), (result.ExitCode, result.Stdout.Text));
        Assert.True(File.GetUnixFileMode(_scenario.InWorkspace("build.sh")).HasFlag(UnixFileMode.UserExecute));
    }

    [LandlockFact]
    public async Task Extended_attributes_cannot_be_set_or_removed_outside_the_roots_or_inside_them()
    {
        // Arrange: POSIX ACLs are extended attributes; one set by the host must stay, none may be added.
        var kept = _scenario.InSibling("kept");
        var untouched = _scenario.InSibling("untouched");
        await File.WriteAllTextAsync(kept, "x");
        await File.WriteAllTextAsync(untouched, "x");
        var value = Encoding.ASCII.GetBytes("host");
        Assert.True(setxattr(kept, AttributeName, value, (nuint)value.Length, 0) == 0, $"The test could not set an attribute: errno {Marshal.GetLastPInvokeError()}.");

        // Act: setxattr (188), lsetxattr (189), removexattr (197), lremovexattr (198), outside and in the workspace.
        // Perl's syscall passes a string as a pointer only from a variable it may write to.
        var perl = string.Join(
            "; ",
            $"my ($untouched, $kept, $inside, $name, $value) = (\"{untouched}\", \"{kept}\", \"inside\", \"{AttributeName}\", \"cmd\")",
            "syscall(188, $untouched, $name, $value, 3, 0) == 0 or print \"setxattr: $!\\n\"",
            "syscall(189, $untouched, $name, $value, 3, 0) == 0 or print \"lsetxattr: $!\\n\"",
            "syscall(197, $kept, $name) == 0 or print \"removexattr: $!\\n\"",
            "syscall(198, $kept, $name) == 0 or print \"lremovexattr: $!\\n\"",
            "syscall(188, $inside, $name, $value, 3, 0) == 0 or print \"inside: $!\\n\"");
        var result = await _scenario.RunAsync($"touch inside; perl -e '{perl}'");

        // Assert
        Assert.Equal(
            "setxattr: Operation not supported\nlsetxattr: Operation not supported\nremovexattr: Operation not supported\n"
            + "lremovexattr: Operation not supported\ninside: Operation not supported\n",
            result.Stdout.Text);
        Assert.Equal(value.Length, (int)getxattr(kept, AttributeName, null, 0));
        Assert.Equal(-1, (int)getxattr(untouched, AttributeName, null, 0));
        Assert.Equal(NoSuchAttribute, Marshal.GetLastPInvokeError());
        Assert.Equal(-1, (int)getxattr(_scenario.InWorkspace("inside"), AttributeName, null, 0));
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setxattr(string path, string name, byte[] value, nuint size, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern nint getxattr(string path, string name, byte[]? value, nuint size);
}
