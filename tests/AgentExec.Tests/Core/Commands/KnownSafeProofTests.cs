using AgentExec.Core.Commands;
using AgentExec.Tests.TestSupport;

namespace AgentExec.Tests.Core.Commands;

/// <summary>
/// The known-safe proof (SPEC.md "Policy", step 3a), row by row: each attack class of issue 9 is refused with a
/// reason that names it, and the usual read-only lines an agent runs stay known-safe.
/// </summary>
public sealed class KnownSafeProofTests : IDisposable
{
    private readonly ProofMachine machine = new();

    public void Dispose() => machine.Dispose();

    [Theory]
    // Brace expansion the old reading did not see: bash turns each of these into separate words.
    [InlineData("sort {-o,x{}} README.md", "unquoted brace expansion")]
    [InlineData("find . {-delete,x{}}", "could be -delete")]
    [InlineData("sed -n {-i,x{}} 1p README.md", "unquoted brace expansion")]
    [InlineData("git log {--output=x,x{}}", "unquoted brace expansion")]
    [InlineData("uniq README.md {x,y{}}", "unquoted brace expansion")]
    [InlineData("xxd README.md {x,y{}}", "unquoted brace expansion")]
    [InlineData("cat {a,b}", "unquoted brace expansion")]
    [InlineData("cat x{1..3}", "unquoted brace expansion")]
    // Options off the allow-lists, in every spelling the programs accept.
    [InlineData("sort -o out README.md", "sort -o is not on sort's option allow-list")]
    [InlineData("sort -oout README.md", "sort -o is not on sort's option allow-list")]
    [InlineData("sort -ro out README.md", "sort -o is not on sort's option allow-list")]
    [InlineData("sort --out=f README.md", "sort --out is not on sort's option allow-list")]
    [InlineData("sort --output f README.md", "sort --output is not on sort's option allow-list")]
    [InlineData("sort --compress-program=sh README.md", "sort --compress-program is not on")]
    [InlineData("find . -delete", "find with -delete")]
    [InlineData("find . -name x -exec rm {} ;", "find -exec is not on find's allow-list")]
    [InlineData("find . -fprint out", "find -fprint is not on find's allow-list")]
    [InlineData("sed -i s/a/b/ README.md", "sed -i is not on sed's option allow-list")]
    [InlineData("sed -n 1p --in-place README.md", "sed --in-place is not on")]
    [InlineData("sed -n 'w out' README.md", "sed script that does more than print")]
    [InlineData("sed 1p README.md", "sed without -n")]
    [InlineData("git log --output=x", "git log --output is not on")]
    [InlineData("git log --out=x", "git log --out is not on")]
    [InlineData("git diff --ext-diff", "git diff --ext-diff is not on")]
    [InlineData("git log --show-signature", "git log --show-signature is not on")]
    [InlineData("git -c core.pager=sh log", "git with -c")]
    [InlineData("git --git-dir=x status", "git with the global option --git-dir=x")]
    [InlineData("git push", "git push is not a read-only git command")]
    [InlineData("uniq README.md out", "uniq with more than 1 operand")]
    [InlineData("xxd README.md out", "xxd with a word after its input file writes that file")]
    [InlineData("xxd -r README.md", "xxd -r is not on xxd's option allow-list")]
    [InlineData("rg --pre sh foo", "rg --pre is not on rg's option allow-list")]
    [InlineData("rg -z foo", "rg -z is not on rg's option allow-list")]
    [InlineData("date -s 2020-01-01", "date -s is not on date's option allow-list")]
    [InlineData("date 010100002030", "date with an operand that is not +FORMAT")]
    [InlineData("diff -l a b", "diff -l is not on diff's option allow-list")]
    // Builtins that assign or evaluate, even with fixed words.
    [InlineData("printf -v x hi", "printf with an option")]
    [InlineData("printf -v 'a[$(touch p)]' x", "printf with an option")]
    [InlineData("test -v 'a[$(touch p)]'", "test -v evaluates array subscripts")]
    [InlineData("[ -v 'a[$(touch p)]' ]", "[ -v evaluates array subscripts")]
    [InlineData("set -k; ls", "set is not on the known-safe list")]
    // Other shells' grammar, and bash options that change what words mean.
    [InlineData("sh -c 'ls &>/dev/null'", "sh script: only bash scripts are analysed")]
    [InlineData("dash -c 'ls'", "dash script: only bash scripts are analysed")]
    [InlineData("bash -k -c 'git status GIT_EXTERNAL_DIFF=x'", "bash option -k is not on the allow-list")]
    [InlineData("bash -o keyword -c ls", "bash option -o keyword is not on the allow-list")]
    [InlineData("bash -O extglob -c ls", "bash option -O")]
    [InlineData("bash --rcfile x -c ls", "bash option --rcfile is not on the allow-list")]
    [InlineData("bash <<EOF\nls\nEOF", "unquoted here-document")]
    // Network pseudo-devices.
    [InlineData("cat < /dev/tcp/127.0.0.1/80", "input from /dev/tcp/127.0.0.1/80 is network access")]
    [InlineData("cat </dev/udp/1.2.3.4/53", "network access")]
    [InlineData("cat < /dev/./tcp/127.0.0.1/80", "network access")]
    // Expansions, double quotes included.
    [InlineData("echo $x", "a parameter expansion")]
    [InlineData("echo \"$(id)\"", "a command or process substitution")]
    [InlineData("echo \"${a[$(id)]}\"", "")]
    [InlineData("echo $((1 + 2))", "")]
    [InlineData("sort ~/x", "a tilde expansion")]
    [InlineData("sort *", "a pathname pattern")]
    // Joins and contexts.
    [InlineData("ls &", "the line uses &")]
    [InlineData("ls |& cat", "the line uses |&")]
    [InlineData("ls; echo $(ls)", "")]
    [InlineData("f() { ls; }; f", "")]
    // Programs given by a path, wrappers, assignments.
    [InlineData("./ls", "the program is given by a path")]
    [InlineData("bin/git status", "the program is given by a path")]
    [InlineData("/bin/cat README.md", "the program is given by a path")]
    [InlineData("LD_PRELOAD=x ls", "a variable is assigned")]
    [InlineData("env A=1 ls", "a variable is assigned")]
    [InlineData("nohup ls", "the wrapper `nohup`")]
    [InlineData("env -C /tmp ls", "")]
    [InlineData("xargs cat", "")]
    // Found by an attack on the proof itself.
    [InlineData("nice -n [5r]* cat README.md", "a pathname pattern")]
    [InlineData("timeout -s [K]* 5 cat README.md", "a pathname pattern")]
    [InlineData(": {PATH[0]}</dev/null; ls", "the named file descriptor {PATH[0]} assigns a variable")]
    [InlineData("cat <<true\ntru\\\ne\ntouch x\ntrue", "a line of an unquoted here-document ends with a backslash")]
    [InlineData("git log --format=%GS", "signature placeholder runs gpg")]
    [InlineData("git log --pretty='%h %G?'", "signature placeholder runs gpg")]
    [InlineData("git log --pretty=mine", "may name a format the repository's configuration defines")]
    [InlineData("xxd README.md -p", "xxd with a word after its input file writes that file")]
    [InlineData("wc --files0-from=list", "reads the names of the files to read from a file")]
    [InlineData("du --f=list", "reads the names of the files to read from a file")]
    [InlineData("file -f list", "file -f is not on file's option allow-list")]
    // The resolver's options send DNS queries: hostname -A asked the name server for every interface's address.
    [InlineData("hostname -A", "hostname -A is not on hostname's option allow-list")]
    [InlineData("hostname -f", "hostname -f is not on hostname's option allow-list")]
    [InlineData("hostname --fqdn", "hostname --fqdn is not on hostname's option allow-list")]
    [InlineData("hostname -sd", "is not on hostname's option allow-list")]
    [InlineData("tree -Po x out.txt", "tree -P must stand alone")]
    [InlineData("env -i ls", "the wrapper `env`")]
    [InlineData("env -u PATH ls", "the wrapper `env`")]
    [InlineData("cat ~root/.aws/credentials", "a tilde-prefix the check does not follow")]
    [InlineData("cat ~+/README.md", "a tilde-prefix the check does not follow")]
    [InlineData("cd /tmp && cat ~-/.netrc", "a tilde-prefix the check does not follow")]
    [InlineData("timeout -s KILL", "")]
    // A stop signal leaves timeout waiting for a stopped command: "timeout -s STOP 0.1 sleep 1" never ended.
    [InlineData("timeout -s STOP 0.1 sleep 1", "the wrapper `timeout`")]
    [InlineData("timeout --signal=SIGTSTP 1 cat README.md", "the wrapper `timeout`")]
    [InlineData("timeout --signal TTIN 1 cat README.md", "the wrapper `timeout`")]
    [InlineData("timeout -s 19 1 cat README.md", "the wrapper `timeout`")]
    // Found by an independent attack on the reading of bash (2026-12-05).
    [InlineData("find . [' '-]exec sh x.sh [';'] -quit", "find with an argument expanded at run time")]
    [InlineData("sort [' '-]-output=PWNED in.txt", "a pathname pattern in `[' '-]-output=PWNED`")]
    [InlineData("nice -n [' '1]0 cat README.md", "a pathname pattern")]
    [InlineData("echo $'\\c' ; touch p #'", "holds \\c")]
    [InlineData("echo $'a\\c\\'b' ; touch p '", "holds \\c")]
    [InlineData("cat <<'tr\"ue'\ntr\"ue\ntouch p\ntrue", "touch is not on the known-safe list")]
    [InlineData("cat <<'E\\F'\nE\\F\ntouch p\nEF", "touch is not on the known-safe list")]
    [InlineData("bash <<< $'head -c 8\\necho \\'x;touch p;#\\''", "the script is read from standard input")]
    [InlineData("bash <<'EOF'\nls\nEOF", "the script is read from standard input")]
    [InlineData("bash -i -c ls", "bash option -i is not on the allow-list")]
    [InlineData("sh -lc ls", "sh script: only bash scripts are analysed")]
    [InlineData("strings @args", "strings @args reads more arguments from a file")]
    [InlineData("jq -n -L ~ 'import \".docker/config\" as $c; $c'", "jq -L reads a filter or modules from files")]
    [InlineData("jq -nL. 1", "jq -nL. reads a filter or modules from files")]
    [InlineData("jq -nf prog.jq", "jq -nf reads a filter or modules from files")]
    [InlineData("jq --library-path=. -n 1", "reads a filter or modules from files")]
    [InlineData("jq -n 'include \"m\"; 1'", "imports or includes a module")]
    [InlineData("jq -n '\"m\" | modulemeta'", "imports or includes a module")]
    // jq --run-tests runs the programs of a file (or of its standard input) that nobody read: one that imported
    // ~/.docker/config.json with {search: "~/.docker"} printed it.
    [InlineData("jq --run-tests tests.txt", "jq --run-tests reads a filter or modules from files")]
    [InlineData("jq --run-tests <<'EOF'\nimport \"config\" as $c {search: \"~/.docker\"}; $c\nnull\n1\n\nEOF", "jq --run-tests reads a filter")]
    [InlineData("md5sum -c sums", "md5sum -c reads the names of the files to read from its list")]
    [InlineData("sha256sum --check sums", "sha256sum --check reads the names")]
    [InlineData("b2sum -wc sums", "b2sum -wc reads the names")]
    [InlineData("cksum --c sums", "cksum --c reads the names")]
    // Found by an attack (2026-12-05): bash removes a backslash-newline before it reads "$(", so the expansion was not
    // seen; grep -R and rg -L follow links planted below a directory; reads of devices and endless inputs.
    [InlineData("echo \"$\\\n(cat ~/.netrc)\"", "a line continuation right after '$'")]
    [InlineData("cat README.md \"$\\\n(id>/tmp/x)\"", "a line continuation right after '$'")]
    [InlineData("echo $\\\n{x:=assigned}", "a line continuation right after '$'")]
    [InlineData("sort README.md $\\\n'\\x2do' out", "a line continuation right after '$'")]
    [InlineData("cat <\\\n(id)", "a line continuation right after '<'")]
    [InlineData("echo a &\\\n& echo b", "a line continuation right after '&'")]
    [InlineData("grep -R . docs", "follows every link below the directories it reads")]
    [InlineData("grep -rRn . docs", "follows every link below the directories it reads")]
    [InlineData("grep --dereference-recursive . docs", "follows every link below")]
    [InlineData("grep --deref . docs", "follows every link below")]
    [InlineData("rg -L key docs", "rg -L is not on rg's option allow-list")]
    [InlineData("rg --follow key docs", "rg --follow is not on rg's option allow-list")]
    [InlineData("tail -f app.log", "follows the file and never ends")]
    [InlineData("tail -n 5 -F app.log", "follows the file and never ends")]
    [InlineData("tail --follow=name app.log", "follows the file and never ends")]
    [InlineData("sort /dev/urandom", "a device that never ends")]
    [InlineData("cat /dev/urandom | sort", "a device that never ends")]
    [InlineData("sort -S 1K < /dev/zero", "a device that never ends")]
    [InlineData("tac /dev/zero", "a device that never ends")]
    [InlineData("grep -a -o password /dev/loop0", "could read the credential location /dev/loop0")]
    [InlineData("xxd -l 48 /dev/vda", "could read the credential location /dev/vda")]
    [InlineData("cat /dev/pts/0", "could read the credential location /dev/pts/0")]
    [InlineData("head -c 64 /proc/kcore", "could read the credential location /proc/kcore")]
    [InlineData("cat /proc/kmsg", "could read the credential location /proc/kmsg")]
    // The kernel's trace buffers block like /proc/kmsg: "cat /sys/kernel/tracing/trace_pipe" waited until the timeout.
    [InlineData("cat /sys/kernel/tracing/trace_pipe", "could read the credential location /sys/kernel/tracing/trace_pipe")]
    [InlineData("head -c 10 /sys/kernel/tracing/per_cpu/cpu0/trace_pipe_raw", "could read the credential location /sys/kernel/tracing/per_cpu")]
    [InlineData("wc -l < /sys/kernel/debug/tracing/trace_pipe", "could read the credential location /sys/kernel/debug/tracing/trace_pipe")]
    [InlineData("cd /sys/kernel && cat tracing/trace_pipe", "could read the credential location tracing/trace_pipe")]
    // Found by the attack on those fixes: tail's old +Nf form, a process's pagemap (gigabytes from a "regular" file).
    [InlineData("tail +1f app.log", "follows the file and never ends")]
    [InlineData("tail +f app.log", "follows the file and never ends")]
    [InlineData("sort /proc/1234/pagemap", "a device that never ends")]
    [InlineData("cat /proc/1234/task/1234/pagemap | sort", "a device that never ends")]
    [InlineData("sort /proc/cpuinfo", "not a regular file")]
    public void Line_is_not_known_safe_and_says_why(string line, string reason)
    {
        var analysis = machine.Analyze(line);

        Assert.False(KnownSafeJudge.IsKnownSafe(analysis));
        Assert.True(
            analysis.Parts.Any(part => part.Safety != CommandSafety.KnownSafe && part.Reason.Contains(reason, StringComparison.Ordinal))
                || (analysis.UnknownReason?.Contains(reason, StringComparison.Ordinal) ?? false),
            $"no refusal says `{reason}`: " + string.Join("; ", analysis.Parts.Select(part => part.Reason)) + $" (unknown: {analysis.UnknownReason})");
    }

    [Theory]
    [InlineData(".:/usr/bin", "PATH holds the relative entry `.`")]
    [InlineData(":/usr/bin", "PATH holds the relative entry ``")]
    public void A_path_that_searches_a_relative_entry_first_proves_nothing(string relativeFirst, string reason)
    {
        var analysis = machine.Analyze("ls", searchPath: relativeFirst + ":" + machine.Bin);

        var part = Assert.Single(analysis.Parts);
        Assert.Equal(CommandSafety.Ordinary, part.Safety);
        Assert.Contains(reason, part.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_path_entry_inside_the_workspace_proves_nothing()
    {
        var planted = Path.Combine(machine.Workspace, "bin");
        Directory.CreateDirectory(planted);

        var analysis = machine.Analyze("ls", searchPath: planted + ":" + machine.Bin);

        Assert.Contains("which the agent can write", Assert.Single(analysis.Parts).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cat ~/.ssh/id_rsa")]
    [InlineData("head ~/.aws/credentials")]
    [InlineData("cat $HOME/.aws/credentials")]
    [InlineData("cat \"${HOME}/.ssh/id_rsa\"")]
    [InlineData("cd ~/.ssh && cat id_rsa")]
    [InlineData("cat < ~/.ssh/id_rsa")]
    [InlineData("grep -f ~/.ssh/id_rsa README.md")]
    [InlineData("cat ~/.netr[' 'c]")]
    [InlineData("cat ~/.aw[' 's]/credentials")]
    // git reads its paths from its -C directories (found by an attack).
    [InlineData("git -C ~ diff .aws/credentials /dev/null")]
    [InlineData("git -C ~/.ssh diff id_rsa /dev/null")]
    public void Credential_read_is_dangerous_where_the_sandbox_cannot_hide_it_and_ordinary_where_it_can(string line)
    {
        var unhidden = machine.Analyze(line, credentialsHidden: false);
        var hidden = machine.Analyze(line, credentialsHidden: true);

        Assert.Contains(unhidden.Parts, part => part.Safety == CommandSafety.Dangerous && part.Reason.Contains("credential location", StringComparison.Ordinal));
        Assert.DoesNotContain(hidden.Parts, part => part.Safety == CommandSafety.Dangerous);
        Assert.False(KnownSafeJudge.IsKnownSafe(hidden));
    }

    [Theory]
    [InlineData("cd ~; cat .netrc")]
    [InlineData("cd $HOME; cat .netrc")]
    [InlineData("cd ~/.kube; cat config")]
    [InlineData("cd \"$HOME\" && tail -n 3 .netrc")]
    public void A_relative_path_after_a_cd_to_a_computed_place_may_be_a_credential(string line)
    {
        // Found by an attack: after "cd ~" the check no longer knew where .netrc was read from, called the part merely
        // ordinary, and Landlock (which hides nothing) ran it with no question.
        var unhidden = machine.Analyze(line, credentialsHidden: false);
        var hidden = machine.Analyze(line, credentialsHidden: true);

        Assert.Contains(unhidden.Parts, part => part.Safety == CommandSafety.Dangerous && part.Reason.Contains("credential location", StringComparison.Ordinal));
        Assert.DoesNotContain(hidden.Parts, part => part.Safety == CommandSafety.Dangerous);
    }

    [Theory]
    [InlineData("pushd ~ >/dev/null; cat .netrc")]
    [InlineData("CDPATH=~/..; cd {home}; cat .netrc")]
    [InlineData("export CDPATH=~/..; cd {home} && cat .netrc")]
    [InlineData("CDPATH=~/.. cd {home}; cat .netrc")]
    [InlineData("trap 'cd ~' DEBUG; cat .netrc")]
    [InlineData("shopt -s cdable_vars; h=~; cd h; cat .netrc")]
    [InlineData("declare -n r=CDPATH; r=~/..; cd {home}; cat .netrc")]
    [InlineData("set -o posix; CDPATH=~/.. :; cd {home}; cat .netrc")]
    public void A_part_that_may_move_the_shell_loses_the_directory_for_the_parts_after_it(string line)
    {
        // Found by an attack: pushd moved the shell to the home, and the cat after it was judged from the workspace;
        // CDPATH, a DEBUG trap and cdable_vars do the same for a cd the proof did follow.
        var spelled = line.Replace("{home}", Path.GetFileName(machine.Home), StringComparison.Ordinal);

        var analysis = machine.Analyze(spelled, credentialsHidden: false);

        Assert.Contains(analysis.Parts, part => part.Program == "cat" && part.Safety == CommandSafety.Dangerous);
    }

    [Theory]
    [InlineData("HOME=/; cd; cat {homerel}/.netrc")]
    [InlineData("export HOME=/; cd; cat {homerel}/.netrc")]
    [InlineData("read HOME <<< /; cd; cat {homerel}/.netrc")]
    [InlineData("export HOME=/; cat ~{home}/.netrc")]
    [InlineData("shopt -s dotglob; cat {home}/*")]
    [InlineData("GLOBIGNORE=x; cat {home}/*")]
    [InlineData("shopt -s nocaseglob; cat {home}/.SS[H]/ID_RS[A]")]
    [InlineData(": $((HOME=6)); cd; cat {homerel}/.netrc")]
    [InlineData("x[HOME=6]=1; cat ~{home}/.netrc")]
    [InlineData("unset HOME; : ${HOME:=/}; cat ~{home}/.netrc")]
    [InlineData(": ${GLOBIGNORE:=x}; cat {home}/*")]
    [InlineData("printf -v 'a[HOME=6]' x; cat ~{home}/.netrc")]
    [InlineData("read 'a[HOME=6]' <<< x; cat ~{home}/.netrc")]
    [InlineData("x=HOME=6; let x; cat ~{home}/.netrc")]
    [InlineData("declare -i y; x=HOME=6; y=x; cat ~{home}/.netrc")]
    [InlineData("x=HOME=6; a=([x]=1); cat ~{home}/.netrc")]
    [InlineData("cat <<EOF\n$((HOME=6))\nEOF\ncat ~{home}/.netrc")]
    [InlineData("((HOME=6)); cat ~{home}/.netrc")]
    [InlineData("for ((HOME=6; 0; )); do :; done; cat ~{home}/.netrc")]
    [InlineData("x=HOME=6; [[ 1 -eq x ]]; cat ~{home}/.netrc")]
    [InlineData("[[ ${a[HOME=6]} ]]; cat ~{home}/.netrc")]
    [InlineData("for HOME in 6; do cat ~{home}/.netrc; done")]
    [InlineData("true {HOME}>/dev/null; cat ~{home}/.netrc")]
    [InlineData("coproc HOME { :; }; cat ~{home}/.netrc")]
    [InlineData("wait -p HOME; cat ~{home}/.netrc")]
    public void A_part_that_may_set_home_or_change_how_patterns_match_makes_later_tildes_and_patterns_possible_credentials(string line)
    {
        // Found by an attack under Landlock: the check resolved "cd" and "~" with its own HOME and matched patterns by
        // bash's defaults, while an earlier ordinary part had changed both.
        File.WriteAllText(Path.Combine(machine.Home, ".netrc"), "machine x");
        var spelled = line.Replace("{homerel}", machine.Home.TrimStart('/'), StringComparison.Ordinal).Replace("{home}", machine.Home, StringComparison.Ordinal)
            .Replace("\\n", "\n", StringComparison.Ordinal);

        var analysis = machine.Analyze(spelled, credentialsHidden: false);

        Assert.Contains(analysis.Parts, part => part.Program == "cat" && part.Safety == CommandSafety.Dangerous);
    }

    [Theory]
    [InlineData("cat ~/{.netrc,x}")]
    [InlineData("cat {home}/.netrc{,}")]
    [InlineData("cat {home}/.ne{tr,xx}c")]
    [InlineData("cat ~/{.n{e,x}trc,y}")]
    [InlineData("cat ~/.netr{a..z}")]
    [InlineData("cat ${HOME%/}/.netrc")]
    [InlineData("cat \"${HOME:-/nowhere}\"/.netrc")]
    [InlineData("cat ${HOME%/*}/{homename}/.netrc")] // computed from the home: beyond reading, so counted as naming one
    [InlineData("cat ${HOME:0:{parentlength}}/{homename}/.netrc")]
    [InlineData("cat ${HOME:0:200}/.netrc")]
    [InlineData("cat ${HOME:-${X}}/.netrc")] // found by a review: the operand's brace ended the form early, no spelling
    [InlineData("cat ${X:-~}/.netrc")]
    [InlineData("cat ${HOME%%/}/.netrc")]
    [InlineData("cat ${HOME/#\\/\\//}/.netrc")]
    [InlineData("cat ${HOME#}/.netrc")]
    [InlineData("cat ${HOME,,}/.netrc")]
    [InlineData("cat ${HOME:+{home}}/.netrc")]
    [InlineData("env -C {home} cat .netrc")]
    [InlineData("env --chd={home} cat .netrc")]
    [InlineData("xargs cat <<< ~/.netrc")]
    [InlineData("xargs cat <<EOF\n{home}/.netrc\nEOF")]
    public void A_credential_spelled_with_braces_a_home_expansion_or_from_a_wrappers_directory_is_a_credential_read(string line)
    {
        // Found by an attack under danger-full-access: cat ~/{.netrc,x} and cat ${HOME%/}/.netrc printed ~/.netrc with no
        // question, the words being merely "not fixed"; so did xargs fed the path in a here-string; and, while every
        // ${HOME…} form was read as the home, cat ${HOME:0:7}/home/.netrc (the home's parent, then the home's name).
        File.WriteAllText(Path.Combine(machine.Home, ".netrc"), "machine x");
        var spelled = line.Replace("{homename}", Path.GetFileName(machine.Home), StringComparison.Ordinal)
            .Replace("{parentlength}", Path.GetDirectoryName(machine.Home)!.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{home}", machine.Home, StringComparison.Ordinal).Replace("\\n", "\n", StringComparison.Ordinal);

        var unhidden = machine.Analyze(spelled, credentialsHidden: false);

        Assert.Contains(unhidden.Parts, part => part.Program == "cat" && part.Safety == CommandSafety.Dangerous);
    }

    [Theory]
    [InlineData("grep -r machine a=~", "a=")]
    [InlineData("grep -r machine a=~/", "a=")]
    [InlineData("cat a=~/credentials", "a=")]
    [InlineData("cat a+=x:~/credentials", "a+=x:")]
    public void A_tilde_bash_expands_after_an_equals_sign_or_a_colon_is_a_credential_read(string line, string prefix)
    {
        // Found by an attack under danger-full-access: bash expands a "~" after the "=" of an argument shaped like an
        // assignment (and after a ":" in its value), so "grep -r machine a=~" searched "a=/home/u", which a workspace
        // link makes the home itself, and printed ~/.netrc with no question; "cat a=~/credentials" printed
        // ~/.aws/credentials the same way. The check followed only a leading "~".
        File.WriteAllText(Path.Combine(machine.Home, ".netrc"), "machine x");
        Directory.CreateDirectory(Path.Combine(machine.Home, ".aws"));
        File.WriteAllText(Path.Combine(machine.Home, ".aws", "credentials"), "secret");
        var expanded = Path.Join(machine.Workspace, prefix + machine.Home);
        Directory.CreateDirectory(Path.GetDirectoryName(expanded)!);
        File.CreateSymbolicLink(expanded, line.StartsWith("grep", StringComparison.Ordinal) ? machine.Home : Path.Combine(machine.Home, ".aws"));

        var unhidden = machine.Analyze(line, credentialsHidden: false);
        var hidden = machine.Analyze(line, credentialsHidden: true);

        Assert.Contains(unhidden.Parts, part => part.Program is "grep" or "cat" && part.Safety == CommandSafety.Dangerous);
        Assert.False(KnownSafeJudge.IsKnownSafe(hidden));
    }

    [Theory]
    [InlineData("coproc X { cd {home}; cat .netrc >&2; }; wait")]
    [InlineData("time -p { cd {home}; cat .netrc; }")]
    [InlineData("time -- { cd {home}; cat .netrc; }")]
    public void A_cd_inside_a_named_coproc_or_a_timed_group_is_followed(string line)
    {
        // Found by an attack: "coproc X {" and "time -p {" were read as simple commands ("X { cd ~"), so the cd inside went
        // unseen and the cat after it was judged from the workspace.
        File.WriteAllText(Path.Combine(machine.Home, ".netrc"), "machine x");
        var spelled = line.Replace("{home}", machine.Home, StringComparison.Ordinal);

        var analysis = machine.Analyze(spelled, credentialsHidden: false);

        Assert.Contains(analysis.Parts, part => part.Program == "cd");
        Assert.Contains(analysis.Parts, part => part.Program == "cat" && part.Safety == CommandSafety.Dangerous);
    }

    [Theory]
    [InlineData("for i in 1 2; do cat .netrc; cd ~; done")]
    [InlineData("for i in 1 2; do cat .netrc; cd {home}; done")]
    [InlineData("while true; do cat .netrc; pushd ~; done")]
    [InlineData("until false; do cat .netrc; cd {home}; done")]
    [InlineData("g() { cat .netrc; }; f() { cd ~; }; f; g")]
    [InlineData("show() { cat .netrc; }; cd {home}; show")]
    public void A_part_that_runs_again_or_later_than_it_is_written_is_judged_from_every_directory_the_line_reaches(string line)
    {
        // Found by an attack under Landlock: the parts were judged in the order they are written, so a loop's second turn
        // (or a function called after a cd) read ~/.netrc from the home with no question.
        File.WriteAllText(Path.Combine(machine.Home, ".netrc"), "machine x");
        var spelled = line.Replace("{home}", machine.Home, StringComparison.Ordinal);

        var unhidden = machine.Analyze(spelled, credentialsHidden: false);
        var hidden = machine.Analyze(spelled, credentialsHidden: true);

        Assert.Contains(unhidden.Parts, part => part.Program == "cat" && part.Safety == CommandSafety.Dangerous);
        Assert.DoesNotContain(hidden.Parts, part => part.Safety == CommandSafety.Dangerous);
    }

    [Theory]
    [InlineData("grep -r SECRET .", true)]
    [InlineData("grep -r SECRET", true)]
    [InlineData("grep -rn machine ~", true)]
    [InlineData("git grep SECRET", true)]
    [InlineData("grep -rn TODO src", false)]
    [InlineData("grep -e TODO -r src", false)]
    public void A_recursive_reader_over_a_directory_holding_a_credential_reads_it(string line, bool reachesOne)
    {
        // Found by an attack: grep -r SECRET . printed .env and grep -r machine ~ printed ~/.netrc with no question
        // under danger-full-access; no word on the line names either file.
        File.WriteAllText(Path.Combine(machine.Workspace, ".env"), "SECRET=1");
        File.WriteAllText(Path.Combine(machine.Home, ".netrc"), "machine x");
        Directory.CreateDirectory(Path.Combine(machine.Workspace, "src"));
        File.WriteAllText(Path.Combine(machine.Workspace, "src", "a.cs"), "// TODO");

        var unhidden = machine.Analyze(line, credentialsHidden: false);
        var hidden = machine.Analyze(line, credentialsHidden: true);

        Assert.Equal(reachesOne, unhidden.Parts.Any(part => part.Safety == CommandSafety.Dangerous));
        Assert.DoesNotContain(hidden.Parts, part => part.Safety == CommandSafety.Dangerous);
    }

    [Theory]
    [InlineData("grep -r machine h/../home")]
    [InlineData("grep -r machine h/../home/")]
    [InlineData("grep -r machine h/../hom*")]
    [InlineData("grep -r machine h/../ho[m]e")]
    public void A_recursive_reader_over_dot_dot_after_a_link_reads_where_the_kernel_goes(string line)
    {
        // Found by an attack under danger-full-access: with a workspace link h to the home, "grep -r machine h/../home"
        // printed ~/.netrc with no question. The kernel takes ".." from where the link leads (the home's parent), where
        // the look for a directory took it away from the written path (the workspace's "home", which does not exist).
        File.WriteAllText(Path.Combine(machine.Home, ".netrc"), "machine x");
        File.CreateSymbolicLink(Path.Combine(machine.Workspace, "h"), machine.Home);
        Assert.Equal("home", Path.GetFileName(machine.Home));

        var unhidden = machine.Analyze(line, credentialsHidden: false);

        Assert.Contains(unhidden.Parts, part => part.Program == "grep" && part.Safety == CommandSafety.Dangerous);
    }

    [Theory]
    [InlineData("cat [x]", "[x]", false)]
    [InlineData("head -n 3 [x]y", "[x]y", false)]
    [InlineData("cat [.]env", "[.]env", false)]
    [InlineData("hexdump -f[x] README.md", "[x]", false)]
    [InlineData("grep -r machine [q]", "[q]", true)]
    [InlineData("grep -r machine [q]/", "[q]", true)]
    public void A_pattern_that_matches_nothing_is_passed_on_as_written_and_may_name_a_credential(string line, string link, bool toHome)
    {
        // Found by an attack under danger-full-access and Landlock: with a workspace link "[x]" to ~/.netrc and no file
        // "x", bash passes "[x]" on as it is (it does not match the name "[x]"), and "cat [x]" printed ~/.netrc with no
        // question: the check looked only at what the pattern matches. "grep -r machine [q]" read the home through a link
        // "[q]" the same way.
        File.WriteAllText(Path.Combine(machine.Home, ".netrc"), "machine x");
        File.CreateSymbolicLink(Path.Combine(machine.Workspace, link), toHome ? machine.Home : Path.Combine(machine.Home, ".netrc"));

        var unhidden = machine.Analyze(line, credentialsHidden: false);

        Assert.Contains(unhidden.Parts, part => part.Safety == CommandSafety.Dangerous);
    }

    [Theory]
    [InlineData("cat [x]")]
    [InlineData("grep -r machine [q]")]
    public void A_pattern_that_matches_nothing_and_names_nothing_stays_known_safe(string line)
    {
        File.WriteAllText(Path.Combine(machine.Home, ".netrc"), "machine x");

        Assert.True(KnownSafeJudge.IsKnownSafe(machine.Analyze(line, credentialsHidden: false)));
    }

    [Theory]
    [InlineData("diff h/../home .netrc")]
    [InlineData("diff .netrc h/../home/")]
    [InlineData("git diff h/../home .netrc")]
    public void A_diff_of_dot_dot_after_a_link_is_a_diff_of_the_directory_the_kernel_finds(string line)
    {
        // Found by an attack under danger-full-access: with a workspace link h to the home and any file .netrc in the
        // workspace, "diff h/../home .netrc" compared ~/.netrc with it and printed it with no question: the directory
        // test took ".." away from the written path (the workspace's "home", which does not exist).
        File.WriteAllText(Path.Combine(machine.Home, ".netrc"), "machine x");
        File.WriteAllText(Path.Combine(machine.Workspace, ".netrc"), "other");
        File.CreateSymbolicLink(Path.Combine(machine.Workspace, "h"), machine.Home);
        Assert.Equal("home", Path.GetFileName(machine.Home));

        Assert.False(KnownSafeJudge.IsKnownSafe(machine.Analyze(line)));
    }

    [Theory]
    [InlineData("grep -D read -r x deep", false)]
    [InlineData("grep -rDread x deep", false)]
    [InlineData("grep --dev=r -r x deep", false)]
    [InlineData("grep -r x deep", true)]
    [InlineData("grep -D skip -r x deep", true)]
    [InlineData("grep -D read x notes.txt", true)]
    public void A_recursive_grep_told_to_read_devices_may_wait_on_a_fifo_below_and_is_not_known_safe(string line, bool knownSafe)
    {
        // Found by an attack: grep -D read -r x deep waited without end on a FIFO below deep (grep skips FIFOs and devices
        // while recursing unless told to read them).
        Directory.CreateDirectory(Path.Combine(machine.Workspace, "deep"));
        File.WriteAllText(Path.Combine(machine.Workspace, "deep", "a.txt"), "x");
        File.WriteAllText(Path.Combine(machine.Workspace, "notes.txt"), "notes");

        Assert.Equal(knownSafe, KnownSafeJudge.IsKnownSafe(machine.Analyze(line, credentialsHidden: true)));
    }

    [Theory]
    [InlineData("x=1; cat notes.txt")]
    [InlineData("echo start; cat notes.txt")]
    [InlineData("make build 2>/dev/null; cat notes.txt")]
    [InlineData("set -euo pipefail; export NODE_ENV=test; cat notes.txt")]
    [InlineData("for f in a b; do echo $f; done; cat notes.txt")]
    [InlineData("i=0; while [ $i -lt 3 ]; do i=$((i+1)); done; cat notes.txt")]
    [InlineData("[[ -f notes.txt ]] && cat notes.txt")]
    [InlineData("bash -c 'for i in 1 2; do echo $i; done'; cat notes.txt")]
    public void A_part_that_cannot_move_the_shell_keeps_the_directory(string line)
    {
        File.WriteAllText(Path.Combine(machine.Workspace, "notes.txt"), "notes");

        var analysis = machine.Analyze(line, credentialsHidden: false);

        Assert.Contains(analysis.Parts, part => part.Program == "cat" && part.Safety != CommandSafety.Dangerous && !part.Reason.Contains("credential", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("head -c 16 /dev/urandom")]
    [InlineData("od -An -N4 /dev/random")]
    public void An_endless_device_is_no_credential_it_is_merely_not_known_safe(string line)
    {
        var analysis = machine.Analyze(line, credentialsHidden: false);

        Assert.False(KnownSafeJudge.IsKnownSafe(analysis));
        Assert.DoesNotContain(analysis.Parts, part => part.Safety == CommandSafety.Dangerous);
    }

    [Theory]
    [InlineData("sort fifo", "a FIFO or a socket")]
    [InlineData("tac fifo", "a FIFO or a socket")]
    [InlineData("sort -n zero", "a device that never ends")]
    [InlineData("sort -n tty", "not a regular file")]
    public void Sort_and_tac_of_something_that_need_not_end_are_not_known_safe(string line, string reason)
    {
        // sort spills what does not fit in memory to temporary files, tac copies what it cannot seek: from a FIFO or a
        // device that never ends, without end.
        Assert.Equal(0, HostCommand.Run(machine.Workspace, "mkfifo", "fifo").ExitCode);
        File.CreateSymbolicLink(Path.Combine(machine.Workspace, "zero"), "/dev/zero");
        File.CreateSymbolicLink(Path.Combine(machine.Workspace, "tty"), "/dev/null");

        var analysis = machine.Analyze(line, credentialsHidden: false);

        Assert.False(KnownSafeJudge.IsKnownSafe(analysis));
        Assert.Contains(analysis.Parts, part => part.Reason.Contains(reason, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("sort notes.txt")]
    [InlineData("sort -rn notes.txt | uniq -c")]
    [InlineData("grep -rn TODO . | sort")]
    [InlineData("tac notes.txt")]
    [InlineData("tail -n 20 notes.txt")]
    [InlineData("grep -r TODO .")]
    [InlineData("cat notes.txt 2>/dev/null")]
    [InlineData("cat notes.txt \\\n  notes.txt")]
    public void The_usual_reads_near_those_stay_known_safe(string line)
    {
        File.WriteAllText(Path.Combine(machine.Workspace, "notes.txt"), "b\na\n");

        Assert.True(KnownSafeJudge.IsKnownSafe(machine.Analyze(line, credentialsHidden: false)));
    }

    [Theory]
    [InlineData("date -uf/etc/shadow")]
    [InlineData("grep -hf/etc/shadow README.md")]
    [InlineData("cat e/../credentials")]
    [InlineData("cd e && cat ../credentials")]
    public void Credential_reached_through_an_attached_value_or_a_link_is_still_a_credential_read(string line)
    {
        Directory.CreateDirectory(Path.Combine(machine.Home, ".aws", "sub"));
        File.CreateSymbolicLink(Path.Combine(machine.Workspace, "e"), Path.Combine(machine.Home, ".aws", "sub"));

        var analysis = machine.Analyze(line, credentialsHidden: false);

        Assert.Contains(analysis.Parts, part => part.Safety == CommandSafety.Dangerous);
    }

    [Theory]
    [InlineData("diff h notes.txt", "diff of a directory (")]
    [InlineData("diff -r d1 d2", "diff of a directory (")]
    [InlineData("diff d1 d2", "diff of a directory (")]
    [InlineData("git diff h notes.txt", "git diff of a directory (")]
    [InlineData("git diff d1 d2", "git diff of a directory (")]
    [InlineData("git diff /etc/hostname notes.txt", "git diff of a path outside the workspace")]
    [InlineData("file -m notes.txt:x notes.txt", "file -m is not on file's option allow-list")]
    [InlineData("file --magic-file=x notes.txt", "file --magic-file is not on file's option allow-list")]
    [InlineData("jq -n i*", "could expand to a jq filter")]
    [InlineData("diff -- -d notes.txt", "diff of a directory (-d)")]
    [InlineData("diff --from-file=h notes.txt", "diff --from-file is not on diff's option allow-list")]
    [InlineData("diff --to-file=h notes.txt", "diff --to-file is not on diff's option allow-list")]
    // Found by an attack: git takes -U's and --unified's number only attached, and --color-moved-ws's mode from the next
    // word too; read otherwise, a directory operand was hidden from the proof ("git diff -U ~/.kube .git/config" and
    // "git diff --color-moved-ws no ~ .netrc" printed the credentials).
    [InlineData("git diff -U h notes.txt", "git diff of a directory (")]
    [InlineData("git diff -pU h notes.txt", "git diff of a directory (")]
    [InlineData("git diff notes.txt --unified h", "git diff of a directory (")]
    [InlineData("git diff --color-moved-ws no h notes.txt", "git diff of a directory (")]
    public void Readers_that_would_read_files_the_line_does_not_name_are_not_known_safe(string line, string reason)
    {
        // Found by an attack: diff of a directory reads the files in it (d1/k a link to a credential), file -m reads a
        // colon-separated list, jq's filter can come from a file name a pattern expands to.
        Directory.CreateDirectory(Path.Combine(machine.Workspace, "d1"));
        Directory.CreateDirectory(Path.Combine(machine.Workspace, "d2"));
        File.CreateSymbolicLink(Path.Combine(machine.Workspace, "d1", "k"), Path.Combine(machine.Home, ".ssh", "id_rsa"));
        Directory.CreateSymbolicLink(Path.Combine(machine.Workspace, "h"), machine.Home);
        Directory.CreateSymbolicLink(Path.Combine(machine.Workspace, "-d"), machine.Home);
        File.WriteAllText(Path.Combine(machine.Workspace, "notes.txt"), "notes");
        File.WriteAllText(Path.Combine(machine.Workspace, "import \"d\" as $c; $c"), string.Empty);

        var analysis = machine.Analyze(line, credentialsHidden: false);

        Assert.False(KnownSafeJudge.IsKnownSafe(analysis));
        Assert.Contains(analysis.Parts, part => part.Reason.Contains(reason, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("git show HEAD:.env")]
    [InlineData("git show :.env")]
    [InlineData("git show :0:.env")]
    [InlineData("git cat-file -p HEAD~1:config/.env")]
    [InlineData("git show main:id_rsa")]
    public void A_committed_or_staged_copy_of_a_credential_named_on_the_line_is_a_credential_read(string line)
    {
        // Found by an attack: git show HEAD:.env printed a .env the user had once committed, under any sandbox (the
        // objects are not the hidden file).
        var analysis = machine.Analyze(line);

        Assert.False(KnownSafeJudge.IsKnownSafe(analysis));
        Assert.Contains(analysis.Parts, part => part.Safety == CommandSafety.Dangerous);
    }

    [Theory]
    [InlineData("git log -p -- '.en?'")]
    [InlineData("git log -p -- '*id_rs?'")]
    [InlineData("git log -p -- ':(top).env'")]
    [InlineData("git log -p -- ':!README.md'")]
    [InlineData("git grep -e API HEAD -- '*env'")]
    [InlineData("git grep --no-index -h -e . -- ':(icase).NETRC'")]
    [InlineData("git grep API -- '.env*'")]
    [InlineData("git show 'HEAD:.en?'")]
    [InlineData("git --icase-pathspecs log -p -- .ENV")]
    [InlineData("git --glob-pathspecs log -p -- .e")]
    public void A_git_pathspec_pattern_or_magic_where_contents_are_printed_is_not_known_safe(string line)
    {
        // Found by an attack: git matches pathspecs as patterns, so '.en?' printed a committed .env the check read as
        // the literal name ".en?".
        Assert.False(KnownSafeJudge.IsKnownSafe(machine.Analyze(line)), line);
    }

    [Theory]
    [InlineData("git ls-files '*.cs'")]
    [InlineData("git grep -n 'class .*Order'")]
    [InlineData("git branch --list 'feature/*'")]
    [InlineData("git log --oneline -3")]
    public void Git_patterns_that_select_no_file_contents_stay_known_safe(string line)
    {
        Assert.True(KnownSafeJudge.IsKnownSafe(machine.Analyze(line)), KnownSafeJudge.Explain(KnownSafeJudge.Evaluate(machine.Analyze(line))));
    }

    [Theory]
    [InlineData("printf $'\\x{2d}v' x 1", "\\x{")]
    [InlineData("cat $'\\x{41}'", "\\x{")]
    [InlineData("cat $'\\xff'", "outside ASCII")]
    [InlineData("cat $'\\377'", "outside ASCII")]
    [InlineData("cat $'\\u00e9'", "outside ASCII")]
    [InlineData("cat $'\\U0010ffff'", "outside ASCII")]
    [InlineData("cd $'\\xff' && git status", "outside ASCII")]
    public void An_ansi_c_escape_bash_decodes_otherwise_makes_the_line_unknown(string line, string reason)
    {
        // Found by an attack: bash reads \x{2d} as "-" (printf -v then ran a command from an array subscript) and \xff
        // as the byte 0xFF (a link of that name to ~/.netrc was read as the file named U+00FF).
        var analysis = machine.Analyze(line);

        Assert.False(KnownSafeJudge.IsKnownSafe(analysis), KnownSafeJudge.Explain(KnownSafeJudge.Evaluate(analysis)));
        Assert.Contains(reason, KnownSafeJudge.Explain(KnownSafeJudge.Evaluate(analysis)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cat $'a\\x41'")]
    [InlineData("cat $'\\101'")]
    [InlineData("cat $'\\u0041'")]
    public void An_ansi_c_escape_for_an_ascii_character_stays_understood(string line)
    {
        File.WriteAllText(Path.Combine(machine.Workspace, "aA"), "a");
        File.WriteAllText(Path.Combine(machine.Workspace, "A"), "a");

        Assert.True(KnownSafeJudge.IsKnownSafe(machine.Analyze(line)), line);
    }

    [Theory]
    [InlineData("diff notes.txt other.txt")]
    [InlineData("git diff notes.txt other.txt")]
    [InlineData("git diff d1")]
    [InlineData("git diff HEAD~1 HEAD")]
    public void Comparing_files_the_line_names_stays_known_safe(string line)
    {
        Directory.CreateDirectory(Path.Combine(machine.Workspace, "d1"));
        File.WriteAllText(Path.Combine(machine.Workspace, "notes.txt"), "notes");
        File.WriteAllText(Path.Combine(machine.Workspace, "other.txt"), "other");

        Assert.True(KnownSafeJudge.IsKnownSafe(machine.Analyze(line)), line);
    }

    [Fact]
    public void A_link_to_a_credential_planted_between_two_analyses_is_seen_by_the_second()
    {
        var notes = Path.Combine(machine.Workspace, "notes");
        Directory.CreateDirectory(notes);
        File.WriteAllText(Path.Combine(notes, "readme.txt"), "notes");
        var before = machine.Analyze("cat notes/readme.txt", credentialsHidden: false);

        // The agent owns the workspace: the next line must be judged on the disk as it is then.
        Directory.Delete(notes, recursive: true);
        Directory.CreateSymbolicLink(notes, Path.Combine(machine.Home, ".ssh"));
        var after = machine.Analyze("cat notes/readme.txt", credentialsHidden: false);

        Assert.Equal(CommandSafety.KnownSafe, Assert.Single(before.Parts).Safety);
        Assert.Equal(CommandSafety.Dangerous, Assert.Single(after.Parts).Safety);
    }

    [Fact]
    public void A_program_on_PATH_replaced_by_a_link_into_the_workspace_between_two_analyses_is_seen_by_the_second()
    {
        var before = machine.Analyze("cat README.md");
        var planted = Path.Combine(machine.Workspace, "cat");
        File.WriteAllText(planted, "#!/bin/sh\n");
        File.Delete(Path.Combine(machine.Bin, "cat"));
        File.CreateSymbolicLink(Path.Combine(machine.Bin, "cat"), planted);

        var after = machine.Analyze("cat README.md");

        Assert.Equal(CommandSafety.KnownSafe, Assert.Single(before.Parts).Safety);
        Assert.Contains($"cat resolves to {planted}, which the agent can write", Assert.Single(after.Parts).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_program_on_PATH_that_is_a_dangling_link_into_the_workspace_is_not_known_safe()
    {
        // The agent can create the link's target (in the workspace) after the analysis and before the run.
        var target = Path.Combine(machine.Workspace, "tools", "cat");
        File.Delete(Path.Combine(machine.Bin, "cat"));
        File.CreateSymbolicLink(Path.Combine(machine.Bin, "cat"), target);

        var analysis = machine.Analyze("cat README.md");

        Assert.Contains($"cat resolves to {target}, which the agent can write", Assert.Single(analysis.Parts).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/proc/self/cwd/cat README.md")]
    [InlineData("cat /proc/self/cwd/README.md")]
    [InlineData("cat /dev/fd/3")]
    public void A_path_through_a_link_in_proc_is_not_known_safe(string line)
    {
        // /proc/self/cwd is the command's own working directory when it runs (where the agent may have planted a cat, or
        // a link to a credential), this process's here.
        var analysis = machine.Analyze(line, credentialsHidden: false);

        Assert.All(analysis.Parts, part => Assert.NotEqual(CommandSafety.KnownSafe, part.Safety));
    }

    [Fact]
    public void A_pattern_that_could_expand_to_an_option_like_file_name_is_not_known_safe()
    {
        File.WriteAllText(Path.Combine(machine.Workspace, "-f.env"), string.Empty);

        var analysis = machine.Analyze("grep -h notes *");

        Assert.Contains(analysis.Parts, part => part.Reason.Contains("could expand to a file name that grep reads as an option", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("head -5 README.md")]
    [InlineData("wc -l README.md")]
    [InlineData("grep -n notes README.md")]
    [InlineData("strings @README.md")]
    public void A_written_word_is_not_read_as_a_pattern_whatever_names_the_directory_holds(string line)
    {
        // Only a word with a glob expands to names on disk: a file called "-5", "-l" or "@README.md" changes nothing
        // about "-5" written out, which the grammar reads (before, any such file made every option word "could expand").
        foreach (var name in new[] { "-5", "-l", "-n", "-f.env", "@README.md" })
        {
            File.WriteAllText(Path.Combine(machine.Workspace, name), string.Empty);
        }

        var analysis = machine.Analyze(line);

        Assert.All(analysis.Parts, part => Assert.DoesNotContain("could expand", part.Reason, StringComparison.Ordinal));
        Assert.Equal(line != "strings @README.md", KnownSafeJudge.IsKnownSafe(analysis));
    }

    [Theory]
    [InlineData("--files0-from=lst", "wc -*")]
    [InlineData("--files0-from=lst", "du -*")]
    [InlineData("--files0-from=lst", "wc '-'-f*")]
    [InlineData("-c", "md5sum -? sums")]
    [InlineData("@args", "strings *")]
    [InlineData("@args", "strings @*")]
    // tail's old form: a first word "+1f" follows the file after it ("tail *" with "+1f" and "log" never ended).
    [InlineData("+1f", "tail *")]
    [InlineData("+1f", "tail [+l]* | sort")]
    public void A_pattern_that_could_expand_to_an_option_or_a_response_file_is_not_known_safe(string name, string line)
    {
        File.WriteAllText(Path.Combine(machine.Workspace, name), string.Empty);

        var analysis = machine.Analyze(line);

        Assert.False(KnownSafeJudge.IsKnownSafe(analysis), KnownSafeJudge.Explain(KnownSafeJudge.Evaluate(analysis)));
    }

    [Fact]
    public void Jq_is_not_known_safe_when_the_home_holds_a_library_it_loads_by_itself()
    {
        var before = machine.Analyze("jq . README.md");
        File.WriteAllText(Path.Combine(machine.Home, ".jq"), "def keys: 1;");

        var after = machine.Analyze("jq . README.md");

        Assert.True(KnownSafeJudge.IsKnownSafe(before));
        Assert.Contains("jq loads ~/.jq", Assert.Single(after.Parts).Reason, StringComparison.Ordinal);
    }

    // file (libmagic) adds ~/.magic.mgc or ~/.magic to its magic and quotes the lines it cannot parse in its warnings:
    // with ~/.magic a link to ~/.aws/credentials, "file README.md" printed the secret key (found by an attack).
    [Theory]
    [InlineData(".magic", "link")]
    [InlineData(".magic", "file")]
    [InlineData(".magic", "directory")]
    [InlineData(".magic.mgc", "file")]
    [InlineData(".magic", "dangling link")]
    public void File_is_not_known_safe_when_the_home_holds_magic_it_loads_by_itself(string name, string kind)
    {
        var before = machine.Analyze("file README.md");
        var path = Path.Combine(machine.Home, name);
        switch (kind)
        {
            case "link":
                Directory.CreateDirectory(Path.Combine(machine.Home, ".aws"));
                File.WriteAllText(Path.Combine(machine.Home, ".aws", "credentials"), "[default]\naws_secret_access_key = x\n");
                File.CreateSymbolicLink(path, Path.Combine(machine.Home, ".aws", "credentials"));
                break;
            case "dangling link":
                File.CreateSymbolicLink(path, Path.Combine(machine.Home, "not-yet-there"));
                break;
            case "directory":
                Directory.CreateDirectory(path);
                break;
            default:
                File.WriteAllText(path, "0 string x x\n");
                break;
        }

        var after = machine.Analyze("file README.md");

        Assert.True(KnownSafeJudge.IsKnownSafe(before));
        Assert.False(KnownSafeJudge.IsKnownSafe(after));

        // A link to a credential is a credential read first (the test below); anything else is an unproven part.
        Assert.Contains(kind == "link" ? $"~/{name} (which file loads by itself)" : $"file loads ~/{name}", Assert.Single(after.Parts).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(".magic")]
    [InlineData(".magic/magic.mgc")] // libmagic's third place, found by a review
    public void File_with_home_magic_linked_to_a_credential_is_a_credential_read_where_nothing_hides_it(string name)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(machine.Home, name))!);
        File.CreateSymbolicLink(Path.Combine(machine.Home, name), Path.Combine(machine.Home, ".aws", "credentials"));

        var part = Assert.Single(machine.Analyze("file README.md", credentialsHidden: false).Parts);

        Assert.Equal(CommandSafety.Dangerous, part.Safety);
        Assert.Contains($"~/{name} (which file loads by itself)", part.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nice true", "true")]
    [InlineData("timeout 5 echo hi", "echo")]
    [InlineData("env pwd", "pwd")]
    [InlineData("command nice true", "true")]
    [InlineData("nice cat README.md", "nice")]
    [InlineData("timeout 5 ls", "timeout")]
    public void Every_name_a_wrapper_runs_and_the_wrapper_itself_is_looked_up_on_PATH(string line, string planted)
    {
        // A link in the trusted bin to a program the agent wrote: the builtin's name behind a wrapper that execs it,
        // and the wrapper, are files found on PATH like any other program.
        var target = Path.Combine(machine.Workspace, "planted");
        File.WriteAllText(target, "#!/bin/sh\n");
        File.Delete(Path.Combine(machine.Bin, planted));
        File.CreateSymbolicLink(Path.Combine(machine.Bin, planted), target);

        var analysis = machine.Analyze(line);

        Assert.Contains($"{planted} resolves to {target}, which the agent can write", Assert.Single(analysis.Parts).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_builtin_run_by_bash_itself_needs_no_lookup()
    {
        var planted = Path.Combine(machine.Workspace, "planted");
        File.WriteAllText(planted, "#!/bin/sh\n");
        File.Delete(Path.Combine(machine.Bin, "true"));
        File.CreateSymbolicLink(Path.Combine(machine.Bin, "true"), planted);

        var analysis = machine.Analyze("true; command true");

        Assert.True(KnownSafeJudge.IsKnownSafe(analysis), KnownSafeJudge.Explain(KnownSafeJudge.Evaluate(analysis)));
    }

    [Fact]
    public void A_path_entry_inside_a_directory_every_user_can_write_proves_nothing()
    {
        var shared = Path.GetFullPath(Path.Combine(machine.Workspace, "..", "shared"));
        var planted = Path.Combine(shared, "atk-pathdir");
        Directory.CreateDirectory(planted);
        var context = machine.Context(searchPath: planted + ":" + machine.Bin) with { SharedDirectories = [shared] };

        var analysis = CommandAnalyzer.Analyze("cat x", context);

        Assert.Contains("which every local user can write", Assert.Single(analysis.Parts).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bash -lc ls")]
    [InlineData("bash -l -c ls")]
    [InlineData("bash --login -c ls")]
    [InlineData("bash -elc 'git status'")]
    public void A_login_shell_is_not_known_safe_when_the_agent_can_write_its_start_up_files(string line)
    {
        var inWorkspace = machine.Context() with { HomeDirectory = machine.Workspace };
        var linked = Path.Combine(machine.Home, ".profile");
        var withLink = machine.Context();

        var homeInWorkspace = CommandAnalyzer.Analyze(line, inWorkspace);
        File.CreateSymbolicLink(linked, Path.Combine(machine.Workspace, "profile"));
        var profileLinkedIntoWorkspace = CommandAnalyzer.Analyze(line, withLink);

        Assert.All(homeInWorkspace.Parts, part => Assert.Contains($"from {machine.Workspace}, which the agent can write", part.Reason, StringComparison.Ordinal));
        Assert.All(profileLinkedIntoWorkspace.Parts, part => Assert.Contains($"from {linked}, which the agent can write", part.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void A_login_shell_whose_home_is_the_users_own_runs_its_script_as_known_safe()
    {
        var analysis = machine.Analyze("bash -lc 'git status'");

        Assert.True(KnownSafeJudge.IsKnownSafe(analysis), KnownSafeJudge.Explain(KnownSafeJudge.Evaluate(analysis)));
    }

    [Fact]
    public void The_machine_counts_its_temporary_directories_as_shared()
    {
        Assert.Contains("/tmp", AnalysisContext.MachineSharedDirectories);
        Assert.Contains("/dev/shm", AnalysisContext.MachineSharedDirectories);
        Assert.Same(AnalysisContext.MachineSharedDirectories, AnalysisContext.Detached.SharedDirectories);
    }

    [Theory]
    [InlineData("git -C lnk status")]
    [InlineData("cd lnk && git status")]
    public void Git_finds_the_repository_where_the_directory_really_is(string line)
    {
        var inner = Path.Combine(machine.Workspace, "inner");
        Directory.CreateDirectory(Path.Combine(inner, ".git"));
        Directory.CreateDirectory(Path.Combine(inner, "a", "b"));
        File.WriteAllText(Path.Combine(inner, ".git", "HEAD"), "ref: refs/heads/main\n");
        File.WriteAllText(Path.Combine(inner, ".git", "config"), "[core]\n\tfsmonitor = touch pwned\n");
        File.CreateSymbolicLink(Path.Combine(machine.Workspace, "lnk"), Path.Combine(inner, "a", "b"));

        var analysis = machine.Analyze(line);

        Assert.Contains(analysis.Parts, part => part.Program == "git" && part.Reason.Contains("core.fsmonitor", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("[extensions]\n\tpartialClone = origin\n", "extensions.partialclone")]
    [InlineData("[remote \"origin\"]\n\tpromisor = true\n", "promisor")]
    public void A_partial_clone_that_would_fetch_on_demand_is_not_a_plain_inspection(string config, string key)
    {
        var repository = Path.Combine(machine.Workspace, "pc");
        Directory.CreateDirectory(Path.Combine(repository, ".git"));
        File.WriteAllText(Path.Combine(repository, ".git", "HEAD"), "ref: refs/heads/main\n");
        File.WriteAllText(Path.Combine(repository, ".git", "config"), config);

        var analysis = machine.Analyze("git -C pc log -p");

        Assert.Contains(analysis.Parts, part => part.Program == "git" && part.Reason.Contains(key, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_pattern_built_to_blow_up_the_credential_match_is_judged_promptly()
    {
        var line = "cat /proc/*a" + new string('?', 40) + "/x";

        // A hang detector, not a speed goal: the search has a budget and must end.
        var analysis = await Task.Run(() => machine.Analyze(line)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("cat", Assert.Single(analysis.Parts).Program);
    }

    [Theory]
    [InlineData("rg -n foo src")]
    [InlineData("git log --oneline -5")]
    [InlineData("git status")]
    [InlineData("git diff HEAD~1 --stat")]
    [InlineData("git show HEAD:README.md")]
    [InlineData("git log -p -- src/x.cs")]
    [InlineData("git branch -a")]
    [InlineData("git -C src log -3 --format='%h %s'")]
    [InlineData("ls -la | head")]
    [InlineData("sed -n '1,20p' README.md")]
    [InlineData("sed -n '/TODO/p' README.md")]
    [InlineData("cat README.md")]
    [InlineData("find . -name '*.cs'")]
    [InlineData("find src -type f -name '*.json' -not -path './node_modules/*' | head -20")]
    [InlineData("cd src && rg foo")]
    [InlineData("grep foo *.c")]
    [InlineData("wc -l < README.md")]
    [InlineData("ls 2>/dev/null")]
    [InlineData("ls src 2>&1 | head -5")]
    [InlineData("sort -k2 -n README.md | uniq -c")]
    [InlineData("head -n 5 README.md")]
    [InlineData("timeout 5 ls")]
    [InlineData("command -v git")]
    [InlineData("bash -c 'ls'")]
    [InlineData("bash --norc -c 'git status'")]
    [InlineData("grep -n '[a-z]' README.md")]
    [InlineData("echo '[' x ']'")]
    [InlineData("ls [ab]*")]
    [InlineData("echo $'\\tx'")]
    [InlineData("cat <<\"E\\\"F\"\nhello\nE\"F")]
    [InlineData("jq .include package.json")]
    [InlineData("sha256sum README.md")]
    [InlineData("strings a.c")]
    [InlineData("nice -n 5 true")]
    [InlineData("timeout -s KILL 5 cat README.md")]
    [InlineData("timeout --signal=SIGTERM -k 1 5 cat README.md")]
    [InlineData("bash -euo pipefail -c 'ls | wc -l'")]
    [InlineData("cat <<'EOF'\nhello\nEOF")]
    [InlineData("echo hello world")]
    [InlineData("echo ~")]
    [InlineData("(cd src; ls)")]
    [InlineData("xxd -l 64 README.md")]
    [InlineData("date +%Y-%m-%d")]
    [InlineData("tree -L 2 src")]
    [InlineData("diff -u README.md a.c")]
    [InlineData("jq . package.json")]
    public void Usual_read_only_line_stays_known_safe(string line)
    {
        var analysis = machine.Analyze(line);

        Assert.True(
            KnownSafeJudge.IsKnownSafe(analysis),
            string.Join("; ", analysis.Parts.Select(part => $"{part.Program}: {part.Reason}")) + (analysis.UnknownReason is { } why ? $" (unknown: {why})" : string.Empty));
    }
}
