using System.Text.RegularExpressions;

namespace AgentExec.Core.Commands;

/// <summary>
/// The programs a known-safe part may run, and what each may be given (SPEC.md "Policy", step 3a). The one list
/// the proof consults; <c>docs/known-safe.md</c> shows it.
/// </summary>
/// <remarks>
/// <para>
/// <em>Readers</em> have no option that writes, runs a program or reaches the network, so whatever a pathname
/// pattern or <c>~</c> expands to (an option-like file name included) stays a read: they may take them.
/// </para>
/// <para>
/// <em>Conditional</em> programs have such options; they take only literal words, and only the options their
/// <see cref="OptionGrammar"/> (or their own check, for programs with single-dash long options) allows.
/// </para>
/// <para>
/// Left out on purpose: pagers (<c>less</c>, <c>more</c>, <c>man</c>) and <c>awk</c> run commands; build tools run
/// project-defined code; <c>nohup</c>, <c>xargs</c> and <c>sudo</c> are not transparent.
/// </para>
/// </remarks>
internal static partial class KnownSafePrograms
{
    /// <summary>Bash builtins that are known-safe; no <c>PATH</c> lookup happens for them.</summary>
    public static readonly IReadOnlySet<string> Builtins =
        new HashSet<string>(StringComparer.Ordinal) { "echo", "printf", "test", "[", "pwd", "true", "false", ":", "type", "cd", "command" };

    /// <summary>Programs none of whose options can write, run a program or reach the network.</summary>
    public static readonly IReadOnlySet<string> Readers = new HashSet<string>(StringComparer.Ordinal)
    {
        "cat", "ls", "pwd", "echo", "head", "tail", "wc", "grep", "egrep", "fgrep", "cut", "tr", "nl", "rev", "seq", "stat",
        "which", "whoami", "id", "uname", "true", "false", ":", "basename", "dirname", "realpath", "readlink", "du", "df",
        "printenv", "cmp", "md5sum", "sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum", "b2sum", "cksum",
        "column", "fold", "expand", "unexpand", "paste", "join", "comm", "od", "hexdump", "strings", "type", "jq",
        "sleep", "nproc", "arch", "groups", "logname", "tty", "expr", "fmt", "factor", "numfmt", "uptime",
    };

    private static readonly Dictionary<string, OptionGrammar> Grammars = new(StringComparer.Ordinal)
    {
        // -o/--output writes, -T/--temporary-directory writes elsewhere, --compress-program runs a program.
        ["sort"] = new()
        {
            ShortFlags = "bdfgiMhnRrVcCmsuz",
            ShortWithValue = "ktS",
            LongFlags = OptionGrammar.Names("ignore-leading-blanks", "dictionary-order", "ignore-case", "general-numeric-sort", "ignore-nonprinting",
                "month-sort", "human-numeric-sort", "numeric-sort", "random-sort", "reverse", "version-sort", "merge", "stable",
                "unique", "zero-terminated", "debug", "help", "version"),
            LongWithValue = OptionGrammar.Names("key", "field-separator", "buffer-size", "sort", "parallel", "random-source"),
            LongOptionalValue = OptionGrammar.Names("check"),
        },

        // tac copies an input it cannot seek (a pipe, a device) to a temporary file first: only named regular files
        // (KnownSafeProof.RefuteSpilledInput), read backwards in place.
        ["tac"] = new()
        {
            ShortFlags = "br",
            ShortWithValue = "s",
            LongFlags = OptionGrammar.Names("before", "regex", "help", "version"),
            LongWithValue = OptionGrammar.Names("separator"),
        },

        // uniq [OPTION]... [INPUT [OUTPUT]]: a second operand is a file it writes.
        ["uniq"] = new()
        {
            ShortFlags = "cdDiuz",
            ShortWithValue = "fsw",
            LongFlags = OptionGrammar.Names("count", "repeated", "ignore-case", "unique", "zero-terminated", "help", "version"),
            LongWithValue = OptionGrammar.Names("skip-fields", "skip-chars", "check-chars"),
            LongOptionalValue = OptionGrammar.Names("all-repeated", "group"),
            MaxOperands = 1,
        },

        // -i writes files; -f reads a script that could hold "w FILE" or "e CMD". The scripts are checked apart.
        ["sed"] = new()
        {
            ShortFlags = "nrEsuz",
            ShortWithValue = "el",
            LongFlags = OptionGrammar.Names("quiet", "silent", "regexp-extended", "separate", "unbuffered", "null-data", "posix", "debug", "sandbox", "help", "version"),
            LongWithValue = OptionGrammar.Names("expression", "line-length"),
        },

        // base64 [OPTION]... [FILE]: a second operand is refused, as for uniq.
        ["base64"] = new()
        {
            ShortFlags = "di",
            ShortWithValue = "w",
            LongFlags = OptionGrammar.Names("decode", "ignore-garbage", "help", "version"),
            LongWithValue = OptionGrammar.Names("wrap"),
            MaxOperands = 1,
        },

        // -o writes the listing to a file, -R with -H writes 00Tree.html files, --fromfile reads names from a file.
        ["tree"] = new()
        {
            ShortFlags = "adfilshDCnFqNpugxrtcUvJXA",
            ShortWithValue = "LPI",
            LongFlags = OptionGrammar.Names("du", "noreport", "dirsfirst", "prune", "matchdirs", "ignore-case", "gitignore", "inodes", "device", "si", "help", "version"),
            LongWithValue = OptionGrammar.Names("charset", "filelimit", "sort", "timefmt"),
            ValueOptionsAlone = true,
        },

        // -C compiles a magic file (writes), -z/-Z look inside compressed files (runs decompressors), -p touches times,
        // -m/--magic-file reads a colon-separated list of files as magic and prints their lines in its warnings (an
        // attack read ~/.aws/credentials as "a.txt:~/.aws/credentials", one path to the credential check).
        ["file"] = new()
        {
            ShortFlags = "bhiLkNnrsSvl0",
            ShortWithValue = "eFP",
            LongFlags = OptionGrammar.Names("brief", "mime", "mime-type", "mime-encoding", "dereference", "no-dereference", "keep-going", "no-pad", "raw", "special-files", "help", "version"),
            LongWithValue = OptionGrammar.Names("exclude", "separator", "parameter"),
        },

        // -s and an operand that is not +FORMAT set the clock. -f/--file reads dates from a file (a FIFO there waits
        // without end, and each line may name a time zone file, as -d's TZ="…" does: DateStringRefusal): left out.
        ["date"] = new()
        {
            ShortFlags = "uR",
            ShortWithValue = "dr",
            LongFlags = OptionGrammar.Names("utc", "universal", "rfc-email", "debug", "help", "version"),
            LongWithValue = OptionGrammar.Names("date", "reference", "rfc-3339"),
            LongOptionalValue = OptionGrammar.Names("iso-8601"),
        },

        // An operand sets the host name. -a/--alias, -A/--all-fqdns, -d/--domain, -f/--fqdn/--long and -i/--ip-address
        // ask the resolver, which sends DNS queries when /etc/hosts does not answer (hostname -A sent reverse lookups of
        // the interfaces' addresses to the name server with no sandbox, found by an attack): left out. -I lists the
        // interfaces' addresses and -s cuts the name, locally.
        ["hostname"] = new()
        {
            ShortFlags = "Is",
            LongFlags = OptionGrammar.Names("all-ip-addresses", "short", "help", "version"),
            MaxOperands = 0,
        },

        // -l/--paginate runs pr. --from-file and --to-file compare a directory's files of the operands' names (an attack
        // read ~/.netrc with --from-file=~ .netrc): left out.
        ["diff"] = new()
        {
            ShortFlags = "iEZbwBatNTyqsupcdrP",
            ShortWithValue = "CUFIxXSDW",
            LongFlags = OptionGrammar.Names("normal", "brief", "report-identical-files", "context", "unified", "ed", "rcs", "side-by-side", "left-column",
                "suppress-common-lines", "show-c-function", "recursive", "no-dereference", "new-file", "unidirectional-new-file",
                "ignore-file-name-case", "no-ignore-file-name-case", "text", "strip-trailing-cr", "ignore-case", "ignore-tab-expansion",
                "ignore-trailing-space", "ignore-space-change", "ignore-all-space", "ignore-blank-lines", "minimal", "speed-large-files",
                "expand-tabs", "initial-tab", "suppress-blank-empty", "help", "version", "show-function-line"),
            LongWithValue = OptionGrammar.Names("show-function-line", "label", "exclude", "exclude-from", "starting-file",
                "ignore-matching-lines", "width", "tabsize", "horizon-lines", "line-format", "old-line-format", "new-line-format",
                "unchanged-line-format", "old-group-format", "new-group-format", "changed-group-format", "unchanged-group-format"),
            LongOptionalValue = OptionGrammar.Names("color", "palette"),
        },

        // --pre and --hostname-bin run programs, -z/--search-zip runs decompressors; ripgrep takes no abbreviations.
        // -L/--follow follows the links below the directories it searches, as grep -R does: left out.
        ["rg"] = new()
        {
            ShortFlags = "cFHhiIlnNopqsSuUvVwxab0P",
            ShortWithValue = "ABCefgjmMrtTdE",
            LongFlags = OptionGrammar.Names("count", "count-matches", "fixed-strings", "with-filename", "no-filename", "ignore-case", "case-sensitive",
                "smart-case", "files-with-matches", "files-without-match", "line-number", "no-line-number", "only-matching",
                "pretty", "quiet", "hidden", "unrestricted", "multiline", "multiline-dotall", "invert-match", "word-regexp",
                "line-regexp", "text", "byte-offset", "null", "null-data", "pcre2", "files", "type-list", "json", "vimgrep", "heading",
                "no-heading", "no-ignore", "no-ignore-vcs", "no-ignore-parent", "no-ignore-dot", "no-ignore-global", "no-ignore-exclude",
                "no-ignore-files", "no-require-git", "no-messages", "no-config", "one-file-system", "passthru", "stats", "trim",
                "column", "no-column", "crlf", "no-unicode", "block-buffered", "line-buffered", "max-columns-preview",
                "glob-case-insensitive", "include-zero", "no-mmap", "mmap", "debug", "trace", "help", "version", "binary", "no-binary",
                "auto-hybrid-regex", "no-auto-hybrid-regex", "sort-files", "no-pcre2-unicode", "no-encoding"),
            LongWithValue = OptionGrammar.Names("after-context", "before-context", "context", "regexp", "encoding", "file", "glob", "iglob", "threads",
                "max-count", "max-columns", "replace", "type", "type-not", "max-depth", "max-filesize", "sort", "sortr", "color",
                "colors", "engine", "ignore-file", "path-separator", "field-match-separator", "field-context-separator",
                "context-separator", "pre-glob", "dfa-size-limit", "regex-size-limit", "type-add", "type-clear"),
        },
    };

    // The conditional programs whose arguments are checked by code of their own rather than a grammar.
    private static readonly Dictionary<string, Func<IReadOnlyList<string>, string?>> Checks = new(StringComparer.Ordinal)
    {
        // bash's printf -v assigns a variable (and evaluates an array subscript); only a format may come first.
        ["printf"] = arguments => arguments.Count > 0 && arguments[0].StartsWith('-') ? "printf with an option (-v assigns a variable)" : null,

        // test -v / -R evaluate an array subscript, which can hold $(…); "[" must end with "]".
        ["test"] = arguments => TestRefusal("test", arguments),
        ["["] = arguments => TestRefusal("[", arguments),
        ["command"] = arguments => arguments.Count > 0 && arguments[0] is "-v" or "-V" or "-pv" or "-pV" or "-vp" or "-Vp"
            ? null
            : "command runs the program it names",
        ["env"] = arguments => arguments.All(argument => argument is "-0" or "--null") ? null : "env with arguments",
        ["xxd"] = XxdRefusal,
        ["find"] = FindGrammar.Refute,
        ["git"] = arguments => GitInspection.Refute(arguments).Refusal,
    };

    /// <summary>
    /// The programs on the list that never open their operands to read them (they print them, look them up or stat
    /// them): a FIFO among their words is no wait. Every other program is taken to open what its words name.
    /// </summary>
    public static IReadOnlySet<string> OperandsNotOpened { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        // Not du: -X/--exclude-from opens a file of patterns (du -X ff waited on a FIFO without end, found by an attack).
        "echo", "printf", "ls", "stat", "basename", "dirname", "realpath", "readlink", "df", "test", "[", "which", "type",
        "command", "pwd", "true", "false", ":", "seq", "sleep", "cd", "id", "groups", "whoami", "uname", "date", "hostname",
        "printenv", "nproc", "arch", "logname", "tty", "expr", "factor", "numfmt", "uptime", "find", "tree",
    };

    /// <summary>True when <paramref name="program"/> is on the known-safe list at all (readers, conditional programs, <c>cd</c>).</summary>
    public static bool IsListed(string program) =>
        Readers.Contains(program) || Grammars.ContainsKey(program) || Checks.ContainsKey(program) || program == "cd";

    /// <summary>
    /// The files of the home <paramref name="program"/> loads by itself, whatever its words, each with what it is: jq
    /// loads <c>~/.jq</c> as a library (or searches it for modules), definitions nobody read that may import data from
    /// anywhere; file (libmagic) adds <c>~/.magic.mgc</c>, or else <c>~/.magic</c> (or <c>~/.magic/magic.mgc</c>), to
    /// its magic and prints the lines it cannot parse in its warnings: with <c>~/.magic</c> a link to
    /// <c>~/.aws/credentials</c>, <c>file README.md</c> printed the secret key (found by an attack), which no word of
    /// the line names for the credential check.
    /// </summary>
    public static IReadOnlyList<(string Name, string What)> HomeLibraries(string program) => program switch
    {
        "jq" => [(".jq", "a library")],
        "file" => [(".magic.mgc", "magic"), (".magic", "magic"), (".magic/magic.mgc", "magic")],
        _ => [],
    };

    /// <summary>True when <paramref name="program"/> is a reader, which may take pathname patterns and <c>~</c>.</summary>
    public static bool IsReader(string program) => Readers.Contains(program);

    /// <summary>
    /// Why a reader's argument keeps it from being known-safe, or null: where the argument makes the reader read files
    /// nobody named on the line, or take a library or filter from a file.
    /// </summary>
    /// <remarks>
    /// <c>wc</c> and <c>du</c> read the names of the files to read from <c>--files0-from=F</c> (any abbreviation down
    /// to <c>--f</c>); the checksum programs open every file their list names under <c>-c</c>/<c>--check</c>;
    /// <c>strings</c> (binutils) reads more arguments from <c>@FILE</c>; jq reads modules and data from its library
    /// path (see <see cref="JqArgumentRefusal"/>).
    /// </remarks>
    public static string? RefuteReaderArgument(string program, string argument) => program switch
    {
        "wc" or "du" when argument.StartsWith("--f", StringComparison.Ordinal) => $"{program} {argument} reads the names of the files to read from a file",
        "strings" when argument.StartsWith('@') => $"strings {argument} reads more arguments from a file",
        "jq" => JqArgumentRefusal(argument),
        "tail" when IsFollowing(argument) => $"tail {argument} follows the file and never ends by itself",
        "grep" or "egrep" or "fgrep" when IsDereferencingRecursion(argument) => $"{program} {argument} follows every link below the directories it reads, to files the line does not name",
        _ when ChecksumPrograms.Contains(program) && IsChecksumCheck(argument) => $"{program} {argument} reads the names of the files to read from its list",
        _ => null,
    };

    /// <summary>
    /// The characters a word may start with that make a reader take it as something other than a file to read: <c>-</c>
    /// (an option) for every reader, <c>@</c> (a response file) for <c>strings</c>, and <c>+</c> for <c>tail</c>, whose
    /// old form takes a first word "+Nf" as an option that follows the file ("tail *" with the files "+1f" and "log"
    /// followed log without end, found by an attack).
    /// </summary>
    public static IReadOnlyList<char> SpecialLeadingCharacters(string program) => program switch
    {
        "strings" => ['-', '@'],
        "tail" => ['-', '+'],
        _ => ['-'],
    };

    // Any abbreviation of --check (no other long option of these programs starts with "c"), or a cluster of short
    // options holding "c".
    private static bool IsChecksumCheck(string argument) =>
        argument.StartsWith("--c", StringComparison.Ordinal)
        || (argument.Length > 1 && argument[0] == '-' && argument[1] != '-' && argument.Contains('c', StringComparison.Ordinal));

    // tail -f/-F, --follow (any abbreviation: "--f" is no other long option of tail's) and --retry keep reading a file
    // as it grows: a line that never ends by itself, and an endless input for a sort after it.
    // tail also keeps its old form "+Nf" ("tail +1f FILE", found by an attack): a word starting with + that holds f.
    private static bool IsFollowing(string argument) =>
        argument.StartsWith("--f", StringComparison.Ordinal) || argument.StartsWith("--r", StringComparison.Ordinal)
        || (argument.Length > 1 && argument[0] == '-' && argument[1] != '-' && argument.IndexOfAny(['f', 'F']) > 0)
        || (argument.Length > 1 && argument[0] == '+' && argument.IndexOfAny(['f', 'F']) > 0);

    // grep -R (--dereference-recursive, or any abbreviation of it: no other long option starts with "--der") follows the
    // links it meets below a directory, where -r follows only those on the command line: an attack planted
    // docs/keys -> ~/.ssh and read the key with grep -R . docs. A cluster holding R is matched wherever it stands,
    // which is merely strict for a pattern such as -eR.
    private static bool IsDereferencingRecursion(string argument) =>
        argument.StartsWith("--der", StringComparison.Ordinal)
        || (argument.Length > 1 && argument[0] == '-' && argument[1] != '-' && argument.Contains('R', StringComparison.Ordinal));

    private static readonly HashSet<string> ChecksumPrograms =
        ["md5sum", "sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum", "b2sum", "cksum"];

    // jq reads modules (include) and JSON data (import) from its library path, which -L/--library-path extends to
    // any directory (jq -L ~ 'import ".docker/config" as $c; $c' prints ~/.docker/config.json); modulemeta reads a
    // module too, and -f/--from-file takes the filter from a file nobody read. --run-tests runs every program of a
    // test file (its standard input without one), and prints what each gave: a program there that imports data with
    // {search: "~/.docker"} printed ~/.docker/config.json (found by an attack; no keyword is on the line). jq reads a
    // cluster of short options by looking for the letter anywhere in it. The words are matched wherever they stand,
    // which is merely strict for a file name holding one.
    private static string? JqArgumentRefusal(string argument) =>
        argument.StartsWith("--library-path", StringComparison.Ordinal) || argument == "--from-file"
            || argument.StartsWith("--run-tests", StringComparison.Ordinal)
            || (argument.Length > 1 && argument[0] == '-' && argument[1] != '-' && argument.IndexOfAny(['L', 'f']) > 0)
            ? $"jq {argument} reads a filter or modules from files"
            : JqModuleKeyword().IsMatch(argument) ? "a jq filter that imports or includes a module reads files the line does not name"
            : null;

    /// <summary>
    /// Why <paramref name="program"/> with the literal <paramref name="arguments"/> is not a known-safe read, or null
    /// when it is. Readers are not asked: any arguments are fine for them.
    /// </summary>
    public static string? Refute(string program, IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (Grammars.TryGetValue(program, out var grammar))
        {
            var reading = grammar.Read(program, arguments);
            return reading.Refusal ?? ProgramSpecific(program, reading);
        }

        return Checks.TryGetValue(program, out var check) ? check(arguments) : $"{program} is not on the known-safe list";
    }

    /// <summary>How <paramref name="program"/>'s grammar reads <paramref name="arguments"/>; null for a program without one.</summary>
    public static OptionReading? Read(string program, IReadOnlyList<string> arguments) =>
        Grammars.TryGetValue(program, out var grammar) ? grammar.Read(program, arguments) : null;

    /// <summary>The operands of a program read by its grammar (<see cref="Refute"/> accepted the arguments).</summary>
    public static IReadOnlyList<string> Operands(string program, IReadOnlyList<string> arguments) =>
        Grammars.TryGetValue(program, out var grammar) ? grammar.Read(program, arguments).Operands : arguments;

    private static string? TestRefusal(string program, IReadOnlyList<string> arguments) =>
        arguments.Any(argument => argument is "-v" or "-R") ? $"{program} -v evaluates array subscripts"
        : program == "[" && (arguments.Count == 0 || arguments[^1] != "]") ? "[ without its closing ]"
        : null;

    private static string? ProgramSpecific(string program, OptionReading reading) => program switch
    {
        "sed" => SedRefusal(reading),
        "date" => reading.Operands.All(operand => operand.StartsWith('+'))
            ? reading.Options.Where(option => option.Name is "-d" or "--date").Select(option => DateStringRefusal("date", option.Value)).FirstOrDefault(refusal => refusal is not null)
            : "date with an operand that is not +FORMAT sets the clock",
        _ => null,
    };

    /// <summary>
    /// Why a date string (date -d, find -newermt) is not a plain read, or null: a leading TZ="…" makes the C library load
    /// that time zone file, any path (date -d 'TZ="ff" now' waited on a FIFO without end and opened ~/.netrc with no
    /// question, found by an attack). Refused wherever it stands in the string, which is merely strict.
    /// </summary>
    public static string? DateStringRefusal(string program, string? value) =>
        value is not null && value.Contains("TZ=", StringComparison.Ordinal)
            ? $"{program} with a date string that names a time zone file (TZ=\"…\"), which it opens"
            : null;

    // "sed -n 5p FILE…", "sed -n '1,20p'", "sed -n '/re/p'": prints lines and nothing else. Every script must be one
    // of these; the first operand is the script when no -e gave one.
    private static string? SedRefusal(OptionReading reading)
    {
        if (!reading.Options.Any(option => option.Name is "-n" or "--quiet" or "--silent"))
        {
            return "sed without -n prints every line, and only printing scripts are known-safe";
        }

        var scripts = reading.Options.Where(option => option.Name is "-e" or "--expression").Select(option => option.Value!).ToList();
        if (scripts.Count == 0)
        {
            if (reading.Operands.Count == 0)
            {
                return "sed without a script";
            }

            scripts.Add(reading.Operands[0]);
        }

        return scripts.All(script => SedPrintScript().IsMatch(script)) ? null : "sed script that does more than print lines";
    }

    // xxd reads single-dash long options by prefix ("-r" is also "-revert", "-c" also "-cols"); only these exact
    // words are accepted, each value a number, and at most one operand (a second is a file it writes).
    private static string? XxdRefusal(IReadOnlyList<string> arguments)
    {
        var operands = 0;
        for (var i = 0; i < arguments.Count; i++)
        {
            var word = arguments[i];
            if (operands > 0)
            {
                // xxd stops reading options at its first operand: whatever follows is the file it writes.
                return "xxd with a word after its input file writes that file";
            }

            if (XxdFlags.Contains(word))
            {
                continue;
            }

            if (XxdNumberOptions.Contains(word))
            {
                if (++i >= arguments.Count || !XxdNumber().IsMatch(arguments[i]))
                {
                    return $"xxd {word} without a plain number";
                }

                continue;
            }

            if (word.StartsWith('-') && word != "-")
            {
                return $"xxd {word} is not on xxd's option allow-list";
            }

            operands++;
        }

        return operands > 1 ? "xxd with an output file writes it" : null;
    }

    private static readonly HashSet<string> XxdFlags =
        ["-a", "-autoskip", "-b", "-bits", "-C", "-capitalize", "-E", "-EBCDIC", "-e", "-i", "-include", "-p", "-ps", "-postscript", "-plain", "-u", "-uppercase", "-d", "-decimal", "-h", "-help", "-v", "-version"];

    private static readonly HashSet<string> XxdNumberOptions = ["-c", "-cols", "-g", "-groupsize", "-l", "-len", "-o", "-offset", "-s", "-seek"];


    [GeneratedRegex(@"^(?:(?:[0-9]+|\$|/[^/\\\n]*/)(?:,(?:[0-9]+|\$|/[^/\\\n]*/|\+[0-9]+))?p)$")]
    private static partial Regex SedPrintScript();

    [GeneratedRegex(@"^[+-]?(?:0x[0-9a-fA-F]+|[0-9]+)$")]
    private static partial Regex XxdNumber();

    // A keyword, not a field (.import) or a variable ($include).
    [GeneratedRegex(@"(?<![.$\w])(?:import|include|modulemeta)\b")]
    private static partial Regex JqModuleKeyword();
}
