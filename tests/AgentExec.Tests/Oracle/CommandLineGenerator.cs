using System.Text;

namespace AgentExec.Tests.Oracle;

/// <summary>
/// A grammar of command lines that mixes the known-safe programs, their options (the harmless ones and the ones
/// that write, delete, run programs or reach the network) and every bash feature that can change a word or a
/// command: braces at any nesting, globs over the option-like files of the scratch area, quoting and escapes,
/// expansions inside and outside double quotes, arrays, builtins, shell options, nested shells of other dialects,
/// pseudo-devices, redirections, joins, <c>cd</c> into the marked repository and program paths.
/// </summary>
/// <remarks>
/// Deterministic per seed: the n-th line of a seed is the same on every machine, so a miss is replayed by its
/// seed alone. <c>@MARK@</c> in a line stands for the absolute path of the marker program (see
/// <see cref="CorpusFile.Expand"/>).
/// </remarks>
internal sealed class CommandLineGenerator(int seed)
{
    // Program → (harmless argument lists, argument lists that do more than read). Each list is one option with its
    // arguments, kept together so that a disguise can keep them together or split them across a brace.
    private static readonly Dictionary<string, (string[][] Plain, string[][] Payload)> Programs = new(StringComparer.Ordinal)
    {
        ["sort"] = ([["-r"], ["-n"], ["-u"], ["f1"], ["f2"], ["-k", "2"], ["notes.txt"]],
            [["-o", "out"], ["--output=out"], ["--out=out"], ["-oout"], ["-o", "-"], ["-uo", "out"], ["--outp", "out"]]),
        ["uniq"] = ([["-c"], ["-d"], ["f1"], ["-i"]], [["f1", "out"], ["-c", "f1", "out"], ["-", "out"]]),
        ["find"] = ([["."], ["sub"], ["-name", "'*.txt'"], ["-type", "f"], ["-maxdepth", "1"], ["-print"]],
            [["-delete"], ["-exec", "touch", "p", "\\;"], ["-execdir", "@MARK@", "{}", "+"], ["-fprint", "out"], ["-fls", "out"],
             ["-fprintf", "out", "%p"], ["-exec", "@MARK@", "{}", "';'"]]),
        ["sed"] = ([["-n", "1p", "f1"], ["-n", "'1,2p'", "f2"], ["-n", "-e", "2p", "f1"], ["-n", "'$p'", "f1"]],
            [["-i", "s/a/b/", "f1"], ["--in-place", "s/a/b/", "f1"], ["-n", "'w out'", "f1"], ["'1e touch p'", "f1"],
             ["-n", "'1w out'", "f1"], ["'s/a/b/w out'", "f1"], ["-i.bak", "1p", "f1"], ["--in", "1p", "f1"]]),
        ["xxd"] = ([["f1"], ["-l", "16", "f1"], ["-c", "8", "f1"], ["-p", "f2"]], [["f1", "out"], ["-r", "f1", "out"], ["-p", "f1", "out"]]),
        ["printf"] = ([["'%s\\n'", "hi"], ["hello"], ["'%d\\n'", "3"]],
            [["-v", "'a[$(touch p)]'", "x"], ["-v", "'a[`touch p`]'", "x"], ["-v", "x", "y"]]),
        ["test"] = ([["-f", "f1"], ["-d", "sub"], ["-n", "x"], ["-e", "notes.txt"]], [["-v", "'a[$(touch p)]'"], ["-v", "'a[`touch p`]'"]]),
        ["git"] = ([["status"], ["log", "--oneline"], ["log", "-1"], ["diff"], ["show", "--stat"], ["branch"], ["log", "-p"], ["diff", "HEAD~1"]],
            [["log", "--output=out"], ["log", "--out=out"], ["diff", "--ext-diff"], ["log", "-p", "--textconv"], ["-c", "core.pager=@MARK@", "log"],
             ["-c", "alias.st=!touch p", "st"], ["--git-dir=marked/.git", "status"], ["-C", "marked", "status"], ["-C", "marked", "log", "-p"],
             ["-C", "marked", "diff"], ["--work-tree=marked", "--git-dir=marked/.git", "diff"], ["-p", "log"], ["--exec-path=bin", "log"],
             ["diff", "--output", "out"], ["log", "--outp=out"]]),
        ["rg"] = ([["-n", "apple"], ["-l", "apple"], ["--files"], ["-c", "a", "f1"]],
            [["--pre=@MARK@", "apple"], ["--pre", "@MARK@", "apple"], ["-z", "apple"], ["--search-zip", "apple"], ["--hostname-bin=@MARK@", "apple"]]),
        ["echo"] = ([["hi"], ["\"hello world\""], ["'$HOME'"], ["-n", "x"], ["a", "b"]],
            [["$(touch p)"], ["\"$(touch p)\""], ["`touch p`"], ["\"`touch p`\""], ["$((a[$(touch p)]))"], ["\"${a[$(touch p)]}\""],
             ["${x:=$(touch p)}"], ["$(<.env)"], ["\"$(cat ~/.ssh/id_rsa)\""], ["$(</dev/tcp/127.0.0.1/9)"], ["<(touch p)"]]),
        ["cat"] = ([["f1"], ["notes.txt"], ["sub/inner.txt"], ["-n", "f2"], ["*.txt"]],
            [["~/.ssh/id_rsa"], [".env"], ["~/.aws/credentials"], ["$HOME/.ssh/id_rsa"], ["~/.ss*/id*"], [".e*"], ["../home/.ssh/id_rsa"],
             ["\"$HOME\"/.aws/credentials"], [".[e]nv"], ["~/.aws/*"], ["${HOME}/.ssh/id_rsa"]]),
        ["head"] = ([["-n", "2", "f1"], ["-c", "5", "f2"], ["f1"]], [["-n", "1", ".env"], ["~/.aws/credentials"], ["-c1", "~/.ssh/id_rsa"]]),
        ["tail"] = ([["-n", "1", "f1"], ["f2"]], [["-n", "1", ".env"], ["~/.ssh/id_rsa"]]),
        ["wc"] = ([["-l", "f1"], ["f1", "f2"], ["-c", "notes.txt"]], [["-c", ".env"], ["~/.ssh/id_rsa"], ["--files0-from=f1"]]),
        ["ls"] = ([["-la"], ["-1"], ["sub"], ["."], ["-R", "sub"], ["*"], ["-d", "*/"]], [["~/.ssh"], ["-la", "~"]]),
        ["grep"] = ([["-n", "apple", "f1"], ["-c", "a", "f1", "f2"], ["-rn", "inner", "sub"]], [["KEY", ".env"], ["-h", "aws", "~/.aws/credentials"]]),
        ["stat"] = ([["f1"], ["-c", "%s", "f2"]], [["~/.ssh/id_rsa"]]),
        ["od"] = ([["-c", "f2"]], [["-c", ".env"]]),
        ["cut"] = ([["-c1-3", "f1"], ["-d", "a", "-f1", "f1"]], [["-c1-3", ".env"]]),
        ["date"] = ([["+%s"], ["-u"]], [["-s", "2020-01-01"], ["--set=2020-01-01"]]),
        ["hostname"] = ([[]], [["evil"], ["-F", "f2"]]),
        ["file"] = ([["f1"]], [["-C", "-m", "f1"]]),
        ["base64"] = ([["f2"]], [["-d", "f1"]]),
        ["pwd"] = ([[]], [[]]),
        ["id"] = ([[]], [[]]),
    };

    // The conditional programs, whose options the analyzer must parse, come up three times as often.
    private static readonly string[] ProgramNames =
        [.. Programs.Keys, .. Enumerable.Repeat<string[]>(["sort", "uniq", "find", "sed", "xxd", "printf", "test", "git", "rg"], 2).SelectMany(names => names)];

    // Words the option-like files of the scratch area answer to, so that a glob can produce the refused option.
    private static readonly Dictionary<string, string[]> Globs = new(StringComparer.Ordinal)
    {
        ["-o"] = ["-[o]", "-o*", "?o", "-[o-o]", "[-]o"],
        ["-delete"] = ["-del*", "-d?lete", "-[d]elete", "*lete"],
        ["-exec"] = ["-ex*", "-exe[c]"],
        ["-v"] = ["-[v]", "-v*"],
        ["--output=out"] = ["--out*", "--output=?", "--*=x"],
        ["--pre=@MARK@"] = ["--pre*", "--pre=?"],
        ["-rf"] = ["-r?", "-[r]f"],
    };

    private static readonly string[][] GlobLists = [.. Globs.Values, ["*", "-*", "--*", ".*", "*=*", "[-]*", "?", "-?", "*x"]];

    private static readonly string[] Preludes =
    [
        "set -k; ", "set -o keyword; ", "shopt -s extglob\n", "shopt -s expand_aliases\nalias ls='touch p'\n", "IFS=,; ",
        "PATH=./bin:$PATH; ", "export PATH=bin:$PATH; ", "export GIT_EXTERNAL_DIFF=@MARK@; ", "declare -a a; ", "read x <<< -o; ",
        "hash -p ./bin/mark ls; ", "enable -n echo; ", "function ls { touch p; }; ", "trap 'touch p' EXIT; ", "cd marked; ",
        "cd marked && ", "cd clean && ", "cd sub; ", "source ./script.sh; ", ". ./script.sh; ", "eval 'touch p'; ", "umask 000; ",
        "set -euo pipefail; ", "set -x; ", "cd ../home && ", "cd ~ && ", "export GIT_PAGER=@MARK@; ", "GIT_DIR=marked/.git ",
        "GIT_EXTERNAL_DIFF=@MARK@ ", "LD_PRELOAD=./x.so ", "BASH_ENV=./script.sh ", "set -C; ", "shopt -s dotglob; ", "shopt -s nullglob; ",
        "x=-o; ", "x='a[$(touch p)]'; ", "mapfile a < f1; ", "let 'a[$(touch p)]=1'; ", "cd -P . && ",
    ];

    private static readonly string[] Wrappers =
    [
        "env ", "command ", "exec ", "nice ", "timeout 1 ", "nohup ", "stdbuf -o0 ", "time ", "env -i ", "env -S'touch p' ", "env -C sub ",
        "time -o out ", "timeout -s KILL 1 ", "nice -n 5 ", "builtin ", "\\", "/usr/bin/", "./bin/", "bin/", "command -p ", "sudo ",
    ];

    private static readonly string[] PlainRedirections = [" > /dev/null", " 2>/dev/null", " 2>&1", " < f1", " <<< hi", " &>/dev/null", " 1>&2", " </dev/null"];

    private static readonly string[] PayloadRedirections =
    [
        " > out", " >> out", " >| out", " &> out", " 2> out", " <> f1", " < /dev/tcp/127.0.0.1/9", " < /dev/udp/127.0.0.1/9",
        " 3<>/dev/tcp/127.0.0.1/1", " > /dev/tcp/127.0.0.1/9", " >& out", " 2>>out", " > $(touch p)", " < $(touch p)", " <&- > out",
        " 4>out", " < .env", " < ~/.ssh/id_rsa", " >{out,x}", " > {out,}", " 2>/dev/tc[p]/127.0.0.1/9",
    ];

    private static readonly string[] Joins = ["; ", " && ", " || ", " | ", " & ", "\n"];

    private static readonly string[] NestedShells =
    [
        "bash -c ", "bash -lc ", "bash -k -c ", "bash -o keyword -c ", "sh -c ", "dash -c ", "bash -O extglob -c ", "bash --norc -c ",
        "bash -e -c ", "bash -i -c ", "bash --rcfile script.sh -c ", "eval ", "bash -s <<< ", "bash <<< ",
    ];

    private readonly Random random = new(seed);

    /// <summary>The seed this generator was made with.</summary>
    public int Seed => seed;

    /// <summary>The next command line.</summary>
    public string Next()
    {
        var line = new StringBuilder();
        var preludes = new List<string>();
        var statements = 1 + (Chance(0.35) ? random.Next(1, 3) : 0);
        for (var i = 0; i < statements; i++)
        {
            if (i > 0)
            {
                line.Append(Pick(Joins));
            }

            line.Append(Statement(preludes));
        }

        if (Chance(0.05))
        {
            line.Append(" &");
        }

        if (Chance(0.25))
        {
            preludes.Add(Pick(Preludes));
        }

        var text = string.Concat(preludes) + line;
        return Chance(0.12) ? Nest(text) : Chance(0.03) ? DialectTrick() : text;
    }

    private string Statement(List<string> preludes)
    {
        var program = Pick(ProgramNames);
        var (plain, payload) = Programs[program];
        var words = new List<string>();
        var count = random.Next(0, 4);
        var payloadIndex = Chance(0.5) ? random.Next(0, count + 1) : -1;
        for (var i = 0; i <= count; i++)
        {
            var option = i == payloadIndex ? Pick(payload) : Pick(plain);
            words.AddRange(Disguise(option, preludes));
        }

        if (Chance(0.12))
        {
            words.Insert(random.Next(words.Count + 1), Pick(Pick(GlobLists)));
        }

        // find takes its start directory first, [ wants its closing bracket.
        var head = program == "find" ? "find ." : program == "test" && Chance(0.5) ? "[" : program;
        if (Chance(0.15))
        {
            head = Pick(Wrappers) + head;
        }
        else if (Chance(0.05))
        {
            head = Pick<string>(["\"" + head + "\"", "'" + head[..1] + "'" + head[1..], "$(echo " + head + ")", "${x:-" + head + "}", "PATH=bin " + head]);
        }

        var statement = new StringBuilder(head);
        foreach (var word in words)
        {
            statement.Append(' ').Append(word);
        }

        if (head.EndsWith('['))
        {
            statement.Append(" ]");
        }

        if (Chance(0.25))
        {
            statement.Append(Chance(0.5) ? Pick(PayloadRedirections) : Pick(PlainRedirections));
        }

        return statement.ToString();
    }

    // The words of one option, possibly written so that they look different from what bash will pass.
    private string[] Disguise(string[] option, List<string> preludes)
    {
        if (option.Length == 0)
        {
            return [];
        }

        if (!Chance(0.45))
        {
            return option;
        }

        if (option.Length > 1 && Chance(0.3))
        {
            // One brace word that bash splits into the option and its argument.
            var inner = string.Join(',', option);
            return [Pick<string>(["{" + inner + "}", "{" + inner + ",x{}}", "{{" + inner + "},}", "{" + inner + "}{,}"])];
        }

        var index = random.Next(option.Length);
        var words = (string[])option.Clone();
        words[index] = DisguiseWord(words[index], preludes);
        return words;
    }

    private string DisguiseWord(string word, List<string> preludes)
    {
        if (Globs.TryGetValue(word, out var globs) && Chance(0.5))
        {
            return Pick(globs);
        }

        switch (random.Next(16))
        {
            case 0: return "{" + word + ",x{}}";
            case 1: return "{x,{" + word + ",y}}";
            case 2: return "{" + word + "," + word + "}";
            case 3: return word.Length > 1 ? "{" + word[0] + "," + word[0] + "}" + word[1..] : word;
            case 4: return "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
            case 5: return "\"" + word + "\"";
            case 6: return word.Length > 1 ? word[0] + "\\" + word[1..] : word;
            case 7: return "$'" + word.Replace("'", "\\'", StringComparison.Ordinal) + "'";
            case 8: return word.Length > 1 ? word[..1] + "\\\n" + word[1..] : word;
            case 9:
                preludes.Add("x=" + word + "; ");
                return Pick<string>(["$x", "${x}", "\"$x\"", "${x[0]}", "${x:-y}", "${x%%z}"]);
            case 10: return Pick<string>(["$(echo " + word + ")", "`echo " + word + "`", "\"$(printf %s " + word + ")\"", "$(printf %s " + word + ")"]);
            case 11: return word + "$((0))";
            case 12: return Pick<string>(["*", "-*", "--*", ".*", "*=*", "[-]*", "?"]);
            case 13:
                preludes.Add("shopt -s extglob\n");
                return "@(" + word + ")";
            case 14: return word + Pick<string>(["$@", "$*", "${@}", "\"$@\"", "${!x}", "$-"]);
            default: return word.StartsWith('-') ? "-" + "{" + word[1..] + ",}" : "~" + word;
        }
    }

    // The whole line as a script for another shell, or for bash with options that change its reading.
    private string Nest(string line)
    {
        var shell = Pick(NestedShells);
        var quoted = "'" + line.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
        return Chance(0.15) ? shell.Split(' ')[0] + " <<'EOF'\n" + line + "\nEOF" : shell + quoted;
    }

    // dash has no &> and no $'…': what bash reads as one command, dash reads as two.
    private string DialectTrick()
    {
        var shell = Pick<string>(["sh", "dash", "/bin/sh", "busybox sh"]);
        var program = Pick<string>(["ls", "echo", "cat f1", "git status", "wc -l f1"]);
        return Pick<string>(
        [
            $"{shell} -c '{program} &>/dev/null touch p'",
            $"{shell} -c \"{program} \\$'a\\\\' ; touch p # \\\\''\"",
            $"{shell} -c '{program} &> out'",
        ]);
    }

    private bool Chance(double probability) => random.NextDouble() < probability;

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
