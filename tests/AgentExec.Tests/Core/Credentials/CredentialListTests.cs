using AgentExec.Core.Configuration;
using AgentExec.Core.Credentials;

namespace AgentExec.Tests.Core.Credentials;

/// <summary>Which paths and bash patterns the credential list calls credentials, over a real tree with links.</summary>
public sealed class CredentialListTests(CredentialTree tree) : IClassFixture<CredentialTree>
{
    private CredentialList List => CredentialList.For(tree.Home, ["/srv/vault/", "*.p8"]);

    [Theory]
    [InlineData("{H}/.ssh", true)]
    [InlineData("{H}/.ssh/", true)]
    [InlineData("{H}/.ssh/id_ed25519", true)]
    [InlineData("{H}/.ssh/id_ed25519.pub", true)] // inside ~/.ssh, everything is
    [InlineData("{H}/.ssh/not-yet-there", true)]
    [InlineData("{H}/.aws/credentials", true)]
    [InlineData("{H}/.cargo/credentials.toml", true)]
    [InlineData("{H}/.cargo/config.toml", false)]
    [InlineData("{H}/.vault-token", true)]
    [InlineData("{H}/.m2/settings.xml", true)]
    [InlineData("{H}/.m2/repository/x.jar", false)]
    [InlineData("{H}/.oci/config", true)]
    [InlineData("{H}/.config/rclone/rclone.conf", true)]
    [InlineData("/dev/vda", true)]
    [InlineData("/dev/disk/by-id/x", true)]
    [InlineData("/dev/null", false)]
    [InlineData("/proc/kcore", true)]
    [InlineData("/sys/kernel/tracing/trace_pipe", true)]
    [InlineData("/sys/kernel/debug/tracing/trace_pipe", true)]
    [InlineData("/sys/kernel/mm/transparent_hugepage/enabled", false)]
    [InlineData("/sys/kernel", false)]
    [InlineData("{H}", false)] // an ancestor is not a credential location
    [InlineData("{H}/notes.txt", false)]
    [InlineData("{H}/./.ssh//config", true)]
    [InlineData("{W}/.env", true)]
    [InlineData("{W}/sub/../.env", true)]
    [InlineData("{W}//sub/./../.env", true)]
    [InlineData("{W}/.env.local", true)]
    [InlineData("{W}/.envrc", false)]
    [InlineData("{W}/README.md", false)]
    [InlineData("{W}/certs/server.pem", true)]
    [InlineData("{W}/certs", false)]
    [InlineData("{W}/certs/new.key", true)]
    [InlineData("{W}/keys/id_rsa", true)]
    [InlineData("{W}/keys/id_rsa.pub", false)]
    [InlineData("{W}/k.pem/inside", true)]
    [InlineData("{W}/links/innocent", true)] // a link to ~/.ssh/id_ed25519
    [InlineData("{W}/links/keys-dir/config", true)]
    [InlineData("{W}/links/readme", false)]
    [InlineData("{W}/src/x.cs", false)]
    [InlineData("{W}/bundles/client.p8", true)] // credential_paths: a name pattern
    [InlineData("/srv/vault", true)] // credential_paths: a directory
    [InlineData("/srv/vault/token", true)]
    [InlineData("/srv/vaulted", false)]
    [InlineData("/etc/shadow", true)]
    [InlineData("/etc/gshadow", true)]
    [InlineData("/etc/passwd", false)]
    [InlineData("/proc/self/environ", true)]
    [InlineData("/proc/1/environ", true)]
    [InlineData("/proc/thread-self/environ", true)]
    [InlineData("/proc/self/task/1/environ", true)]
    [InlineData("/proc/self/status", true)] // through the /proc/self link: the analysis cannot know what it names for the command
    [InlineData("/proc/cpuinfo", false)]
    [InlineData("relative/.env", true)] // not absolute: nothing can be proved
    [InlineData("w/README.md", true)]
    public void Covers_a_path_that_is_or_lies_inside_a_credential_location(string path, bool expected)
    {
        // Act
        var covered = List.Covers(tree.Expand(path));

        // Assert
        Assert.Equal(expected, covered);
    }

    [Theory]
    [InlineData("{W}/certs/*.pem", true)]
    [InlineData("{W}/docs/*.pem", false)]
    [InlineData("{W}/.e*", true)]
    [InlineData("{W}/plain/*", false)] // `*` does not match the leading dot of .env
    [InlineData("{W}/plain/*.md", false)]
    [InlineData("{W}/plain/?env", false)]
    [InlineData("{W}/plain/[.]env", false)]
    [InlineData("{W}/plain/.*", true)]
    [InlineData("{W}/plain/\\.en*", true)] // an escaped dot is a literal dot
    [InlineData("{W}/pems/*", true)] // k.pem
    [InlineData("{W}/links/*", true)] // a link to a key
    [InlineData("{W}/src/*.cs", false)]
    [InlineData("{W}/src/*/*.cs", false)]
    [InlineData("{W}/nested/*/.env", true)]
    [InlineData("{W}/nested/*/*", false)]
    [InlineData("{W}/dotdir/*/k.pem", false)] // `*` does not enter .hidden
    [InlineData("{W}/dotdir/.*/*", true)]
    [InlineData("{W}/sub/../.e*", true)]
    [InlineData("{W}/*/../.env", true)]
    [InlineData("{W}/docs/\\*", false)] // an escaped star is a literal star
    [InlineData("{W}/certs/\\*.pem", true)] // a file literally named *.pem
    [InlineData("{W}/docs/a.md", false)] // no wildcard at all
    [InlineData("{W}/.env", true)]
    [InlineData("{H}/.s*/*", true)]
    [InlineData("{H}/.s*", true)]
    [InlineData("{H}/*", false)]
    [InlineData("{H}/.ssh/*", true)]
    [InlineData("{H}/.cargo/cred*", true)]
    [InlineData("{H}/.cargo/c*.toml", true)] // could be credentials.toml
    [InlineData("{H}/.cargo/[!c]*", false)]
    [InlineData("{H}/.k[a-z]be/con*", true)] // ~/.kube/config, though absent now
    [InlineData("{H}/.config/g?/*", true)] // ~/.config/gh/, though absent now
    [InlineData("/proc/*/environ", true)]
    [InlineData("/proc/self/env*", true)]
    [InlineData("/proc/[0-9]*/status", false)]
    [InlineData("/etc/sh*", true)]
    [InlineData("/etc/host*", false)]
    [InlineData("{W}/bundles/*", true)] // credential_paths: *.p8
    [InlineData("/srv/v*/*", true)] // credential_paths: /srv/vault/
    [InlineData("relative/*", true)]
    public void May_match_a_pattern_bash_could_expand_to_a_credential(string pattern, bool expected)
    {
        // Act
        var mayMatch = List.MayMatch(tree.Expand(pattern));

        // Assert
        Assert.Equal(expected, mayMatch);
    }

    [Fact]
    public void A_directory_with_more_entries_than_the_bound_may_match()
    {
        // Arrange
        var big = Directory.CreateDirectory(Path.Join(tree.Root, "big")).FullName;
        for (var i = 0; i <= CredentialList.MaxEntriesExamined; i++)
        {
            File.WriteAllText(Path.Join(big, $"f{i}.txt"), "");
        }

        // Act
        var mayMatch = List.MayMatch(big + "/*.txt");

        // Assert
        Assert.True(mayMatch);
    }

    [Fact]
    public void A_link_in_the_path_of_a_credential_folder_covers_its_real_location_too()
    {
        // Arrange: a dotfiles manager's ~/.gnupg → ~/dotfiles/gnupg.
        var home = Directory.CreateDirectory(Path.Join(tree.Root, "linked-home")).FullName;
        var real = Directory.CreateDirectory(Path.Join(tree.Root, "dotfiles", "gnupg")).FullName;
        Directory.CreateSymbolicLink(Path.Join(home, ".gnupg"), real);

        // Act
        var list = CredentialList.For(home);

        // Assert
        Assert.True(list.Covers(Path.Join(real, "private-keys-v1.d", "k.key")));
        Assert.True(list.Covers(Path.Join(real, "trustdb.gpg")));
        Assert.True(list.MayMatch(real + "/*"));
    }

    [Fact]
    public void Another_home_directory_and_added_paths_are_covered()
    {
        // Arrange
        var list = List.WithHomeDirectory("/home/other").WithPaths("/etc/agentexec/config.json", null, "/var/log/agentexec/audit.jsonl");

        // Act
        var covered = new[] { "/home/other/.aws/config", tree.Home + "/.aws/config", "/etc/agentexec/config.json", "/var/log/agentexec/audit.jsonl" }.Select(list.Covers);

        // Assert
        Assert.All(covered, Assert.True);
        Assert.False(list.Covers("/var/log/agentexec/other.jsonl"));
        Assert.Equal([tree.Home, "/home/other"], list.HomeDirectories);
    }

    [Fact]
    public void Without_a_home_directory_home_entries_cover_nothing_but_the_rest_still_applies()
    {
        // Arrange
        var list = CredentialList.For(null);

        // Act / Assert
        Assert.False(list.Covers(tree.Home + "/.aws/config"));
        Assert.True(list.Covers(tree.Workspace + "/.env"));
        Assert.True(list.Covers("/etc/shadow"));
    }

    [Fact]
    public void A_bad_extra_entry_is_refused()
    {
        Assert.Throws<ArgumentException>(() => CredentialList.For(tree.Home, ["secrets/token"]));
    }

    [Fact]
    public void The_settings_list_is_built_once_per_settings_and_again_for_another_home()
    {
        var settings = new AgentExecSettings
        {
            Workspace = tree.Workspace,
            AuditLogPath = "/var/log/agentexec-test/audit.jsonl",
            CredentialPaths = ["*.p8"],
        };
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["HOME"] = tree.Home };

        var first = CredentialList.ForSettings(settings, environment);
        Assert.Same(first, CredentialList.ForSettings(settings, new Dictionary<string, string>(environment)));
        Assert.True(first.Covers(Path.Combine(tree.Home, ".ssh", "id_ed25519")));
        Assert.True(first.Covers("/var/log/agentexec-test/audit.jsonl"));
        Assert.True(first.Covers("/var/log/agentexec-test/audit.jsonl.lock"));

        // Another HOME is another list: the remembered one must not answer for it.
        var otherHome = Path.Combine(tree.Workspace, "other-home");
        var second = CredentialList.ForSettings(settings, new Dictionary<string, string>(StringComparer.Ordinal) { ["HOME"] = otherHome });
        Assert.NotSame(first, second);
        Assert.True(second.Covers(Path.Combine(otherHome, ".ssh", "id_ed25519")));

        // The same HOME in other settings is another list too (their credential_paths may differ).
        var narrower = settings with { CredentialPaths = [] };
        Assert.NotSame(first, CredentialList.ForSettings(narrower, environment));
        Assert.False(CredentialList.ForSettings(narrower, environment).Covers(Path.Combine(tree.Workspace, "bundles", "client.p8")));
        Assert.True(first.Covers(Path.Combine(tree.Workspace, "bundles", "client.p8")));
    }
}
