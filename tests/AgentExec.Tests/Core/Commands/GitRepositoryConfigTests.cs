using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.MemoryMappedFiles;
using System.Text;
using AgentExec.Core.Commands;
using AgentExec.Core.Configuration;

namespace AgentExec.Tests.Core.Commands;

public sealed class GitRepositoryConfigTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();

    public GitRepositoryConfigTests()
    {
        Work = _temp.File("work");
        Home = _temp.File("home");
        Directory.CreateDirectory(Work);
        Directory.CreateDirectory(Home);
    }

    // The agent can write the workspace; the home directory (and its global config) lies outside it.
    private string Work { get; }

    private string Home { get; }

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string, string> ProgramSettings => new()
    {
        { "[core]\n\tfsmonitor = /tmp/marker", "core.fsmonitor" },
        { "[core]\n\tfsmonitor = true", "core.fsmonitor" },
        { "[core]\n\tfsmonitor", "core.fsmonitor" },
        { "[core]\n\tfsmonitor = \" false\"", "core.fsmonitor" },
        { "[core]\n\tpager = less", "core.pager" },
        { "[pager]\n\tlog = /tmp/marker", "pager.log" },
        { "[diff]\n\texternal = /tmp/marker", "diff.external" },
        { "[diff \"x\"]\n\tcommand = /tmp/marker", "diff.x.command" },
        { "[diff \"x\"]\n\ttextconv = /tmp/marker", "diff.x.textconv" },
        { "[filter \"x\"]\n\tclean = /tmp/marker", "filter.x.clean" },
        { "[filter \"x\"]\n\tsmudge = /tmp/marker", "filter.x.smudge" },
        { "[filter \"x\"]\n\tprocess = /tmp/marker", "filter.x.process" },
        { "[gpg]\n\tprogram = /tmp/marker", "gpg.program" },
        { "[gpg \"ssh\"]\n\tprogram = /tmp/marker", "gpg.ssh.program" },
        { "[gpg \"ssh\"]\n\tdefaultKeyCommand = /tmp/marker", "gpg.ssh.defaultkeycommand" },
        { "[core]\n\tsshCommand = /tmp/marker", "core.sshcommand" },
        { "[core]\n\taskPass = /tmp/marker", "core.askpass" },
        { "[core]\n\teditor = /tmp/marker", "core.editor" },
        { "[sequence]\n\teditor = /tmp/marker", "sequence.editor" },
        { "[core]\n\thooksPath = /tmp", "core.hookspath" },
        { "[core]\n\tgitProxy = /tmp/marker", "core.gitproxy" },
        { "[core]\n\talternateRefsCommand = /tmp/marker", "core.alternaterefscommand" },
        { "[credential]\n\thelper = /tmp/marker", "credential.helper" },
        { "[credential \"https://example.com\"]\n\thelper = /tmp/marker", "credential.https://example.com.helper" },
        { "[interactive]\n\tdiffFilter = /tmp/marker", "interactive.difffilter" },
        { "[merge \"x\"]\n\tdriver = /tmp/marker", "merge.x.driver" },
        { "[remote \"origin\"]\n\tuploadpack = /tmp/marker", "remote.origin.uploadpack" },
        { "[remote \"origin\"]\n\treceivepack = /tmp/marker", "remote.origin.receivepack" },
        { "[remote \"origin\"]\n\tvcs = marker", "remote.origin.vcs" },
        { "[uploadpack]\n\tpackObjectsHook = /tmp/marker", "uploadpack.packobjectshook" },
        { "[alias]\n\tst = !/tmp/marker", "alias.st" },
        { "[log]\n\tshowSignature = true", "log.showsignature" },
        { "[protocol]\n\tallow = always", "protocol.allow" },
        { "[protocol \"ext\"]\n\tallow = user", "protocol.ext.allow" },
        { "[submodule \"x\"]\n\tupdate = !/tmp/marker", "submodule.x.update" },
        { "[difftool \"x\"]\n\tcmd = /tmp/marker", "difftool.x.cmd" },
        { "[mergetool \"x\"]\n\tpath = /tmp/marker", "mergetool.x.path" },
        { "[man \"x\"]\n\tcmd = /tmp/marker", "man.x.cmd" },
        { "[browser \"x\"]\n\tpath = /tmp/marker", "browser.x.path" },
        { "[instaweb]\n\thttpd = /tmp/marker", "instaweb.httpd" },
        { "[imap]\n\ttunnel = /tmp/marker", "imap.tunnel" },
        { "[sendemail]\n\tsmtpServer = /tmp/marker", "sendemail.smtpserver" },
        { "[sendemail]\n\tsendmailCmd = /tmp/marker", "sendemail.sendmailcmd" },
        { "[lfs \"customtransfer.x\"]\n\tpath = /tmp/marker", "lfs.customtransfer.x.path" },
        { "[future]\n\tsomethingProgram = /tmp/marker", "future.somethingprogram" },
        // Enter submodules that only a commit names, which the index the check reads for submodules need not hold.
        { "[diff]\n\tsubmodule = diff", "diff.submodule" },
        { "[diff]\n\tsubmodule = log", "diff.submodule" },
        { "[status]\n\tsubmoduleSummary = true", "status.submodulesummary" },
        { "[status]\n\tsubmoduleSummary = 3", "status.submodulesummary" },
        // Signature placeholders in a configured format run gpg.
        { "[format]\n\tpretty = format:%h %G?", "format.pretty" },
        { "[pretty]\n\tsig = %h %GS", "pretty.sig" },
        { "[submodule]\n\trecurse = true", "submodule.recurse" },
        // Files git reads where the value says: one that is a credential, or a link to one, is shown (git blame printed
        // the first line of ~/.git-credentials as an invalid object name).
        { "[blame]\n\tignoreRevsFile = ~/.git-credentials", "blame.ignorerevsfile" },
        { "[mailmap]\n\tfile = /tmp/x", "mailmap.file" },
        { "[core]\n\texcludesFile = x", "core.excludesfile" },
        // Too large for git's int: not a boolean to git, so the pager's command line.
        { "[pager]\n\tlog = 99999999999999999999", "pager.log" },
    };

    public static TheoryData<string> HarmlessSettings => new()
    {
        "[core]\n\tfsmonitor = false",
        "[core]\n\tfsmonitor = 0",
        "[core]\n\tfsmonitor =",
        "[pager]\n\tbranch = false",
        "[pager]\n\tlog",
        "[log]\n\tshowSignature = off",
        "[protocol]\n\tallow = never",
        "[submodule \"x\"]\n\tupdate = rebase",
        "[remote \"origin\"]\n\turl = https://example.com/x.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*",
        "[branch \"main\"]\n\tremote = origin\n\tmerge = refs/heads/main",
        "[user]\n\tname = A\n\temail = a@example.com",
        "[core]\n\tautocrlf = input\n\tfsmonitorHookVersion = 2\n\tuntrackedCache = true",
        "[diff]\n\tsubmodule = short",
        "[status]\n\tsubmoduleSummary = false",
        "[pager]\n\tlog = 1",
        "[pager]\n\tlog = 000000000000000000001",
        "[format]\n\tpretty = oneline",
    };

    [Theory]
    [MemberData(nameof(ProgramSettings))]
    public void A_repository_config_that_names_a_program_is_reported_with_its_key(string config, string key)
    {
        InitRepository(Work);
        AppendConfig(Work, config);

        var reason = Check(Work);

        Assert.Equal($"the repository's config sets {key}", reason);
    }

    [Theory]
    [MemberData(nameof(HarmlessSettings))]
    public void A_repository_config_with_only_harmless_settings_names_no_program(string config)
    {
        InitRepository(Work);
        AppendConfig(Work, config);

        Assert.Null(Check(Work));
    }

    [Fact]
    public void A_freshly_initialised_repository_names_no_program()
    {
        InitRepository(Work);
        Directory.CreateDirectory(Path.Join(Work, "src", "deep"));

        Assert.Null(Check(Path.Join(Work, "src", "deep")));
    }

    [Fact]
    public void A_directory_outside_any_repository_names_no_program()
    {
        Assert.Null(Check(Work));
    }

    [Fact]
    public void Section_and_key_names_are_compared_without_case()
    {
        InitRepository(Work);
        AppendConfig(Work, "[Core]\n\tFSMonitor = /tmp/marker");

        Assert.Equal("the repository's config sets core.fsmonitor", Check(Work));
    }

    [Fact]
    public void An_old_style_subsection_is_read_as_git_reads_it()
    {
        InitRepository(Work);
        AppendConfig(Work, "[Diff.Foo]\n\tCommand = /tmp/marker");

        Assert.Equal("the repository's config sets diff.foo.command", Check(Work));
    }

    [Fact]
    public void A_key_on_the_line_of_its_section_header_is_found()
    {
        InitRepository(Work);
        AppendConfig(Work, "[core] fsmonitor = /tmp/marker");

        Assert.Equal("the repository's config sets core.fsmonitor", Check(Work));
    }

    [Fact]
    public void A_key_after_a_continued_value_belongs_to_the_section_git_gives_it()
    {
        // The continuation swallows "[core]", so git reads user.fsmonitor (harmless) and then core.pager from a later header.
        InitRepository(Work);
        AppendConfig(Work, "[user]\n\tname = a \\\n[core]\n\tfsmonitor = /tmp/marker\n[core \"x\"]\n\tpager = \"a\\\\\" # quoted\"");

        var reason = Check(Work);

        Assert.Equal("the repository's config sets core.x.pager", reason);
        Assert.Equal(["user.fsmonitor", "core.x.pager"], GitConfigKeys(Path.Join(Work, ".git", "config")).TakeLast(2));
    }

    [Fact]
    public void A_nested_repository_is_the_one_selected_from_inside_it()
    {
        InitRepository(Work);
        AppendConfig(Work, "[core]\n\tpager = /tmp/marker");
        var nested = Path.Join(Work, "sub");
        InitRepository(nested);
        AppendConfig(nested, "[diff]\n\texternal = /tmp/marker");

        Assert.Equal("the repository's config sets diff.external", Check(Path.Join(nested)));
        Assert.Equal("the repository's config sets core.pager", Check(Work));
    }

    [Fact]
    public void A_clean_nested_repository_does_not_hide_its_parents_config_wherever_it_lies()
    {
        InitRepository(Work);
        AppendConfig(Work, "[core]\n\tpager = /tmp/marker");
        var nested = Path.Join(Work, "sub");
        InitRepository(nested);

        // git would stop at the nested one; the check goes on, since a planted repository git refuses as invalid would
        // otherwise hide the one above, and the agent can plant one outside the writable roots too (/tmp).
        Assert.Equal(Path.Join(nested, ".git"), Git(nested, "rev-parse", "--absolute-git-dir").Trim());
        Assert.Equal("the repository's config sets core.pager", CheckWithWorkReadOnly(nested));
        Assert.Equal("the repository's config sets core.pager", Check(nested));
    }

    [Fact]
    public void A_decoy_repository_above_the_workspace_outside_the_writable_roots_does_not_hide_the_one_above_it()
    {
        // Found by an attack: the workspace lies in a directory the agent can write without it being a writable root
        // (here as under /tmp); git refuses the decoy's HEAD (it reads 255 bytes) and walks on to Work's repository.
        var decoy = Path.Join(Work, "mid");
        var workspace = Path.Join(decoy, "ws");
        InitRepository(Work);
        AppendConfig(Work, "[core]\n\tpager = /tmp/marker");
        InitRepository(decoy);
        File.WriteAllText(Path.Join(decoy, ".git", "HEAD"), "ref:" + new string(' ', 300) + "refs/heads/main\n");
        Directory.CreateDirectory(workspace);

        Assert.Equal(Path.Join(Work, ".git"), Git(workspace, "rev-parse", "--absolute-git-dir").Trim());
        Assert.Equal("the repository's config sets core.pager", GitRepositoryConfig.FindProgramSetting(workspace, Home, [workspace]));
    }

    [Fact]
    public void An_object_format_in_config_worktree_which_git_ignores_for_it_does_not_change_how_the_index_is_read()
    {
        // Found by two attacks: the index read with 32-byte hashes (the format config.worktree named) showed the gitlink
        // "evil" as "zz", which does not exist, while git reads it with 20-byte ones and runs git in evil.
        InitRepository(Work);
        var evil = Path.Join(Work, "evil");
        InitRepository(evil);
        Commit(evil);
        AppendConfig(evil, "[core]\n\tfsmonitor = /tmp/marker");
        Git(Work, "update-index", "--add", "--cacheinfo", $"160000,{Git(evil, "rev-parse", "HEAD").Trim()},evil");
        File.WriteAllText(Path.Join(Work, ".git", "config.worktree"), "[extensions]\n\tobjectformat = sha256\n");
        var index = Path.Join(Work, ".git", "index");
        var entry = File.ReadAllBytes(index).AsSpan(0, 12 + 72).ToArray(); // the header and the one 72-byte entry
        // An optional extension (upper-case first letter: git skips it) whose bytes a 32-byte reading takes as the end of
        // the entry: flags 2 (a two-byte name), the name "zz".
        byte[] extension = [(byte)'P', 2, (byte)'z', (byte)'z', 0, 0, 0, 12, .. new byte[12]];
        byte[] body = [.. entry, .. extension];
        File.WriteAllBytes(index, WithIndexChecksum(body));

        Assert.Contains("160000", Git(Work, "ls-files", "--stage", "evil"));
        Assert.Equal("submodule evil's config sets core.fsmonitor", Check(Work));
    }

    [Fact]
    public void An_index_of_version_2_with_the_extended_flag_is_read_as_git_reads_it()
    {
        // Found by an attack: git reads the two extended-flag bytes at any version; read as part of the name they hid
        // the gitlink "sub".
        InitRepository(Work);
        var sub = Path.Join(Work, "sub");
        InitRepository(sub);
        AppendConfig(sub, "[core]\n\tfsmonitor = /tmp/marker");
        Git(Work, "update-index", "--add", "--cacheinfo", "160000,1111111111111111111111111111111111111111,sub");
        var index = Path.Join(Work, ".git", "index");
        var original = File.ReadAllBytes(index);
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32BigEndian(original.AsSpan(4)));
        var entry = original.AsSpan(12, 72).ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(entry.AsSpan(60), (ushort)(BinaryPrimitives.ReadUInt16BigEndian(entry.AsSpan(60)) | 0x4000));
        byte[] extended = [.. entry.AsSpan(0, 62), 0, 0, .. "sub"u8];
        byte[] body = [.. original.AsSpan(0, 12), .. extended, .. new byte[72 - extended.Length], .. original.AsSpan(12 + 72, original.Length - 12 - 72 - 20)];
        File.WriteAllBytes(index, WithIndexChecksum(body));

        Assert.Equal("sub", Git(Work, "ls-files").Trim());
        Assert.Equal("submodule sub's config sets core.fsmonitor", Check(Work));
    }

    [Fact]
    public void A_NUL_in_a_config_file_is_reported_since_git_ends_a_name_there()
    {
        // Found by an attack: git builds the key core.fsmonitor<NUL>.x and reads it as core.fsmonitor.
        InitRepository(Work);
        File.AppendAllText(Path.Join(Work, ".git", "config"), "[core \"fsmonitor\0\"]\n\tx = /tmp/marker\n");

        Assert.Contains("core.fsmonitor=/tmp/marker", Git(Work, "config", "--list", "--local"));
        Assert.Equal("the repository's config cannot be parsed (" + Path.Join(Work, ".git", "config") + " holds a NUL byte)", Check(Work));
    }

    [Theory]
    [InlineData("[diff]\n\tsubmodule = diff", "diff.submodule")]
    [InlineData("[status]\n\tsubmoduleSummary = true", "status.submodulesummary")]
    [InlineData("[submodule]\n\trecurse = true", "submodule.recurse")]
    public void A_global_config_that_makes_git_enter_submodules_only_a_commit_names_is_reported(string config, string key)
    {
        // The user's own diff.submodule=diff makes git log -p run git in any directory a commit names as a submodule,
        // and the agent can plant one with a commit and a directory: no index holds it for the check to read.
        InitRepository(Work);
        File.WriteAllText(Path.Join(Home, ".gitconfig"), config + "\n");

        Assert.Equal($"the global git config sets {key}, which makes git enter submodules that only a commit names", Check(Work));
    }

    [Fact]
    public void A_version_4_index_name_is_as_long_as_its_flags_say_not_up_to_its_first_NUL()
    {
        // Found by an attack: entry 1's flags give its name 66 bytes, "a", a NUL and 64 more; read up to the NUL, those
        // bytes made a phantom entry here that swallowed entry 2, the gitlink "sub", which git reads.
        InitRepository(Work);
        File.WriteAllText(Path.Join(Work, "a"), "a\n");
        var sub = Path.Join(Work, "sub");
        InitRepository(sub);
        Git(sub, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "--allow-empty", "-m", "s");
        AppendConfig(sub, "[core]\n\tfsmonitor = /tmp/marker");
        var blob = Convert.FromHexString(Git(Work, "hash-object", "-w", "a").Trim());
        var commit = Convert.FromHexString(Git(sub, "rev-parse", "HEAD").Trim());

        static byte[] Stat(uint mode, uint gid = 0, uint size = 0)
        {
            var stat = new byte[40];
            stat.AsSpan(0, 24).Fill(1);
            BinaryPrimitives.WriteUInt32BigEndian(stat.AsSpan(24), mode);
            BinaryPrimitives.WriteUInt32BigEndian(stat.AsSpan(32), gid);
            BinaryPrimitives.WriteUInt32BigEndian(stat.AsSpan(36), size);
            return stat;
        }

        byte[] phantom = [.. Stat(0x81A4), .. Enumerable.Repeat((byte)0x11, 20), 0, 0, 0];
        byte[] name = [(byte)'a', 0, .. phantom, (byte)'z', (byte)'z'];
        var flags = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(flags, (ushort)(name.Length - 1));
        byte[] first = [.. Stat(0x81A4, size: 2), .. blob, .. flags, 0, .. name];
        byte[] second = [.. Stat(0xE000, gid: 0x22000000), .. commit, 0, 3, (byte)(name.Length - 1), .. "sub"u8, 0];
        byte[] body = [.. "DIRC"u8, 0, 0, 0, 4, 0, 0, 0, 2, .. first, .. second];
        File.WriteAllBytes(Path.Join(Work, ".git", "index"), WithIndexChecksum(body));

        Assert.Contains("160000", Git(Work, "ls-files", "--stage", "sub"));
        Assert.Equal("submodule sub's config sets core.fsmonitor", Check(Work));
    }

    [Fact]
    public void An_index_git_may_read_out_of_order_is_reported()
    {
        // Found by an attack: with an end-of-index-entries extension (found at a fixed place before the checksum) git
        // reads the extensions from the offset it gives, where a split index's link hid inside an unknown extension.
        InitRepository(Work);
        File.WriteAllText(Path.Join(Work, "a"), "a\n");
        Git(Work, "add", "a");
        var index = Path.Join(Work, ".git", "index");
        var original = File.ReadAllBytes(index);
        byte[] body = [.. original.AsSpan(0, original.Length - 20), .. "EOIE"u8, 0, 0, 0, 24, .. new byte[24]];
        File.WriteAllBytes(index, WithIndexChecksum(body));

        Assert.Contains("EOIE", Check(Work), StringComparison.Ordinal);
    }

    [Fact]
    public void A_version_4_index_git_may_read_in_blocks_is_reported()
    {
        InitRepository(Work);
        File.WriteAllText(Path.Join(Work, "a"), "a\n");
        Git(Work, "add", "a");
        Git(Work, "update-index", "--index-version", "4");
        var index = Path.Join(Work, ".git", "index");
        var original = File.ReadAllBytes(index);
        byte[] body = [.. original.AsSpan(0, original.Length - 20), .. "IEOT"u8, 0, 0, 0, 4, 0, 0, 0, 1];
        File.WriteAllBytes(index, WithIndexChecksum(body));

        Assert.Contains("IEOT", Check(Work), StringComparison.Ordinal);
    }

    [Fact]
    public void A_gitfile_and_a_commondir_lead_to_the_shared_config_and_the_worktree_config()
    {
        InitRepository(Work);
        Commit(Work);
        var linked = _temp.File("work", "linked");
        Git(Work, "worktree", "add", "-q", linked);
        Assert.Null(Check(linked));

        Git(Work, "config", "core.pager", "/tmp/marker");
        Assert.Equal("the repository's config sets core.pager", Check(linked));

        Git(Work, "config", "--unset", "core.pager");
        var worktreeGitDirectory = File.ReadAllText(Path.Join(linked, ".git"))["gitdir: ".Length..].Trim();
        File.WriteAllText(Path.Join(worktreeGitDirectory, "config.worktree"), "[diff]\n\texternal = /tmp/marker\n");
        Assert.Equal("the repository's worktree config sets diff.external", Check(linked));
    }

    [Fact]
    public void A_relative_gitfile_is_read_relative_to_its_directory()
    {
        var store = _temp.File("work", "store");
        Directory.CreateDirectory(store);
        Git(store, "init", "-q", "--separate-git-dir", Path.Join(store, "repo.git"), Path.Join(store, "tree"));
        File.WriteAllText(Path.Join(store, "tree", ".git"), "gitdir: ../repo.git\n");
        File.AppendAllText(Path.Join(store, "repo.git", "config"), "[core]\n\tpager = /tmp/marker\n");

        Assert.Equal("the repository's config sets core.pager", Check(Path.Join(store, "tree")));
    }

    [Fact]
    public void A_bare_repository_is_selected_from_inside_it()
    {
        var bare = Path.Join(Work, "bare.git");
        Git(Work, "init", "-q", "--bare", bare);
        File.AppendAllText(Path.Join(bare, "config"), "[core]\n\tpager = /tmp/marker\n");

        Assert.Equal("the repository's config sets core.pager", Check(Path.Join(bare, "refs", "heads")));
    }

    [Fact]
    public void A_relative_include_is_read_relative_to_the_including_file()
    {
        InitRepository(Work);
        AppendConfig(Work, "[include]\n\tpath = ../shared.gitconfig");
        File.WriteAllText(Path.Join(Work, "shared.gitconfig"), "[core]\n\tpager = /tmp/marker\n");

        var reason = Check(Work);

        Assert.Equal($"{Path.Join(Work, "shared.gitconfig")}, included by the repository's config, sets core.pager", reason);
    }

    [Fact]
    public void An_include_under_the_home_directory_is_expanded_against_it()
    {
        InitRepository(Work);
        AppendConfig(Work, "[include]\n\tpath = ~/extra.gitconfig");
        File.WriteAllText(Path.Join(Home, "extra.gitconfig"), "[diff]\n\texternal = /tmp/marker\n");

        Assert.Equal($"{Path.Join(Home, "extra.gitconfig")}, included by the repository's config, sets diff.external", Check(Work));
    }

    [Fact]
    public void An_include_if_is_followed_whatever_its_condition()
    {
        InitRepository(Work);
        AppendConfig(Work, "[includeIf \"gitdir:/nowhere/\"]\n\tpath = /" + Path.Join(Work, "cond.gitconfig").TrimStart('/'));
        File.WriteAllText(Path.Join(Work, "cond.gitconfig"), "[filter \"x\"]\n\tclean = /tmp/marker\n");

        Assert.EndsWith("included by the repository's config, sets filter.x.clean", Check(Work));
    }

    [Fact]
    public void Nested_includes_are_followed_and_named_after_the_top_file()
    {
        InitRepository(Work);
        AppendConfig(Work, "[include]\n\tpath = ../a.gitconfig");
        File.WriteAllText(Path.Join(Work, "a.gitconfig"), "[include]\n\tpath = b.gitconfig\n");
        File.WriteAllText(Path.Join(Work, "b.gitconfig"), "[alias]\n\tx = !/tmp/marker\n");

        Assert.Equal($"{Path.Join(Work, "b.gitconfig")}, included by the repository's config, sets alias.x", Check(Work));
    }

    [Fact]
    public void A_missing_include_is_ignored_as_git_ignores_it()
    {
        InitRepository(Work);
        AppendConfig(Work, "[include]\n\tpath = ../missing.gitconfig");

        Assert.Null(Check(Work));
    }

    [Fact]
    public void An_include_cycle_is_reported()
    {
        InitRepository(Work);
        AppendConfig(Work, "[include]\n\tpath = ../a.gitconfig");
        File.WriteAllText(Path.Join(Work, "a.gitconfig"), "[include]\n\tpath = b.gitconfig\n");
        File.WriteAllText(Path.Join(Work, "b.gitconfig"), "[include]\n\tpath = a.gitconfig\n");

        Assert.EndsWith("includes itself", Check(Work));
    }

    [Fact]
    public void Includes_nested_deeper_than_git_allows_are_reported()
    {
        InitRepository(Work);
        AppendConfig(Work, "[include]\n\tpath = ../0.gitconfig");
        for (var i = 0; i < 12; i++)
        {
            File.WriteAllText(Path.Join(Work, $"{i}.gitconfig"), $"[include]\n\tpath = {i + 1}.gitconfig\n");
        }

        Assert.EndsWith("nests includes deeper than 10", Check(Work));
    }

    [Fact]
    public void An_include_that_is_a_fifo_is_reported_without_waiting_for_a_writer()
    {
        InitRepository(Work);
        AppendConfig(Work, "[include]\n\tpath = ../fifo.gitconfig");
        Assert.Equal(0, HostCommand.Run(Work, "mkfifo", "fifo.gitconfig").ExitCode);

        Assert.Equal($"{Path.Join(Work, "fifo.gitconfig")}, included by the repository's config, cannot be read", Check(Work));
    }

    [Fact]
    public void A_config_that_cannot_be_read_is_reported()
    {
        // Tests may run as root, which reads any file whatever its mode; a directory in the config's place cannot be read by anyone.
        InitRepository(Work);
        File.Delete(Path.Join(Work, ".git", "config"));
        Directory.CreateDirectory(Path.Join(Work, ".git", "config"));

        Assert.Equal("the repository's config cannot be read", Check(Work));
    }

    [Fact]
    public void A_config_git_would_refuse_is_reported()
    {
        InitRepository(Work);
        AppendConfig(Work, "[core]\n\tpager = \"unterminated");

        Assert.StartsWith("the repository's config cannot be parsed", Check(Work));
    }

    [Fact]
    public void A_symlinked_config_is_followed()
    {
        InitRepository(Work);
        var real = Path.Join(Work, "real.gitconfig");
        File.WriteAllText(real, File.ReadAllText(Path.Join(Work, ".git", "config")) + "[core]\n\tpager = /tmp/marker\n");
        File.Delete(Path.Join(Work, ".git", "config"));
        File.CreateSymbolicLink(Path.Join(Work, ".git", "config"), real);

        Assert.Equal("the repository's config sets core.pager", Check(Work));
    }

    [Fact]
    public void A_global_config_inside_a_writable_root_is_read_like_the_repositorys()
    {
        var home = Path.Join(Work, "home");
        Directory.CreateDirectory(home);
        File.WriteAllText(Path.Join(home, ".gitconfig"), "[core]\n\tpager = /tmp/marker\n");

        var reason = GitRepositoryConfig.FindProgramSetting(Work, home, [Work]);

        Assert.Equal($"the global git config ({Path.Join(home, ".gitconfig")}), which lies in a writable directory, sets core.pager", reason);
    }

    [Fact]
    public void A_global_config_symlinked_into_a_writable_root_is_read_like_the_repositorys()
    {
        File.WriteAllText(Path.Join(Work, "dotfiles.gitconfig"), "[core]\n\tfsmonitor = /tmp/marker\n");
        Directory.CreateDirectory(Path.Join(Home, ".config", "git"));
        File.CreateSymbolicLink(Path.Join(Home, ".config", "git", "config"), Path.Join(Work, "dotfiles.gitconfig"));

        Assert.EndsWith("which lies in a writable directory, sets core.fsmonitor", Check(Work));
    }

    [Fact]
    public void A_global_config_outside_the_writable_roots_is_trusted()
    {
        InitRepository(Work);
        File.WriteAllText(Path.Join(Home, ".gitconfig"), "[core]\n\tpager = less\n[diff \"x\"]\n\ttextconv = cat\n");

        Assert.Null(Check(Work));
    }

    [Fact]
    public void A_file_a_trusted_global_config_includes_from_a_writable_root_is_read()
    {
        File.WriteAllText(Path.Join(Home, ".gitconfig"), $"[include]\n\tpath = {Path.Join(Work, "team.gitconfig")}\n");
        File.WriteAllText(Path.Join(Work, "team.gitconfig"), "[diff]\n\texternal = /tmp/marker\n");

        Assert.EndsWith("which lies in a writable directory, sets diff.external", Check(Work));
    }

    [Fact]
    public void A_Latin1_byte_in_a_trusted_global_config_does_not_hide_the_writable_file_it_includes()
    {
        // Found by a review: git reads a Latin-1 user.name without complaint, but this reader refused the whole file and
        // took it for one that includes nothing, so a workspace file it includes set core.fsmonitor with no question.
        InitRepository(Work);
        File.WriteAllBytes(Path.Join(Home, ".gitconfig"), [.. "[user]\n\tname = Jos"u8, 0xE9, .. Encoding.UTF8.GetBytes($"\n[include]\n\tpath = {Path.Join(Work, "team.gitconfig")}\n")]);
        File.WriteAllText(Path.Join(Work, "team.gitconfig"), "[core]\n\tfsmonitor = /tmp/marker\n");

        Assert.EndsWith("which lies in a writable directory, sets core.fsmonitor", Check(Work));
    }

    [Theory]
    [InlineData("[include]\n\tpath = ~nobody/team.gitconfig", "includes ~nobody/team.gitconfig, which this check cannot place")]
    [InlineData("[include]\n\tpath = %(prefix)/etc/team.gitconfig", "includes %(prefix)/etc/team.gitconfig, which this check cannot place")]
    [InlineData("[core]\n\thooksPath = ~nobody/.hooks", "sets core.hooksPath to ~nobody/.hooks, which this check cannot place")]
    [InlineData("[core]\n\thooksPath = .githooks", "sets core.hooksPath to .githooks, a directory of the work tree")]
    public void A_trusted_global_config_naming_a_file_or_hooks_the_check_cannot_place_outside_the_agents_reach_is_a_reason(string config, string expected)
    {
        // Found by a review: git expands ~user/ (and %(prefix)/), this check skipped it, and a workspace file included as
        // ~user/ws/team.gitconfig, or a hook planted under ~user/ws/.hooks, ran at the next git status with no question.
        InitRepository(Work);
        File.WriteAllText(Path.Join(Home, ".gitconfig"), config + "\n");

        Assert.Contains(expected, Check(Work), StringComparison.Ordinal);
    }

    [Fact]
    public void A_trusted_global_config_linked_to_the_null_device_is_empty()
    {
        // The usual way to switch the user's configuration off; a review found every git line refused as unreadable.
        InitRepository(Work);
        File.CreateSymbolicLink(Path.Join(Home, ".gitconfig"), "/dev/null");

        Assert.Null(Check(Work));
    }

    [Fact]
    public void A_trusted_global_hooks_path_in_a_writable_root_is_a_reason_and_one_outside_is_not()
    {
        InitRepository(Work);
        File.WriteAllText(Path.Join(Home, ".gitconfig"), $"[core]\n\thooksPath = {Path.Join(Home, "hooks")}\n");
        Assert.Null(Check(Work));

        File.WriteAllText(Path.Join(Home, ".gitconfig"), $"[core]\n\thooksPath = {Path.Join(Work, ".hooks")}\n");

        Assert.EndsWith("which lies in a writable directory, where the agent can put the hooks git runs", Check(Work));
    }

    [Fact]
    public void A_populated_submodule_whose_config_names_a_program_is_reported()
    {
        InitRepository(Work);
        var sub = Path.Join(Work, "sub");
        InitRepository(sub);
        Commit(sub);
        Git(Work, "add", "sub");
        Assert.Null(Check(Work));

        AppendConfig(sub, "[core]\n\tfsmonitor = /tmp/marker");

        Assert.Equal("submodule sub's config sets core.fsmonitor", Check(Work));
    }

    [Theory]
    [InlineData("--index-version", "2")]
    [InlineData("--index-version", "3")]
    [InlineData("--index-version", "4")]
    [InlineData("--split-index", "")]
    public void A_submodule_is_found_in_every_index_format(string option, string value)
    {
        InitRepository(Work);
        foreach (var path in new[] { "a/b/c.txt", "a/b/d.txt", "a/sub-neighbour.txt", "z.txt" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Join(Work, path))!);
            File.WriteAllText(Path.Join(Work, path), path);
        }

        var sub = Path.Join(Work, "a", "sub");
        InitRepository(sub);
        Commit(sub);
        AppendConfig(sub, "[diff]\n\texternal = /tmp/marker");
        Git(Work, "add", ".");
        Git(Work, "add", "-N", WriteFile(Work, "intent-to-add.txt")); // intent-to-add needs format 3's extended flags
        Git(Work, [.. new[] { "update-index", option, value }.Where(arg => arg.Length > 0)]);

        Assert.Equal("submodule a/sub's config sets diff.external", Check(Work));
    }

    [Fact]
    public void A_submodule_is_found_in_the_index_of_a_sha256_repository()
    {
        Directory.CreateDirectory(Work);
        Git(Work, "init", "-q", "--object-format=sha256", ".");
        var sub = Path.Join(Work, "sub");
        Directory.CreateDirectory(sub);
        Git(sub, "init", "-q", "--object-format=sha256", ".");
        Commit(sub);
        AppendConfig(sub, "[core]\n\tpager = /tmp/marker");
        File.WriteAllText(Path.Join(Work, "other.txt"), "x");
        Git(Work, "add", ".");

        Assert.Equal("submodule sub's config sets core.pager", Check(Work));
    }

    [Fact]
    public void A_submodule_of_a_submodule_is_checked_too()
    {
        InitRepository(Work);
        var sub = Path.Join(Work, "sub");
        InitRepository(sub);
        var inner = Path.Join(sub, "inner");
        InitRepository(inner);
        Commit(inner);
        AppendConfig(inner, "[core]\n\tpager = /tmp/marker");
        Git(sub, "add", "inner");
        Commit(sub);
        Git(Work, "add", "sub");

        Assert.Equal("submodule inner of submodule sub's config sets core.pager", Check(Work));
    }

    [Fact]
    public void A_submodule_added_after_a_check_is_seen_by_the_next_check()
    {
        InitRepository(Work);
        var sub = Path.Join(Work, "sub");
        InitRepository(sub);
        Commit(sub);
        AppendConfig(sub, "[core]\n\tpager = /tmp/marker");
        File.WriteAllText(Path.Join(Work, "other.txt"), "x");
        Git(Work, "add", "other.txt");
        Assert.Null(Check(Work));

        Git(Work, "add", "sub");

        Assert.Equal("submodule sub's config sets core.pager", Check(Work));
    }

    [Fact]
    public void A_gitlink_written_into_the_index_with_its_old_size_and_time_is_seen_by_the_next_check()
    {
        InitRepository(Work);
        var sub = Path.Join(Work, "sub");
        InitRepository(sub);
        Commit(sub);
        AppendConfig(sub, "[core]\n\tpager = /tmp/marker");
        Git(Work, "add", "sub");
        var index = Path.Join(Work, ".git", "index");
        var withGitlink = File.ReadAllBytes(index);

        // The same index with the one entry's mode (at byte 24 of the entry, after the 12-byte header) a regular file's.
        var withoutGitlink = (byte[])withGitlink.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(withoutGitlink.AsSpan(12 + 24), 0x81A4);
        File.WriteAllBytes(index, withoutGitlink);
        var writeTime = File.GetLastWriteTimeUtc(index);
        Assert.Null(Check(Work));

        // Rewritten in place, same size, the modification time put back: only the change time tells.
        File.WriteAllBytes(index, withGitlink);
        File.SetLastWriteTimeUtc(index, writeTime);

        Assert.Equal("submodule sub's config sets core.pager", Check(Work));
    }

    [Fact]
    public void A_config_rewritten_with_its_old_size_and_time_after_a_check_is_read_again()
    {
        InitRepository(Work);
        var config = Path.Join(Work, ".git", "config");
        File.AppendAllText(config, "[core]\n\tpaper = less\n");
        var writeTime = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc); // whole seconds: put back exactly below
        File.SetLastWriteTimeUtc(config, writeTime);

        Assert.Null(Check(Work));

        // Rewritten in place, same size, the modification time put back.
        File.WriteAllText(config, File.ReadAllText(config).Replace("paper", "pager", StringComparison.Ordinal));
        File.SetLastWriteTimeUtc(config, writeTime);

        Assert.Equal("the repository's config sets core.pager", Check(Work));
    }

    [Fact]
    public void A_git_file_rewritten_with_its_old_size_and_time_after_a_check_is_read_again()
    {
        // Two git directories whose paths have the same length: the .git file names the clean one, then the other.
        var clean = _temp.File("dir-a.git");
        var marked = _temp.File("dir-b.git");
        Git(_temp.Path, "init", "-q", "--bare", clean);
        Git(_temp.Path, "init", "-q", "--bare", marked);
        File.AppendAllText(Path.Join(marked, "config"), "[core]\n\tpager = /tmp/marker\n");
        var gitFile = Path.Join(Work, ".git");
        File.WriteAllText(gitFile, $"gitdir: {clean}\n");
        var writeTime = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc); // whole seconds: put back exactly below
        File.SetLastWriteTimeUtc(gitFile, writeTime);

        Assert.Null(Check(Work));

        // Rewritten in place, same size, the modification time put back.
        File.WriteAllText(gitFile, $"gitdir: {marked}\n");
        File.SetLastWriteTimeUtc(gitFile, writeTime);

        Assert.Equal("the repository's config sets core.pager", Check(Work));
    }

    [Fact]
    public void A_config_rewritten_through_a_shared_mapping_is_read_again_though_its_size_and_times_stay()
    {
        InitRepository(Work);
        var config = Path.Join(Work, ".git", "config");
        File.AppendAllText(config, "[core]\n\tpagxr = /tmp/marker\n");
        using var mapping = MemoryMappedFile.CreateFromFile(config, FileMode.Open, null, 0, MemoryMappedFileAccess.ReadWrite);
        using var view = mapping.CreateViewAccessor(0, 0, MemoryMappedFileAccess.ReadWrite);
        view.Write(0, view.ReadByte(0));
        Thread.Sleep(TimeSpan.FromSeconds(2.5));
        Assert.Null(Check(Work));

        view.Write(File.ReadAllText(config).IndexOf("pagxr", StringComparison.Ordinal) + 3, (byte)'e');
        view.Flush();

        Assert.Equal("the repository's config sets core.pager", Check(Work));
    }

    [Theory]
    [InlineData("[include]\n\tpath = /proc/self/cwd/evil.cfg", "a file included")]
    [InlineData("[includeIf \"gitdir:/\"]\n\tpath = /dev/fd/0", "a file included")]
    [InlineData("[include]\n\tpath = /proc/self/environ", "a file included")]
    [InlineData("[core]\n\tworktree = /proc/self/cwd", "core.worktree")]
    public void A_path_git_would_follow_through_proc_is_a_reason_whatever_this_process_finds_there(string config, string what)
    {
        // /proc/self/cwd is git's own working directory when git follows it (the top of the work tree) and this process's
        // here: evil.cfg may be missing here and name core.fsmonitor there.
        InitRepository(Work);
        AppendConfig(Work, config);

        var reason = Check(Path.Join(Work, "src"));

        Assert.NotNull(reason);
        Assert.EndsWith(Unfollowable, reason, StringComparison.Ordinal);
        Assert.Contains(what == "core.worktree" ? "core.worktree" : "included by", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_that_is_a_link_into_proc_or_a_gitfile_naming_proc_is_a_reason()
    {
        InitRepository(Work);
        var config = Path.Join(Work, ".git", "config");
        File.Delete(config);
        File.CreateSymbolicLink(config, "/proc/self/cwd/evil.cfg");

        Assert.Equal($"the repository's config ({config}) {Unfollowable}", Check(Work));

        var other = _temp.File("other");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Join(other, ".git"), "gitdir: /proc/self/cwd/sub/.git\n");

        Assert.Equal(
            $"the repository's git directory (/proc/self/cwd/sub/.git) {Unfollowable}",
            GitRepositoryConfig.FindProgramSetting(other, Home, [other]));
    }

    [Fact]
    public void An_include_through_a_link_and_dot_dot_is_read_where_git_reads_it_beside_the_link_s_target()
    {
        // .git/sub/lnk -> ../../x/y: git (the kernel) reads sub/lnk/../evil.cfg as x/evil.cfg; the text says .git/sub/evil.cfg.
        InitRepository(Work);
        Directory.CreateDirectory(Path.Join(Work, "x", "y"));
        Directory.CreateDirectory(Path.Join(Work, ".git", "sub"));
        File.CreateSymbolicLink(Path.Join(Work, ".git", "sub", "lnk"), "../../x/y");
        File.WriteAllText(Path.Join(Work, "x", "evil.cfg"), "[core]\n\tfsmonitor = /tmp/marker\n");
        AppendConfig(Work, "[include]\n\tpath = sub/lnk/../evil.cfg");

        Assert.Equal("/tmp/marker", GitConfigValue(Work, "core.fsmonitor"));
        Assert.Equal($"{Path.Join(Work, "x", "evil.cfg")}, included by the repository's config, sets core.fsmonitor", Check(Work));
    }

    [Fact]
    public void A_gitfile_through_a_link_and_dot_dot_names_the_repository_git_uses()
    {
        // lnk -> x/y: "gitdir: lnk/../marked.git" is x/marked.git to git; the text says marked.git beside lnk, a clean one.
        Directory.CreateDirectory(Path.Join(Work, "x", "y"));
        File.CreateSymbolicLink(Path.Join(Work, "lnk"), "x/y");
        Git(Work, "init", "-q", "--bare", Path.Join(Work, "marked.git"));
        Git(Work, "init", "-q", "--bare", Path.Join(Work, "x", "marked.git"));
        File.AppendAllText(Path.Join(Work, "x", "marked.git", "config"), "[core]\n\tfsmonitor = /tmp/marker\n");
        File.WriteAllText(Path.Join(Work, ".git"), "gitdir: lnk/../marked.git\n");

        Assert.Equal("the repository's config sets core.fsmonitor", Check(Work));
    }

    [Fact]
    public void A_commondir_through_a_link_and_dot_dot_names_the_common_directory_git_uses()
    {
        // A linked worktree's git directory whose commondir, "../../lnk/../marked.git", is x/marked.git to git.
        Directory.CreateDirectory(Path.Join(Work, "x", "y"));
        File.CreateSymbolicLink(Path.Join(Work, "lnk"), "x/y");
        Git(Work, "init", "-q", "--bare", Path.Join(Work, "marked.git"));
        Git(Work, "init", "-q", "--bare", Path.Join(Work, "x", "marked.git"));
        File.AppendAllText(Path.Join(Work, "x", "marked.git", "config"), "[core]\n\tfsmonitor = /tmp/marker\n");
        var tree = _temp.File("tree");
        Directory.CreateDirectory(tree);
        var worktreeGit = Path.Join(Work, "x", "wt.git");
        Directory.CreateDirectory(worktreeGit);
        File.WriteAllText(Path.Join(worktreeGit, "HEAD"), "ref: refs/heads/main\n");
        File.WriteAllText(Path.Join(worktreeGit, "commondir"), "../../lnk/../marked.git\n");
        File.WriteAllText(Path.Join(tree, ".git"), $"gitdir: {worktreeGit}\n");

        Assert.Equal("the repository's config sets core.fsmonitor", GitRepositoryConfig.FindProgramSetting(tree, Home, [Work, tree]));
    }

    [Fact]
    public void A_relative_include_inside_an_included_link_is_read_beside_the_link_as_git_reads_it()
    {
        // .git/a.cfg -> sub/real.cfg, which includes b.cfg: git reads .git/b.cfg (beside the link), not .git/sub/b.cfg.
        InitRepository(Work);
        Directory.CreateDirectory(Path.Join(Work, ".git", "sub"));
        File.WriteAllText(Path.Join(Work, ".git", "sub", "real.cfg"), "[include]\n\tpath = b.cfg\n");
        File.CreateSymbolicLink(Path.Join(Work, ".git", "a.cfg"), "sub/real.cfg");
        File.WriteAllText(Path.Join(Work, ".git", "b.cfg"), "[core]\n\tfsmonitor = /tmp/marker\n");
        AppendConfig(Work, "[include]\n\tpath = a.cfg");

        Assert.Equal("/tmp/marker", GitConfigValue(Work, "core.fsmonitor"));
        Assert.EndsWith("sets core.fsmonitor", Check(Work), StringComparison.Ordinal);
    }

    [Fact]
    public void A_decoy_core_worktree_git_does_not_read_hides_no_submodule()
    {
        // git takes core.worktree from the repository's own config only; config.worktree counts only with
        // extensions.worktreeConfig, so git status still runs git in sub, whose config names a program.
        InitRepository(Work);
        var sub = Path.Join(Work, "sub");
        InitRepository(sub);
        Commit(sub);
        AppendConfig(sub, "[core]\n\tfsmonitor = /tmp/marker");
        Git(Work, "add", "sub");
        File.WriteAllText(Path.Join(Work, ".git", "config.worktree"), $"[core]\n\tworktree = {_temp.File("decoy")}\n");

        Assert.Equal("submodule sub's config sets core.fsmonitor", Check(Work));
    }

    [Fact]
    public void A_bare_repository_whose_HEAD_is_a_link_to_refs_heads_is_checked()
    {
        var bare = Path.Join(Work, "b.git");
        Git(Work, "init", "-q", "--bare", bare);
        File.Delete(Path.Join(bare, "HEAD"));
        File.CreateSymbolicLink(Path.Join(bare, "HEAD"), "refs/heads");
        File.AppendAllText(Path.Join(bare, "config"), "[core]\n\tfsmonitor = /tmp/marker\n");

        Assert.Equal("the repository's config sets core.fsmonitor", Check(bare));
    }

    [Fact]
    public void A_gitdir_line_keeps_its_trailing_space_as_git_does()
    {
        // "gitdir: ../evil " names the directory "evil " (git strips \n and \r only).
        var marked = _temp.File("evil ");
        Git(_temp.Path, "init", "-q", "--bare", marked);
        File.AppendAllText(Path.Join(marked, "config"), "[core]\n\tfsmonitor = /tmp/marker\n");
        var tree = Path.Join(Work, "d");
        Directory.CreateDirectory(tree);
        File.WriteAllText(Path.Join(tree, ".git"), $"gitdir: {marked}\n");

        Assert.Equal("the repository's config sets core.fsmonitor", Check(tree));
    }

    [Fact]
    public void A_path_that_is_not_UTF_8_is_a_reason_not_a_replacement_character()
    {
        // Decoded loosely, "ev\xff" would name "ev\uFFFD", a file that does not exist; git uses the bytes.
        InitRepository(Work);
        File.AppendAllBytes(Path.Join(Work, ".git", "config"), [.. "[include]\n\tpath = ev"u8, 0xFF, .. ".cfg\n"u8]);

        Assert.Contains("cannot be parsed (", Check(Work), StringComparison.Ordinal);

        var tree = Path.Join(Work, "d");
        Directory.CreateDirectory(tree);
        File.WriteAllBytes(Path.Join(tree, ".git"), [.. "gitdir: ../ev"u8, 0xFF, (byte)'\n']);

        Assert.Equal($"the repository's .git file cannot be read ({Path.Join(tree, ".git")})", Check(tree));
    }

    [Fact]
    public void A_decoy_repository_git_refuses_does_not_hide_the_one_above_it()
    {
        // git reads 255 bytes of HEAD: with 300 spaces after "ref:" the inner repository is not one to git, which walks
        // on up to Work's, whose config names a program.
        var inner = NestedRepositoryInsideOneThatNamesAProgram();
        File.WriteAllText(Path.Join(inner, ".git", "HEAD"), "ref:" + new string(' ', 300) + "refs/heads/main\n");

        Assert.Equal("/tmp/marker", Git(inner, "config", "core.pager").Trim());
        Assert.Equal("the repository's config sets core.pager", Check(inner));
    }

    [Fact]
    public void An_absorbed_submodule_repository_under_modules_is_read()
    {
        InitRepository(Work);
        var module = Path.Join(Work, ".git", "modules", "libs", "x");
        Git(Work, "init", "-q", "--bare", module);
        File.AppendAllText(Path.Join(module, "config"), "[diff]\n\texternal = /tmp/marker\n");

        Assert.Equal("submodule repository libs/x's config sets diff.external", Check(Work));
    }

    [Fact]
    public void A_post_index_change_hook_is_reported_because_git_status_runs_it()
    {
        InitRepository(Work);
        File.WriteAllText(Path.Join(Work, ".git", "hooks", "post-index-change"), "#!/bin/sh\n");

        Assert.Equal("the repository has a post-index-change hook, which git inspection can run", Check(Work));
    }

    [Theory]
    [InlineData("[core]\n\tpager = a ; comment\n\teditor = \"b # not a comment\"\n")]
    [InlineData("[a \"Sub \\\"x\\\" \\\\ y\"]\n\tKey = v\n[b.C]\n\tk2\n")]
    [InlineData("\uFEFF# comment\n; another\n[x] y = 1\n[x]\ty = \"two\\tparts\\n\" three \\\n four\n")]
    [InlineData("[core]\r\n\tpager = x\r\n[s]\n\tk = v\\\\\n\tk-2 = \"\"\n")]
    public void The_reader_finds_the_same_keys_and_values_as_git(string config)
    {
        var file = Path.Join(Work, "probe.gitconfig");
        File.WriteAllText(file, config, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));

        var entries = GitConfigFileReader.ReadFileIfExists(file);

        Assert.NotNull(entries);
        Assert.Equal(GitConfigList(file), entries.Select(entry => (entry.Key, entry.Value)));
    }

    [Fact]
    public async Task A_HEAD_that_is_a_fifo_is_no_valid_HEAD_and_is_read_without_waiting_for_a_writer()
    {
        // Arrange: a nested repository whose HEAD is a FIFO, below a repository whose config names a pager.
        InitRepository(Work);
        AppendConfig(Work, "[core]\n\tpager = /tmp/marker");
        var nested = Path.Join(Work, "sub");
        InitRepository(nested);
        File.Delete(Path.Join(nested, ".git", "HEAD"));
        Assert.Equal(0, HostCommand.Run(Path.Join(nested, ".git"), "mkfifo", "HEAD").ExitCode);

        // Act: bounded, so a reader that waits for a writer fails the test instead of hanging the run.
        var reason = await Task.Run(() => Check(nested)).WaitAsync(TimeSpan.FromSeconds(15));

        // Assert: git finds no valid HEAD there and goes on upwards; so does the check.
        Assert.Equal("the repository's config sets core.pager", reason);
    }

    [Fact]
    public void A_HEAD_that_is_a_link_outside_refs_is_no_valid_HEAD_even_when_its_target_reads_as_one()
    {
        // Arrange: HEAD links to a file whose text is a valid ref; git judges a link by its target, not its content.
        InitRepository(Work);
        AppendConfig(Work, "[core]\n\tpager = /tmp/marker");
        var nested = Path.Join(Work, "sub");
        InitRepository(nested);
        File.Move(Path.Join(nested, ".git", "HEAD"), Path.Join(nested, ".git", "HEAD.real"));
        File.CreateSymbolicLink(Path.Join(nested, ".git", "HEAD"), "HEAD.real");

        // Act and Assert: not a repository by git's test, so the walk goes on to the parent.
        Assert.Equal("the repository's config sets core.pager", Check(nested));
    }

    [Fact]
    public void A_config_linked_to_a_device_is_reported_unreadable()
    {
        // /dev/zero opens, seeks and reads as empty: only the type test, made before any open, refuses it.
        InitRepository(Work);
        File.Delete(Path.Join(Work, ".git", "config"));
        File.CreateSymbolicLink(Path.Join(Work, ".git", "config"), "/dev/zero");

        Assert.Equal("the repository's config cannot be read", Check(Work));
    }

    [Fact]
    public void A_repository_whose_dot_git_is_a_link_is_read_through_it()
    {
        // Arrange: .git links to a repository outside the workspace whose config names a pager.
        var outside = Path.Join(Home, "repo");
        InitRepository(outside);
        AppendConfig(outside, "[core]\n\tpager = /tmp/marker");
        File.CreateSymbolicLink(Path.Join(Work, ".git"), Path.Join(outside, ".git"));

        // Act and Assert
        Assert.Equal("the repository's config sets core.pager", Check(Work));
    }

    [Fact]
    public void A_hook_added_between_two_checks_is_seen_by_the_second()
    {
        // What one check learns of the file system is never remembered into the next: the agent may change it between two lines.
        InitRepository(Work);
        Assert.Null(Check(Work));

        File.WriteAllText(Path.Join(Work, ".git", "hooks", "post-index-change"), "#!/bin/sh\n");

        Assert.Equal("the repository has a post-index-change hook, which git inspection can run", Check(Work));
    }

    private const string Unfollowable = "cannot be followed as git will follow it: it goes through /proc (whose files depend on the process that reads them) or cannot be resolved";

    private string? Check(string directory) => GitRepositoryConfig.FindProgramSetting(directory, Home, [Work]);

    // As Check, with Work out of the agent's reach: there git's own choice of repository is followed.
    private string? CheckWithWorkReadOnly(string directory) => GitRepositoryConfig.FindProgramSetting(directory, Home, [_temp.File("elsewhere")]);

    private static string GitConfigValue(string directory, string key) => Git(directory, "config", key).Trim();

    // A repository inside Work, whose HEAD is valid: git selects it. With an invalid HEAD git walks on up to Work's
    // repository, whose configuration names a program.
    private string NestedRepositoryInsideOneThatNamesAProgram()
    {
        InitRepository(Work);
        AppendConfig(Work, "[core]\n\tpager = /tmp/marker");
        var inner = Path.Join(Work, "inner");
        InitRepository(inner);
        File.WriteAllText(Path.Join(inner, ".git", "HEAD"), "ref: refs/heads/main\n");
        return inner;
    }

    private static void InitRepository(string directory)
    {
        Directory.CreateDirectory(directory);
        Git(directory, "init", "-q", ".");
    }

    private static void Commit(string directory)
    {
        File.WriteAllText(Path.Join(directory, "file.txt"), "content\n");
        Git(directory, "add", "file.txt");
        Git(directory, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "first");
    }

    private static string WriteFile(string directory, string name)
    {
        File.WriteAllText(Path.Join(directory, name), name);
        return name;
    }

    // An index file ends with the SHA-1 of what precedes it, which git checks on reading.
#pragma warning disable CA5350 // git's own choice of hash, not a security use
    private static byte[] WithIndexChecksum(byte[] body) => [.. body, .. System.Security.Cryptography.SHA1.HashData(body)];
#pragma warning restore CA5350

    private static void AppendConfig(string repository, string text) =>
        File.AppendAllText(Path.Join(repository, ".git", "config"), text + "\n");

    // git's own reading of a file: (key, value) pairs, a bare key with a null value.
    private static List<(string Key, string? Value)> GitConfigList(string file)
    {
        var output = Git(Path.GetDirectoryName(file)!, "config", "--file", file, "--list", "-z");
        return output.Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(item => item.IndexOf('\n', StringComparison.Ordinal) is var newline and >= 0
                ? (item[..newline], (string?)item[(newline + 1)..])
                : (item, null))
            .ToList();
    }

    private static List<string> GitConfigKeys(string file) => GitConfigList(file).Select(pair => pair.Key).ToList();

    private static string Git(string directory, params string[] args) => HostCommand.Git(directory, args);
}
