using AgentExec.Tests.Core.Commands.ReadOnlyCorpus;
using AgentExec.Core.Policy;
using CsCheck;
using Xunit.Abstractions;

namespace AgentExec.Tests.Core.Commands.Properties;

/// <summary>
/// Issue 9, deliverable 7, and SPEC.md "Policy" step 3a: a conditional program takes only literal words, so putting
/// any expansion into any of its arguments (the subcommand and option values included) leaves the line not known-safe.
/// </summary>
public sealed class ExpansionInsertionProperties(RepositoryWorkspace workspace, ITestOutputHelper output) : IClassFixture<RepositoryWorkspace>
{
    private const int Iterations = 1_500;

    // Before the known-safe proof (issue 9) every row failed: printf and test took any expansion, and every
    // conditional program took a nested brace ({-o,x{}}) and a leading tilde.

    // Every generated word is made of characters that need no quoting in bash and expand to nothing (letters, digits,
    // - . / , = % + _), so the only expansion in a mutated line is the inserted one.
    private static readonly string[] Files = ["README.md", "data/names.txt", "data/orders.csv", "src/Core/Order.cs", "package.json"];

    private static readonly Gen<string[]> Sort =
        from options in Gen.OneOf("-u", "-r", "-n", "-f", "-b", "-k2", "-t,", "--unique", "--reverse").Array[0, 2]
        from file in Gen.OneOf(Files)
        select (string[])["sort", .. options, file];

    private static readonly Gen<string[]> Find =
        from directory in Gen.OneOf(".", "src", "tests", "docs")
        from predicates in Gen.OneOf<string[]>(
            ["-name", "Order.cs"], ["-type", "f"], ["-type", "d"], ["-maxdepth", "2"], ["-iname", "readme.md"],
            ["-newer", "README.md"], ["-print"], ["-size", "+1k"], ["-path", "./src/Core/Order.cs"]).Array[0, 3]
        select (string[])["find", directory, .. predicates.SelectMany(p => p)];

    private static readonly Gen<string[]> Sed =
        from script in Gen.OneOf("1p", "2,5p", "10p", "1,20p")
        from file in Gen.OneOf(Files)
        select (string[])["sed", "-n", script, file];

    private static readonly Gen<string[]> Uniq =
        from options in Gen.OneOf("-c", "-d", "-u", "-i").Array[0, 1]
        select (string[])["uniq", .. options, "data/names.txt"];

    private static readonly Gen<string[]> GitLog =
        from options in Gen.OneOf<string[]>(["--oneline"], ["-5"], ["-n", "3"], ["--stat"], ["--format=%h"], ["--max-count=3"], ["--reverse"]).Array[0, 2]
        from path in Gen.OneOf<string[]>([], ["--", "src/Core/Order.cs"], ["--", "README.md"])
        select (string[])["git", "log", .. options.SelectMany(o => o), .. path];

    private static readonly Gen<string[]> GitStatus =
        from options in Gen.OneOf("-s", "--short", "-sb", "--porcelain", "--branch").Array[0, 1]
        select (string[])["git", "status", .. options];

    private static readonly Gen<string[]> Rg =
        from options in Gen.OneOf("-n", "-i", "-l", "-w", "-c", "-F", "--no-heading", "-tcs").Array[0, 2]
        from pattern in Gen.OneOf("Order", "TODO", "class", "render")
        from directory in Gen.OneOf<string[]>([], ["src"], ["docs"], ["web"])
        select (string[])["rg", .. options, pattern, .. directory];

    private static readonly Gen<string[]> Xxd =
        from options in Gen.OneOf<string[]>(["-l", "64"], ["-c", "16"], ["-g1"], ["-u"], ["-p"]).Array[0, 1]
        select (string[])["xxd", .. options.SelectMany(o => o), "data/logo.png"];

    private static readonly Gen<string[]> Printf =
        from format in Gen.OneOf("%s", "%s-%s", "hello", "%d:%s")
        from arguments in Gen.OneOf("a", "b", "3").Array[0, 2]
        select (string[])["printf", format, .. arguments];

    private static readonly Gen<string[]> Test =
        from expression in Gen.OneOf<string[]>(
            ["-f", "README.md"], ["-d", "src"], ["-e", "package.json"], ["abc", "=", "abc"], ["-n", "abc"], ["-z", "abc"], ["-s", "data/names.txt"])
        select (string[])["test", .. expression];

    private static readonly Gen<string[]> Base64 =
        from options in Gen.OneOf<string[]>(["-w", "0"], ["--wrap=76"], ["-i"]).Array[0, 1]
        from file in Gen.OneOf("data/logo.png", "README.md")
        select (string[])["base64", .. options.SelectMany(o => o), file];

    private static readonly Gen<string[]> ConditionalCommand = Gen.OneOf(Sort, Find, Sed, Uniq, GitLog, GitStatus, Rg, Xxd, Printf, Test, Base64);

    // Each expansion bash performs on an argument: parameter, command and arithmetic substitution (also inside double
    // quotes), and brace (with an inner brace pair, the shape of issue 9), pathname, tilde and process substitution, which
    // bash performs on unquoted text only and so are inserted unquoted. A tilde is put at the start of the word, the
    // only place it expands in an argument that is not shaped like an assignment (no generated argument is).
    [Theory]
    [InlineData("$x", false)]
    [InlineData("$x", true)]
    [InlineData("${x}", false)]
    [InlineData("${x}", true)]
    [InlineData("\"$x\"", false)]
    [InlineData("$(id)", false)]
    [InlineData("$(id)", true)]
    [InlineData("`id`", false)]
    [InlineData("`id`", true)]
    [InlineData("$((1))", false)]
    [InlineData("$((1))", true)]
    [InlineData("{a,b}", false)]
    [InlineData("{-o,x{}}", false)]
    [InlineData("*", false)]
    [InlineData("?", false)]
    [InlineData("[ab]", false)]
    [InlineData("~", false)]
    [InlineData("<(id)", false)]
    public void Inserting_an_expansion_into_any_argument_of_a_conditional_program_leaves_the_line_not_known_safe(string expansion, bool insideDoubleQuotes)
    {
        var insertions =
            from words in ConditionalCommand
            from suffix in Gen.OneOf("", " | head -5", " | wc -l")
            from argument in Gen.Int[1, words.Length - 1]
            from position in expansion == "~" ? Gen.Const(0) : Gen.Int[0, words[argument].Length]
            select Insert(words, suffix, argument, position, expansion, insideDoubleQuotes);
        var judged = 0;
        var skipped = 0;

        insertions.Sample(
            insertion =>
            {
                if (!KnownSafeJudge.IsKnownSafe(insertion.Original, workspace.Context))
                {
                    Interlocked.Increment(ref skipped);
                    return;
                }

                Interlocked.Increment(ref judged);
                var evaluation = KnownSafeJudge.Evaluate(insertion.Mutated, workspace.Context);
                Assert.True(evaluation.Verdict != PolicyVerdict.Run, $"known-safe after inserting {insertion.Expansion}: {insertion}");
            },
            iter: Iterations,
            writeLine: output.WriteLine,
            print: insertion => insertion.ToString());

        output.WriteLine($"{judged} cases judged (original line known-safe), {skipped} skipped (original line not known-safe)");
        // A generator whose lines are seldom known-safe would prove nothing while passing.
        Assert.True(judged >= Iterations / 4, $"only {judged} of {Iterations} generated lines were known-safe before the insertion");
    }

    private static ExpansionInsertion Insert(string[] words, string suffix, int argument, int position, string expansion, bool insideDoubleQuotes)
    {
        var word = words[argument];
        var mutated = insideDoubleQuotes
            ? $"\"{word[..position]}{expansion}{word[position..]}\""
            : word[..position] + expansion + word[position..];
        var original = string.Join(' ', words) + suffix;
        var changed = string.Join(' ', words.Select((w, i) => i == argument ? mutated : w)) + suffix;
        return new ExpansionInsertion(original, changed, insideDoubleQuotes ? $"{expansion} inside double quotes" : expansion);
    }
}
