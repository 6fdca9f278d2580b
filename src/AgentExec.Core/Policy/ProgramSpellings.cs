using static AgentExec.Core.Policy.OptionSpelling;

namespace AgentExec.Core.Policy;

/// <summary>
/// The table rule matching reads command lines by (SPEC.md "Policy", "When in doubt, a tightening rule
/// matches"): per program, the global options skipped before matching and whether they take a value, the
/// spellings of one option that compare equal, and the aliases of subcommands. docs/rules.md shows it.
/// </summary>
/// <remarks>
/// An option missing here is not a hole: the matcher reads an unknown option both as taking the next
/// word and as not taking it, and a tightening rule matches when either reading matches. What must be
/// right is every <see cref="OptionArity.Required"/> entry: one that wrongly takes a value could hide
/// a compared word. The entries follow each program's own manual (git(1), git-push(1), GNU coreutils,
/// GNU sed and findutils, curl(1), npm's command list and config, docker(1), kubectl's global options).
/// </remarks>
internal static class ProgramSpellings
{
    private static readonly Dictionary<string, ProgramSpelling> Table = Build();

    /// <summary>Every program in the table, in the order the docs list them.</summary>
    public static IReadOnlyList<ProgramSpelling> All { get; } = [.. Table.Values];

    /// <summary>The spelling of <paramref name="program"/>, or null when the table does not know it.</summary>
    public static ProgramSpelling? Find(string program) => Table.GetValueOrDefault(program);

    private static Dictionary<string, ProgramSpelling> Build()
    {
        var recursive = Flag("-R", "--recursive");
        ProgramSpelling[] programs =
        [
            Git(),
            new("rm", new([
                Flag("-f", "--force"),
                Flag("-i"),
                Flag("-I"),
                Optional("--interactive"),
                Flag("--one-file-system"),
                Flag("--no-preserve-root"),
                Optional("--preserve-root"),
                Flag("-r", "-R", "--recursive"),
                Flag("-d", "--dir"),
                Flag("-v", "--verbose"),
                Flag("--help"),
                Flag("--version"),
            ])),
            new("chmod", new([
                Flag("-c", "--changes"),
                Flag("-f", "--silent", "--quiet"),
                Flag("-v", "--verbose"),
                Flag("--no-preserve-root"),
                Flag("--preserve-root"),
                Valued("--reference"),
                recursive,
            ])),
            new("chown", new([.. OwnerOptions(), Valued("--from")])),
            new("chgrp", new(OwnerOptions())),
            new("find", Find()),
            new("sed", new([
                Flag("-n", "--quiet", "--silent"),
                Flag("--debug"),
                Valued("-e", "--expression"),
                Valued("-f", "--file"),
                Flag("--follow-symlinks"),
                Optional("-i", "--in-place"),
                Valued("-l", "--line-length"),
                Flag("--posix"),
                Flag("-E", "-r", "--regexp-extended"),
                Flag("-s", "--separate"),
                Flag("--sandbox"),
                Flag("-u", "--unbuffered"),
                Flag("-z", "--null-data"),
            ])),
            new("curl", Curl()),
            Npm(),
            Docker(),
            Kubectl(),
        ];
        return programs.ToDictionary(program => program.Program, StringComparer.Ordinal);
    }

    private static OptionSpelling[] OwnerOptions() =>
    [
        Flag("-c", "--changes"),
        Flag("-f", "--silent", "--quiet"),
        Flag("-v", "--verbose"),
        Flag("--dereference"),
        Flag("-h", "--no-dereference"),
        Flag("--no-preserve-root"),
        Flag("--preserve-root"),
        Valued("--reference"),
        Flag("-R", "--recursive"),
        Flag("-H"),
        Flag("-L"),
        Flag("-P"),
    ];

    private static ProgramSpelling Git()
    {
        // Marked ChangingWhatRuns (git(1)): another directory, configuration, repository, work tree or exec path, the
        // current directory read as a repository (--bare), or a pager run even without a terminal (-p). --namespace
        // and --attr-source only pick refs or attributes of the same repository.
        var global = new CommandSpelling([
            Valued("-C").ChangingWhatRuns(),
            Valued("-c").ChangingWhatRuns(),
            Unsure("--config-env").ChangingWhatRuns(),
            Optional("--exec-path").ChangingWhatRuns(),
            Flag("--html-path"),
            Flag("--man-path"),
            Flag("--info-path"),
            Flag("-p", "--paginate").ChangingWhatRuns(),
            Flag("-P", "--no-pager"),
            Flag("--no-replace-objects"),
            Flag("--no-lazy-fetch"),
            Flag("--no-optional-locks"),
            Flag("--no-advice"),
            Flag("--bare").ChangingWhatRuns(),
            Valued("--git-dir").ChangingWhatRuns(),
            Valued("--work-tree").ChangingWhatRuns(),
            Valued("--namespace"),
            Unsure("--super-prefix").ChangingWhatRuns(),
            Unsure("--attr-source"),
            Optional("--list-cmds"),
            Flag("--literal-pathspecs"),
            Flag("--glob-pathspecs"),
            Flag("--noglob-pathspecs"),
            Flag("--icase-pathspecs"),
            Flag("-v", "--version"),
            Flag("-h", "--help"),
        ]);
        var push = new CommandSpelling([
            Flag("-f", "--force"),
            Optional("--force-with-lease").Counting("--force"),
            Flag("--force-if-includes").Counting("--force"),
            Flag("-d", "--delete"),
            Flag("--mirror").Counting("--force", "--delete"),
            Flag("--all", "--branches"),
            Flag("--tags"),
            Flag("--prune").Counting("--delete"),
            Flag("-n", "--dry-run"),
            Flag("--porcelain"),
            Flag("-u", "--set-upstream"),
            Flag("-q", "--quiet"),
            Flag("-v", "--verbose"),
            Flag("--follow-tags"),
            Flag("--atomic"),
            Flag("--no-verify"),
            Flag("--verify"),
            Optional("--signed"),
            Valued("-o", "--push-option"),
            Valued("--repo"),
            Valued("--receive-pack", "--exec"),
            Unsure("--recurse-submodules"),
            Flag("--thin"),
            Flag("--no-thin"),
            Flag("-4", "--ipv4"),
            Flag("-6", "--ipv6"),
        ])
        {
            OperandMarks = new Dictionary<char, string> { ['+'] = "--force", [':'] = "--delete" },
        };
        var clean = new CommandSpelling([
            Flag("-f", "--force"),
            Flag("-d"),
            Flag("-x"),
            Flag("-X"),
            Flag("-n", "--dry-run"),
            Flag("-i", "--interactive"),
            Flag("-q", "--quiet"),
            Valued("-e", "--exclude"),
        ]);
        var reset = new CommandSpelling([
            Flag("--hard"),
            Flag("--soft"),
            Flag("--mixed"),
            Flag("--merge"),
            Flag("--keep"),
            Flag("-q", "--quiet"),
            Flag("-p", "--patch"),
            Flag("-N", "--intent-to-add"),
            Optional("--recurse-submodules"),
            Valued("--pathspec-from-file"),
        ]);
        var checkout = new CommandSpelling([
            Flag("-f", "--force"),
            Valued("-b"),
            Valued("-B"),
            Flag("-q", "--quiet"),
            Flag("--detach"),
            Valued("--orphan"),
        ]);
        var branch = new CommandSpelling([
            Flag("-d", "--delete"),
            Flag("-D").Counting("--delete", "--force"),
            Flag("-f", "--force"),
            Flag("-m", "--move"),
            Flag("-M").Counting("--move", "--force"),
        ]);
        return new ProgramSpelling("git", global)
        {
            HasSubcommands = true,
            Subcommands = new Dictionary<string, CommandSpelling>(StringComparer.Ordinal)
            {
                ["push"] = push,
                ["clean"] = clean,
                ["reset"] = reset,
                ["checkout"] = checkout,
                ["branch"] = branch,
            },
        };
    }

    private static CommandSpelling Find()
    {
        OptionSpelling[] valued =
        [
            Valued("-name"), Valued("-iname"), Valued("-path"), Valued("-ipath"), Valued("-wholename"), Valued("-iwholename"),
            Valued("-regex"), Valued("-iregex"), Valued("-regextype"), Valued("-lname"), Valued("-ilname"), Valued("-type"),
            Valued("-xtype"), Valued("-user"), Valued("-group"), Valued("-uid"), Valued("-gid"), Valued("-perm"), Valued("-size"),
            Valued("-mtime"), Valued("-atime"), Valued("-ctime"), Valued("-mmin"), Valued("-amin"), Valued("-cmin"), Valued("-used"),
            Valued("-newer"), Valued("-anewer"), Valued("-cnewer"), Valued("-maxdepth"), Valued("-mindepth"), Valued("-links"),
            Valued("-inum"), Valued("-samefile"), Valued("-fstype"), Valued("-context"), Valued("-files0-from"), Valued("-printf"),
            Valued("-fprint"), Valued("-fprint0"), Valued("-fprintf"), Valued("-fls"), Valued("-D"),
        ];
        OptionSpelling[] plain =
        [
            Flag("-delete"), Flag("-print"), Flag("-print0"), Flag("-ls"), Flag("-prune"), Flag("-quit"), Flag("-depth", "-d"),
            Flag("-xdev", "-mount"), Flag("-follow"), Flag("-empty"), Flag("-true"), Flag("-false"), Flag("-readable"),
            Flag("-writable"), Flag("-executable"), Flag("-nouser"), Flag("-nogroup"), Flag("-not"), Flag("-and", "-a"),
            Flag("-or", "-o"), Flag("-H"), Flag("-L"), Flag("-P"),
        ];
        OptionSpelling[] commands =
        [
            new("-exec", ["-exec"], OptionArity.Command),
            new("-execdir", ["-execdir"], OptionArity.Command),
            new("-ok", ["-ok"], OptionArity.Command),
            new("-okdir", ["-okdir"], OptionArity.Command),
        ];
        return new CommandSpelling([.. commands, .. plain, .. valued]) { SingleDashOptions = true };
    }

    private static CommandSpelling Curl() => new([
        Valued("-o", "--output"),
        Flag("-O", "--remote-name"),
        Valued("--output-dir"),
        Valued("-X", "--request"),
        Valued("-d", "--data"),
        Valued("--data-ascii").Counting("--data"),
        Valued("--data-binary").Counting("--data"),
        Valued("--data-raw").Counting("--data"),
        Valued("--data-urlencode").Counting("--data"),
        Valued("--json").Counting("--data"),
        Valued("-F", "--form"),
        Valued("--form-string").Counting("--form"),
        Valued("-T", "--upload-file"),
        Valued("-K", "--config"),
        Valued("-H", "--header"),
        Valued("-u", "--user"),
        Valued("-U", "--proxy-user"),
        Valued("-x", "--proxy"),
        Valued("-A", "--user-agent"),
        Valued("-e", "--referer"),
        Valued("-b", "--cookie"),
        Valued("-c", "--cookie-jar"),
        Valued("-D", "--dump-header"),
        Valued("-w", "--write-out"),
        Valued("--url"),
        Valued("-m", "--max-time"),
        Valued("--connect-timeout"),
        Valued("-r", "--range"),
        Valued("-C", "--continue-at"),
        Valued("-E", "--cert"),
        Valued("--key"),
        Valued("--cacert"),
        Valued("--capath"),
        Valued("--resolve"),
        Valued("--retry"),
        Valued("-z", "--time-cond"),
        Valued("-Y", "--speed-limit"),
        Valued("-y", "--speed-time"),
        Valued("--limit-rate"),
        Valued("--trace"),
        Valued("--trace-ascii"),
        Valued("--stderr"),
        Valued("-Q", "--quote"),
        Flag("-L", "--location"),
        Flag("-s", "--silent"),
        Flag("-S", "--show-error"),
        Flag("-f", "--fail"),
        Flag("-k", "--insecure"),
        Flag("-v", "--verbose"),
        Flag("-i", "--include"),
        Flag("-I", "--head"),
        Flag("-G", "--get"),
        Flag("-J", "--remote-header-name"),
        Flag("-N", "--no-buffer"),
        Flag("-#", "--progress-bar"),
        Flag("-n", "--netrc"),
        Flag("-q", "--disable"),
        Flag("-Z", "--parallel"),
        Flag("-R", "--remote-time"),
        Flag("-g", "--globoff"),
        Flag("-a", "--append"),
        Flag("-j", "--junk-session-cookies"),
        Flag("-p", "--proxytunnel"),
        Flag("-4", "--ipv4"),
        Flag("-6", "--ipv6"),
        Flag("--compressed"),
        Flag("--create-dirs"),
    ]);

    private static ProgramSpelling Npm()
    {
        // Marked ChangingWhatRuns: another project's scripts (--prefix), a configuration that names programs
        // (--userconfig, --globalconfig), the shell that runs the scripts (--script-shell).
        var options = new CommandSpelling([
            Flag("-g", "--global"),
            Valued("-C", "--prefix").ChangingWhatRuns(),
            Valued("-w", "--workspace"),
            Flag("-ws", "--workspaces"),
            Flag("-iwr", "--include-workspace-root"),
            Valued("--registry"),
            Valued("--loglevel"),
            Flag("-s", "--silent"),
            Flag("-q", "--quiet"),
            Flag("-d"),
            Flag("-f", "--force"),
            Flag("-y", "--yes"),
            Flag("--dry-run"),
            Flag("--ignore-scripts"),
            Flag("-D", "--save-dev"),
            Flag("-P", "--save-prod"),
            Flag("-O", "--save-optional"),
            Flag("-E", "--save-exact"),
            Flag("-S", "--save"),
            Flag("-B", "--save-bundle"),
            Flag("--no-save"),
            Valued("--omit"),
            Valued("--include"),
            Valued("--userconfig").ChangingWhatRuns(),
            Valued("--globalconfig").ChangingWhatRuns(),
            Valued("--cache"),
            Valued("--tag"),
            Valued("--access"),
            Valued("--otp"),
            Valued("--script-shell").ChangingWhatRuns(),
            Valued("-L", "--location"),
            Flag("-l", "--long"),
        ]);
        return new ProgramSpelling("npm", options)
        {
            HasSubcommands = true,
            GlobalOptionsAnywhere = true,
            CamelCaseSubcommands = true,
            AbbreviatedSubcommands =
            [
                "access", "approve-scripts", "audit", "bugs", "cache", "ci", "completion", "config", "dedupe", "deny-scripts",
                "deprecate", "diff", "dist-tag", "docs", "doctor", "edit", "exec", "explain", "explore", "find-dupes", "fund", "get",
                "help", "help-search", "init", "install", "install-ci-test", "install-test", "link", "ll", "login", "logout", "ls",
                "org", "outdated", "owner", "pack", "ping", "pkg", "prefix", "profile", "prune", "publish", "query", "rebuild",
                "repo", "restart", "root", "run", "sbom", "search", "set", "stage", "start", "stop", "team", "test", "token",
                "trust", "undeprecate", "uninstall", "unpublish", "update", "version", "view", "whoami",
            ],
            SubcommandAliases = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["author"] = "owner", ["home"] = "docs", ["issues"] = "bugs", ["info"] = "view", ["show"] = "view",
                ["find"] = "search", ["add"] = "install", ["unlink"] = "uninstall", ["remove"] = "uninstall", ["rm"] = "uninstall",
                ["r"] = "uninstall", ["un"] = "uninstall", ["rb"] = "rebuild", ["list"] = "ls", ["ln"] = "link", ["create"] = "init",
                ["i"] = "install", ["it"] = "install-test", ["cit"] = "install-ci-test", ["u"] = "update", ["up"] = "update",
                ["c"] = "config", ["s"] = "search", ["se"] = "search", ["tst"] = "test", ["t"] = "test", ["ddp"] = "dedupe",
                ["v"] = "view", ["run-script"] = "run", ["clean-install"] = "ci", ["clean-install-test"] = "install-ci-test",
                ["x"] = "exec", ["why"] = "explain", ["la"] = "ll", ["verison"] = "version", ["ic"] = "ci", ["innit"] = "init",
                ["in"] = "install", ["ins"] = "install", ["inst"] = "install", ["insta"] = "install", ["instal"] = "install",
                ["isnt"] = "install", ["isnta"] = "install", ["isntal"] = "install", ["isntall"] = "install",
                ["install-clean"] = "ci", ["isntall-clean"] = "ci", ["hlep"] = "help", ["dist-tags"] = "dist-tag",
                ["upgrade"] = "update", ["udpate"] = "update", ["rum"] = "run", ["sit"] = "install-ci-test", ["urn"] = "run",
                ["ogr"] = "org",
            },
        };
    }

    private static ProgramSpelling Docker()
    {
        // Marked ChangingWhatRuns: a configuration that names credential helpers (--config), a daemon reached through a
        // program such as ssh (--host ssh://…), another context of the user's (--context: another daemon, found by a review).
        var global = new CommandSpelling([
            Valued("--config").ChangingWhatRuns(),
            Valued("-c", "--context").ChangingWhatRuns(),
            Flag("-D", "--debug"),
            Valued("-H", "--host").ChangingWhatRuns(),
            Valued("-l", "--log-level"),
            Flag("--tls"),
            Valued("--tlscacert"),
            Valued("--tlscert"),
            Valued("--tlskey"),
            Flag("--tlsverify"),
            Flag("-v", "--version"),
        ]);
        var rm = new CommandSpelling([Flag("-f", "--force"), Flag("-l", "--link"), Flag("-v", "--volumes")]);
        var rmi = new CommandSpelling([Flag("-f", "--force"), Flag("--no-prune")]);
        var run = new CommandSpelling([
            Flag("--privileged"),
            Valued("-v", "--volume"),
            Valued("-e", "--env"),
            Valued("--env-file"),
            Valued("-p", "--publish"),
            Flag("-P", "--publish-all"),
            Valued("--name"),
            Valued("-w", "--workdir"),
            Valued("-u", "--user"),
            Valued("--network", "--net"),
            Valued("--entrypoint"),
            Valued("--mount"),
            Valued("-l", "--label"),
            Valued("--label-file"),
            Valued("-h", "--hostname"),
            Valued("--platform"),
            Valued("--cap-add"),
            Valued("--cap-drop"),
            Valued("--device"),
            Valued("--security-opt"),
            Valued("--pid"),
            Valued("--ipc"),
            Valued("--uts"),
            Valued("--userns"),
            Valued("--cgroupns"),
            Valued("--restart"),
            Valued("-m", "--memory"),
            Valued("--cpus"),
            Valued("-a", "--attach"),
            Valued("--pull"),
            Valued("--gpus"),
            Valued("--add-host"),
            Valued("--dns"),
            Valued("--volumes-from"),
            Valued("--tmpfs"),
            Valued("--ulimit"),
            Valued("--group-add"),
            Valued("--log-driver"),
            Valued("--log-opt"),
            Valued("--cidfile"),
            Valued("--shm-size"),
            Valued("--stop-signal"),
            Valued("--expose"),
            Valued("--link"),
            Valued("--runtime"),
            Valued("--sysctl"),
            Flag("--rm"),
            Flag("-d", "--detach"),
            Flag("-i", "--interactive"),
            Flag("-t", "--tty"),
            Flag("--init"),
            Flag("--read-only"),
        ]);
        var exec = new CommandSpelling([
            Flag("--privileged"),
            Valued("-e", "--env"),
            Valued("--env-file"),
            Valued("-u", "--user"),
            Valued("-w", "--workdir"),
            Flag("-d", "--detach"),
            Flag("-i", "--interactive"),
            Flag("-t", "--tty"),
        ]);
        var prune = new CommandSpelling([Flag("-a", "--all"), Flag("-f", "--force"), Flag("--volumes"), Valued("--filter")]);
        return new ProgramSpelling("docker", global)
        {
            HasSubcommands = true,
            Subcommands = new Dictionary<string, CommandSpelling>(StringComparer.Ordinal)
            {
                ["rm"] = rm,
                ["rmi"] = rmi,
                ["run"] = run,
                ["exec"] = exec,
                ["system prune"] = prune,
                ["volume prune"] = prune,
                ["image prune"] = prune,
                ["container prune"] = prune,
            },
            SubcommandAliases = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["container rm"] = "rm",
                ["container remove"] = "rm",
                ["container run"] = "run",
                ["container exec"] = "exec",
                ["container kill"] = "kill",
                ["container stop"] = "stop",
                ["container ls"] = "ps",
                ["container list"] = "ps",
                ["image rm"] = "rmi",
                ["image remove"] = "rmi",
                ["image pull"] = "pull",
                ["image push"] = "push",
                ["image build"] = "build",
                ["builder build"] = "build",
                ["system prune"] = "system prune",
                ["volume prune"] = "volume prune",
                ["image prune"] = "image prune",
                ["container prune"] = "container prune",
            },
        };
    }

    private static ProgramSpelling Kubectl()
    {
        // Marked ChangingWhatRuns: a kubeconfig that can name exec credential plugins (--kubeconfig), the user's
        // credentials sent to another server (--server), another identity (--as…), and another context, cluster or user
        // of the kubeconfig (found by a review: --user=admin picks the admin's credentials as --as does).
        var global = new CommandSpelling([
            Valued("-n", "--namespace"),
            Valued("--context").ChangingWhatRuns(),
            Valued("--kubeconfig").ChangingWhatRuns(),
            Valued("--cluster").ChangingWhatRuns(),
            Valued("--user").ChangingWhatRuns(),
            Valued("-s", "--server").ChangingWhatRuns(),
            Valued("--token"),
            Valued("--as").ChangingWhatRuns(),
            Valued("--as-group").ChangingWhatRuns(),
            Valued("--as-uid").ChangingWhatRuns(),
            Valued("--certificate-authority"),
            Valued("--client-certificate"),
            Valued("--client-key"),
            Flag("--insecure-skip-tls-verify"),
            Valued("--request-timeout"),
            Valued("--tls-server-name"),
            Valued("--cache-dir"),
            Flag("--match-server-version"),
            Valued("--profile"),
            Valued("--profile-output"),
            Valued("--username"),
            Valued("--password"),
            Valued("-v", "--v"),
            Valued("--vmodule"),
            Valued("--log-flush-frequency"),
            Flag("--warnings-as-errors"),
            Flag("--disable-compression"),
        ]);
        var delete = new CommandSpelling([
            Valued("-f", "--filename"),
            Flag("--all"),
            Flag("-A", "--all-namespaces"),
            Valued("-l", "--selector"),
            Valued("--field-selector"),
            Flag("--force"),
            Valued("--grace-period"),
            Flag("--now"),
            Flag("-R", "--recursive"),
            Valued("-k", "--kustomize"),
            Optional("--wait"),
            Optional("--cascade"),
            Valued("-o", "--output"),
            Optional("--dry-run"),
            Flag("-i", "--interactive"),
            Flag("--ignore-not-found"),
            Valued("--timeout"),
            Valued("--raw"),
        ]);
        var apply = new CommandSpelling([
            Valued("-f", "--filename"),
            Valued("-k", "--kustomize"),
            Flag("--prune"),
            Flag("--force"),
            Flag("--server-side"),
            Flag("-R", "--recursive"),
            Valued("-l", "--selector"),
            Optional("--dry-run"),
            Valued("-o", "--output"),
        ]);
        var exec = new CommandSpelling([
            Valued("-c", "--container"),
            Flag("-i", "--stdin"),
            Flag("-t", "--tty"),
            Flag("-q", "--quiet"),
        ]);
        return new ProgramSpelling("kubectl", global)
        {
            HasSubcommands = true,
            GlobalOptionsAnywhere = true,
            Subcommands = new Dictionary<string, CommandSpelling>(StringComparer.Ordinal)
            {
                ["delete"] = delete,
                ["apply"] = apply,
                ["exec"] = exec,
            },
        };
    }
}
