using System.Runtime.Versioning;
using AgentExec.Core.Configuration;
using AgentExec.Core.Credentials;
using AgentExec.Core.Execution;
using AgentExec.Tests.TestSupport;

namespace AgentExec.Tests.Core.Configuration;

/// <summary>
/// <see cref="RealPath.TryResolve"/> keeps the tail of a missing path as written, so it must know that the tail is
/// missing: a component it cannot read faithfully (a readlink error other than ENOENT/ENOTDIR, a link target that is
/// not UTF-8) may hide a link, and the path is then unresolvable rather than "missing, kept as written". The config
/// trust checks, the writable roots and the credential list rest on this answer. Each case reaches the hidden file for
/// real in bash, the positive control that the danger is there.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class RealPathUnreadableTests : IDisposable
{
    private readonly TemporaryDirectory _root = new();

    public RealPathUnreadableTests()
    {
        Directory.CreateDirectory(_root.File("secret"));
        File.WriteAllText(_root.File("secret", "credentials"), "SECRET\n");
    }

    public void Dispose()
    {
        DeepTree.Remove(_root.Path);

        _root.Dispose();
    }

    [Fact]
    public void A_link_past_PATH_MAX_is_not_taken_for_a_missing_tail()
    {
        // Three levels of seven nested 200-character directories, then a link to the secret directory: its path is
        // past PATH_MAX, so readlink(2) of it fails with ENAMETOOLONG, while a shell that walks there follows it.
        var level = string.Join('/', Enumerable.Repeat(new string('d', 200), 7));
        var deep = Shell($"for n in 1 2 3; do mkdir -p '{level}' && cd '{level}'; done; ln -s '{_root.File("secret")}' k; pwd").TrimEnd('\n');
        Assert.Equal("SECRET\n", Shell($"cd '{level}' && cd '{level}' && cd '{level}' && cat k/credentials"));

        var resolved = RealPath.TryResolve(deep + "/k/credentials", out var real, out var exists);

        Assert.False(resolved, $"resolved to a path of {real?.Length} characters (exists: {exists}) without reading the link");
        RealPathOracle.AssertShortcutsMatchTheWalk(deep + "/k/credentials");
    }

    [Fact]
    public void A_missing_link_target_that_is_not_UTF8_makes_the_path_unresolvable()
    {
        // The target "x\xff" is missing now; .NET would read it as "x\uFFFD", the name of another file.
        Shell("ln -s \"$(printf 'x\\377')\" L");
        Shell($"ln -s '{_root.File("secret")}' \"$(printf 'x\\377')\"");
        Assert.Equal("SECRET\n", Shell("cat L/credentials"));
        Shell("rm \"$(printf 'x\\377')\"");

        Assert.False(RealPath.TryResolve(_root.File("L", "credentials"), out var real, out _), $"resolved to {real}");
        RealPathOracle.AssertShortcutsMatchTheWalk(_root.File("L", "credentials"));
    }

    [Fact]
    public void A_path_with_a_NUL_is_unresolvable()
    {
        // The C library would be given the name up to the NUL, another path than the one asked about.
        Assert.False(RealPath.TryResolve(_root.File("secret") + "\0/x", out var real, out _), $"resolved to {real}");
        Assert.False(RealPath.TryResolve(_root.File("missing") + "\0x", out real, out _), $"resolved to {real}");
    }

    [Fact]
    public void A_path_below_a_directory_that_cannot_be_searched_is_unresolvable_not_missing()
    {
        // Arrange: locked/ holds a file the looking identity may not reach (EACCES at locked/). "Missing, kept as
        // written" would be a false answer: a credential there would not be hidden, a config there not seen.
        Directory.CreateDirectory(_root.File("locked"));
        File.WriteAllText(_root.File("locked", "credentials"), "SECRET\n");
        Assert.True(File.Exists(_root.File("locked", "credentials")), "precondition: the file is there");
        var below = _root.File("locked", "credentials");
        var missingBelow = _root.File("locked", "missing", "deeper");

        // Act
        var seen = AsAnIdentityThatCannotSearch(_root.File("locked"), () => new
        {
            Control = LinkFreeLookup.Ask(_root.File("secret", "credentials")),
            Below = LinkFreeLookup.Ask(below),
            MissingBelow = LinkFreeLookup.Ask(missingBelow),
            Resolved = (RealPath.TryResolve(below, out var real, out var exists), real, exists),
            Walked = (RealPath.TryResolveByWalking(below, out var walkedReal, out var walkedExists), walkedReal, walkedExists),
            ResolvedMissing = RealPath.TryResolve(missingBelow, out _, out _),
            Analysed = new LinkResolver().TryResolve(below, out _, out _),
        });

        // Assert
        Assert.Equal(LinkFreeLookup.Answer.ExistsWithoutLinks, seen.Control);
        Assert.Equal(LinkFreeLookup.Answer.Unanswered, seen.Below);
        Assert.Equal(LinkFreeLookup.Answer.Unanswered, seen.MissingBelow);
        Assert.False(seen.Resolved.Item1, $"resolved to {seen.Resolved.real} (exists: {seen.Resolved.exists})");
        Assert.Equal(seen.Walked, seen.Resolved);
        Assert.False(seen.ResolvedMissing, "a path below the unsearchable directory was taken for missing");
        Assert.False(seen.Analysed, "the analysis' resolver took it for resolvable");
    }

    [Fact]
    public void A_path_that_is_not_valid_UTF16_is_unresolvable_not_the_file_its_marshalled_name_names()
    {
        // Arrange: a lone surrogate reaches the C library as U+FFFD, the name of this other file, which exists.
        File.WriteAllText(_root.File("name\uFFFD"), "other\n");
        Assert.True(RealPath.TryResolve(_root.File("name\uFFFD"), out _, out var otherExists) && otherExists, "precondition");
        var lone = _root.File("name\uD800");

        // Act
        var resolved = RealPath.TryResolve(lone, out var real, out _);
        var analysed = new LinkResolver().TryResolve(lone, out var analysedReal, out _);

        // Assert
        Assert.False(resolved, $"resolved to {real}");
        Assert.False(analysed, $"the analysis' resolver resolved it to {analysedReal}");
    }

    /// <summary>
    /// Runs <paramref name="look"/> on a thread of its own that may not search <paramref name="directory"/>, and
    /// returns what it saw. As root, that thread alone takes the effective uid 65534 (a raw <c>setresuid</c> changes
    /// only the calling thread; glibc's wrapper would change them all) and root's capabilities leave with it, while the
    /// directory keeps mode 0700; as another user, the directory's owner (this user) loses its search bit for the call.
    /// </summary>
    private T AsAnIdentityThatCannotSearch<T>(string directory, Func<T> look)
    {
        const int SetResUid = 117;
        const int Nobody = 65534;
        var asRoot = Libc.GetEffectiveUserId() == 0;
        T result = default!;
        Exception? failure = null;
        if (asRoot)
        {
            // The identity must still reach the root and the control file: only the locked directory stops it.
            File.SetUnixFileMode(_root.Path, (UnixFileMode)0b111_101_101);
            File.SetUnixFileMode(_root.File("secret"), (UnixFileMode)0b111_101_101);
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        else
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        try
        {
            var thread = new Thread(() =>
            {
                try
                {
                    if (asRoot && Libc.Syscall(SetResUid, -1, Nobody, -1, 0, 0) != 0)
                    {
                        throw new InvalidOperationException("setresuid failed");
                    }

                    try
                    {
                        result = look();
                    }
                    finally
                    {
                        if (asRoot)
                        {
                            _ = Libc.Syscall(SetResUid, -1, 0, -1, 0, 0);
                        }
                    }
                }
#pragma warning disable CA1031 // Rethrown on the test's thread below.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    failure = e;
                }
            });
            thread.Start();
            thread.Join();
        }
        finally
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        if (failure is not null)
        {
            throw new InvalidOperationException("the look-up as the other identity failed", failure);
        }

        return result;
    }

    private string Shell(string script) => HostShell.Run(script, _root.Path);
}
