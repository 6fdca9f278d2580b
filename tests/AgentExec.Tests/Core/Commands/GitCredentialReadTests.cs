using AgentExec.Core.Commands;
using AgentExec.Tests.TestSupport;

namespace AgentExec.Tests.Core.Commands;

/// <summary>
/// git lines judged known-safe that read a credential where no sandbox hides it (<c>danger-full-access</c>, Landlock):
/// each found by an attack, each against a real repository made by real git (SPEC.md "Policy", step 3a).
/// </summary>
public sealed class GitCredentialReadTests : IDisposable
{
    private readonly ProofMachine machine = new();

    public GitCredentialReadTests()
    {
        File.WriteAllText(Path.Combine(machine.Home, ".netrc"), "machine example.com login u password SECRET");
    }

    private string Key => Path.Combine(machine.Home, ".ssh", "id_rsa");

    private string Netrc => Path.Combine(machine.Home, ".netrc");

    private string GitDirectory => Path.Combine(machine.Workspace, ".git");

    public void Dispose() => machine.Dispose();

    [Theory]
    [InlineData("git status", "BISECT_START")]
    [InlineData("git log --oneline", "packed-refs")]
    [InlineData("git log --oneline", "shallow")]
    [InlineData("git log --oneline", "info/grafts")]
    [InlineData("git log --oneline", "objects/info/alternates")]
    [InlineData("git log --oneline", "objects/pack/multi-pack-index")]
    [InlineData("git status", "rebase-merge/head-name")]
    [InlineData("git status", "sequencer/todo")]
    [InlineData("git status", "MERGE_MSG")]
    [InlineData("git status", "CHERRY_PICK_HEAD")]
    [InlineData("git log --oneline --all", "refs/heads/planted")]
    [InlineData("git reflog", "logs/HEAD")]
    public void A_state_file_in_the_git_directory_that_is_a_link_keeps_git_from_being_known_safe(string line, string stateFile)
    {
        // Found by an attack: with .git/BISECT_START a link to a key, git status printed "You are currently bisecting,
        // started from branch '<the key>'"; packed-refs, shallow and info/grafts are quoted in git's own errors.
        InitRepository();
        var planted = Path.Combine(GitDirectory, stateFile);
        Directory.CreateDirectory(Path.GetDirectoryName(planted)!);
        File.Delete(planted);
        File.CreateSymbolicLink(planted, Key);
        File.WriteAllText(Path.Combine(GitDirectory, "BISECT_LOG"), string.Empty);

        var analysis = machine.Analyze(line, credentialsHidden: false);

        Assert.False(KnownSafeJudge.IsKnownSafe(analysis));
        Assert.Contains(analysis.Parts, part => part.Program == "git" && part.Reason.Contains("symbolic link", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("rebase-merge")]
    [InlineData("refs/tags")]
    [InlineData("logs")]
    [InlineData("info")]
    public void A_directory_in_the_git_directory_that_is_a_link_keeps_git_from_being_known_safe(string directory)
    {
        InitRepository();
        var planted = Path.Combine(GitDirectory, directory);
        if (Directory.Exists(planted))
        {
            Directory.Delete(planted, recursive: true);
        }

        Directory.CreateSymbolicLink(planted, Path.Combine(machine.Home, ".ssh"));

        var analysis = machine.Analyze("git status", credentialsHidden: false);

        Assert.False(KnownSafeJudge.IsKnownSafe(analysis));
        Assert.Contains(analysis.Parts, part => part.Program == "git" && part.Reason.Contains("symbolic link", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("git log --oneline", 1)]
    [InlineData("git status", 1)]
    [InlineData("git log --oneline", 3)]
    public void An_alternate_object_directory_whose_alternates_is_a_link_keeps_git_from_being_known_safe(string line, int chain)
    {
        // Found by an attack: .git/objects/info/alternates named alt1/ in the workspace (outside the git directory),
        // whose info/alternates was a link to ~/.netrc; git log read it as a list of object directories and printed
        // each line in "object directory <line> does not exist". git follows alternates of alternates too.
        InitRepository();
        for (var i = 1; i <= chain; i++)
        {
            Directory.CreateDirectory(Path.Combine(machine.Workspace, $"alt{i}", "info"));
            var listing = Path.Combine(machine.Workspace, $"alt{i}", "info", "alternates");
            if (i < chain)
            {
                File.WriteAllText(listing, $"../alt{i + 1}\n");
            }
            else
            {
                File.CreateSymbolicLink(listing, Netrc);
            }
        }

        File.WriteAllText(Path.Combine(GitDirectory, "objects", "info", "alternates"), "../../alt1\n");

        var analysis = machine.Analyze(line, credentialsHidden: false);

        Assert.False(KnownSafeJudge.IsKnownSafe(analysis));
        Assert.Contains(analysis.Parts, part => part.Program == "git" && part.Reason.Contains("borrows objects", StringComparison.Ordinal));
    }

    [Fact]
    public void An_alternate_object_directory_whose_pack_holds_a_link_keeps_git_from_being_known_safe()
    {
        // git quotes the first four bytes of a multi-pack-index it cannot read, in an alternate as in the git directory.
        InitRepository();
        Directory.CreateDirectory(Path.Combine(machine.Workspace, "alt", "pack"));
        File.CreateSymbolicLink(Path.Combine(machine.Workspace, "alt", "pack", "multi-pack-index"), Key);
        File.WriteAllText(Path.Combine(GitDirectory, "objects", "info", "alternates"), "../../alt\n");

        var analysis = machine.Analyze("git log --oneline", credentialsHidden: false);

        Assert.False(KnownSafeJudge.IsKnownSafe(analysis));
        Assert.Contains(analysis.Parts, part => part.Program == "git" && part.Reason.Contains("pack/", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("git cat-file -p 0000")]
    [InlineData("git show 0000")]
    [InlineData("git log --oneline")]
    public void An_alternate_object_directory_in_a_credential_location_keeps_git_from_being_known_safe(string line)
    {
        // Found by an attack: .git/objects/info/alternates named ~/.password-store/.git/objects, and git cat-file -p with a
        // short id printed a password file committed there (git finds a short id in every alternate).
        var store = Path.Combine(machine.Home, ".password-store");
        Directory.CreateDirectory(store);
        HostCommand.Git(store, "init", "-q", ".");
        InitRepository();
        File.WriteAllText(Path.Combine(GitDirectory, "objects", "info", "alternates"), Path.Combine(store, ".git", "objects") + "\n");

        var analysis = machine.Analyze(line, credentialsHidden: false);

        Assert.False(KnownSafeJudge.IsKnownSafe(analysis));
        Assert.Contains(analysis.Parts, part => part.Program == "git" && part.Reason.Contains("credential location", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("gitdir")]
    [InlineData("commondir")]
    public void A_git_directory_in_a_credential_location_keeps_git_from_being_known_safe(string named)
    {
        // Found by an attack: a .git file "gitdir: ~/.password-store/.git" in the workspace made git log -p print the
        // password files committed there; a linked worktree's commondir naming it did the same.
        var store = Path.Combine(machine.Home, ".password-store");
        Directory.CreateDirectory(store);
        HostCommand.Git(store, "init", "-q", ".");
        var storeGitDirectory = Path.Combine(store, ".git");
        if (named == "gitdir")
        {
            File.WriteAllText(Path.Combine(machine.Workspace, ".git"), $"gitdir: {storeGitDirectory}\n");
        }
        else
        {
            var worktree = Path.Combine(machine.Workspace, "wt");
            Directory.CreateDirectory(worktree);
            File.WriteAllText(Path.Combine(worktree, "commondir"), storeGitDirectory + "\n");
            File.WriteAllText(Path.Combine(worktree, "HEAD"), "ref: refs/heads/master\n");
            File.WriteAllText(Path.Combine(machine.Workspace, ".git"), "gitdir: wt\n");
        }

        var analysis = machine.Analyze("git log -p", credentialsHidden: false);

        Assert.False(KnownSafeJudge.IsKnownSafe(analysis));
        Assert.Contains(analysis.Parts, part => part.Program == "git" && part.Reason.Contains("credential location", StringComparison.Ordinal));
    }

    [Fact]
    public void A_repository_that_borrows_objects_from_another_stays_known_safe()
    {
        // git clone --shared and --reference write objects/info/alternates naming the other repository's objects.
        var library = Path.Combine(machine.Home, "library");
        Directory.CreateDirectory(library);
        HostCommand.Git(library, "init", "-q", ".");
        InitRepository();
        File.WriteAllText(Path.Combine(GitDirectory, "objects", "info", "alternates"), "# borrowed\n" + Path.Combine(library, ".git", "objects") + "\n");

        var analysis = machine.Analyze("git log --oneline", credentialsHidden: false);

        Assert.True(KnownSafeJudge.IsKnownSafe(analysis), string.Join("; ", analysis.Parts.Select(part => part.Reason)));
    }

    [Fact]
    public void A_hook_that_is_a_link_and_a_repository_with_loose_objects_stay_known_safe()
    {
        // Hooks are programs (checked as such where git inspection can run one), never printed by a read; a linked
        // pre-commit hook is a common set-up.
        InitRepository();
        File.WriteAllText(Path.Combine(machine.Workspace, "hook.sh"), "#!/bin/sh\n");
        File.CreateSymbolicLink(Path.Combine(GitDirectory, "hooks", "pre-commit"), Path.Combine(machine.Workspace, "hook.sh"));

        var analysis = machine.Analyze("git log --oneline -5", credentialsHidden: false);

        Assert.True(KnownSafeJudge.IsKnownSafe(analysis), string.Join("; ", analysis.Parts.Select(part => part.Reason)));
    }

    [Fact]
    public void A_git_directory_with_more_entries_than_the_walk_reads_is_not_known_safe()
    {
        InitRepository();
        var crowded = Path.Combine(GitDirectory, "refs", "crowd");
        Directory.CreateDirectory(crowded);
        for (var i = 0; i <= GitDirectoryLinks.MaximumEntries; i++)
        {
            File.WriteAllText(Path.Combine(crowded, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), string.Empty);
        }

        var analysis = machine.Analyze("git status", credentialsHidden: false);

        Assert.False(KnownSafeJudge.IsKnownSafe(analysis));
        Assert.Contains(analysis.Parts, part => part.Program == "git" && part.Reason.Contains("entries", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("git diff")]
    [InlineData("git diff --stat")]
    [InlineData("git grep SECRET")]
    public void A_core_worktree_that_moves_the_work_tree_elsewhere_keeps_git_from_being_known_safe(string line)
    {
        // Found by an attack: core.worktree pointed at the home and an index entry named .netrc; git diff and git grep
        // then printed ~/.netrc.
        InitRepository();
        HostCommand.Git(machine.Workspace, "config", "core.worktree", machine.Home);
        var blob = HostCommand.Git(machine.Workspace, "hash-object", "-w", "README.md").Trim();
        HostCommand.Git(machine.Workspace, "update-index", "--add", "--cacheinfo", $"100644,{blob},.netrc");

        var analysis = machine.Analyze(line, credentialsHidden: false);

        Assert.False(KnownSafeJudge.IsKnownSafe(analysis));
        Assert.Contains(analysis.Parts, part => part.Program == "git" && part.Reason.Contains("core.worktree", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("git -C lib status")]
    [InlineData("cd lib && git diff")]
    [InlineData("git status")]
    public void A_submodule_whose_core_worktree_points_back_at_it_stays_known_safe(string line)
    {
        // git submodule sets core.worktree in .git/modules/lib/config to the submodule's own directory.
        var library = Path.Combine(machine.Home, "library");
        Directory.CreateDirectory(library);
        HostCommand.Git(library, "init", "-q", ".");
        File.WriteAllText(Path.Combine(library, "x.txt"), "x");
        HostCommand.Git(library, "add", "x.txt");
        HostCommand.Git(library, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "lib");
        InitRepository();
        HostCommand.Git(machine.Workspace, "-c", "protocol.file.allow=always", "submodule", "add", "-q", library, "lib");

        var analysis = machine.Analyze(line, credentialsHidden: false);

        Assert.True(KnownSafeJudge.IsKnownSafe(analysis), string.Join("; ", analysis.Parts.Select(part => part.Reason)));
    }

    [Theory]
    [InlineData("git grep SECRET")]
    [InlineData("git grep -h -e SECRET -- h")]
    public void Git_grep_over_a_work_tree_with_a_link_to_a_directory_reads_through_it(string line)
    {
        // Found by an attack: an index entry h/.netrc and a link h -> the home; git grep followed the link
        // (grep -r SECRET h is already a credential read).
        InitRepository();
        var blob = HostCommand.Git(machine.Workspace, "hash-object", "-w", "README.md").Trim();
        HostCommand.Git(machine.Workspace, "update-index", "--add", "--cacheinfo", $"100644,{blob},h/.netrc");
        Directory.CreateSymbolicLink(Path.Combine(machine.Workspace, "h"), machine.Home);

        var analysis = machine.Analyze(line, credentialsHidden: false);

        Assert.False(KnownSafeJudge.IsKnownSafe(analysis));
        Assert.Contains(analysis.Parts, part => part.Program == "git" && part.Safety == CommandSafety.Dangerous);
    }

    [Theory]
    [InlineData("git blame --ignore-revs-file n README.md")]
    [InlineData("git blame --ignore-revs-file=n README.md")]
    [InlineData("git blame -S n README.md")]
    [InlineData("git blame -Sn README.md")]
    [InlineData("git grep -f n")]
    public void A_file_git_opens_from_the_repository_top_is_checked_there_too(string line)
    {
        // Found by an attack: run from a subdirectory, git blame opens --ignore-revs-file and -S relative to the
        // repository's top, where n was a link to ~/.netrc.
        InitRepository();
        var sub = Path.Combine(machine.Workspace, "sub");
        Directory.CreateDirectory(sub);
        File.CreateSymbolicLink(Path.Combine(machine.Workspace, "n"), Netrc);
        var context = machine.Context(credentialsHidden: false) with { WorkingDirectory = sub, WritableRoots = [sub] };

        var analysis = CommandAnalyzer.Analyze(line, context);

        Assert.False(KnownSafeJudge.IsKnownSafe(analysis));
        Assert.Contains(analysis.Parts, part => part.Program == "git" && part.Safety == CommandSafety.Dangerous);
    }

    [Theory]
    [InlineData("git log --remerge-diff", "--remerge-diff")]
    [InlineData("git log --remerge", "--remerge")]
    [InlineData("git show --remerge-diff HEAD", "--remerge-diff")]
    [InlineData("git log --diff-merges=remerge", "remerge")]
    [InlineData("git log --diff-merges=r", "remerge")]
    [InlineData("git log --diff-merges remerge", "remerge")]
    [InlineData("git log -Oorder -p", "-O")]
    [InlineData("git diff -O order", "-O")]
    public void Git_options_that_write_objects_or_read_an_order_file_are_refused(string line, string named)
    {
        // --remerge-diff writes objects into .git/objects/tmp_objdir-remerge-diff-*; -O reads a file of patterns.
        var analysis = machine.Analyze(line);

        Assert.False(KnownSafeJudge.IsKnownSafe(analysis));
        Assert.Contains(analysis.Parts, part => part.Program == "git" && part.Reason.Contains(named, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("git diff", true)]
    [InlineData("git diff HEAD", true)]
    [InlineData("git status -vv", true)]
    [InlineData("cd sub && git diff", true)]
    [InlineData("git diff --cached", false)]
    [InlineData("git diff -- --cached :/", true)]
    [InlineData("git diff HEAD -- --staged ./", true)]
    [InlineData("git status", false)]
    public void Git_diff_of_the_work_tree_prints_a_tracked_credential_as_it_now_is(string line, bool reads)
    {
        // Found by an attack under Landlock and danger-full-access: git diff printed a tracked .env's uncommitted
        // +TOKEN=… with no question (only git grep was looked at as a reader of the work tree).
        InitRepository();
        File.WriteAllText(Path.Combine(machine.Workspace, ".env"), "TOKEN=committed\n");
        Directory.CreateDirectory(Path.Combine(machine.Workspace, "sub"));
        HostCommand.Git(machine.Workspace, "add", ".env");
        HostCommand.Git(machine.Workspace, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "env");
        File.WriteAllText(Path.Combine(machine.Workspace, ".env"), "TOKEN=live\n");

        var unhidden = machine.Analyze(line, credentialsHidden: false);
        var hidden = machine.Analyze(line, credentialsHidden: true);

        Assert.Equal(reads, unhidden.Parts.Any(part => part.Program == "git" && part.Safety == CommandSafety.Dangerous));
        Assert.DoesNotContain(hidden.Parts, part => part.Safety == CommandSafety.Dangerous);
    }

    [Theory]
    [InlineData("git cat-file --batch <<< HEAD:.env")]
    [InlineData("xargs git show <<< HEAD:.env")]
    public void A_committed_credential_named_in_the_input_git_reads_names_from_is_a_read_no_sandbox_hides(string line)
    {
        // Found by an attack: the committed .env came out of git cat-file --batch fed HEAD:.env on its input, with no question.
        InitRepository();
        File.WriteAllText(Path.Combine(machine.Workspace, ".env"), "TOKEN=committed\n");
        HostCommand.Git(machine.Workspace, "add", ".env");
        HostCommand.Git(machine.Workspace, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "env");

        var hidden = machine.Analyze(line, credentialsHidden: true);

        Assert.Contains(hidden.Parts, part => part.Program == "git" && part.Safety == CommandSafety.Dangerous);
    }

    [Fact]
    public void Git_diff_of_a_work_tree_with_no_credential_stays_known_safe()
    {
        InitRepository();

        Assert.True(KnownSafeJudge.IsKnownSafe(machine.Analyze("git diff", credentialsHidden: false)));
    }

    private void InitRepository()
    {
        HostCommand.Git(machine.Workspace, "init", "-q", ".");
        HostCommand.Git(machine.Workspace, "add", "README.md", "a.c");
        HostCommand.Git(machine.Workspace, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "first");
    }
}
