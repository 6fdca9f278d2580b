using System.Text;
using AgentExec.Core.Policy;
using AgentExec.Tests.Core.Assessment;

namespace AgentExec.Tests.Core.Policy;

/// <summary>docs/rules.md shows the spelling table the matcher really uses: the block between its markers is rendered from <see cref="ProgramSpellings"/>.</summary>
public sealed class ProgramSpellingsDocTests
{
    private const string Start = "<!-- spelling-table:start (generated from ProgramSpellings by ProgramSpellingsDocTests; AGENTEXEC_UPDATE_DOCS=1 rewrites it) -->";
    private const string End = "<!-- spelling-table:end -->";

    [Fact]
    public void The_rules_doc_shows_every_program_option_and_alias_of_the_table()
    {
        var path = Path.Combine(AssessmentPromptTemplateTests.RepositoryRoot(), "docs", "rules.md");
        var doc = File.ReadAllText(path).ReplaceLineEndings("\n");
        var start = doc.IndexOf(Start, StringComparison.Ordinal);
        var end = doc.IndexOf(End, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "docs/rules.md lacks the spelling-table markers");
        var shown = doc[(start + Start.Length)..end];
        var rendered = "\n" + Render();

        if (Environment.GetEnvironmentVariable("AGENTEXEC_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, doc[..(start + Start.Length)] + rendered + doc[end..]);
            return;
        }

        Assert.Equal(rendered, shown);
    }

    [Fact]
    public void Every_spelling_in_the_table_starts_with_a_dash()
    {
        var options = ProgramSpellings.All
            .SelectMany(program => program.Subcommands.Values.Prepend(program.Options))
            .SelectMany(command => command.Options);

        Assert.All(options, option => Assert.All(option.Spellings, spelling => Assert.StartsWith("-", spelling, StringComparison.Ordinal)));
    }

    private static string Render()
    {
        var text = new StringBuilder();
        foreach (var program in ProgramSpellings.All)
        {
            text.Append("### `").Append(program.Program).Append("`\n\n");
            if (program.HasSubcommands)
            {
                text.Append(program.GlobalOptionsAnywhere
                    ? "Global options (skipped before matching; also accepted after the subcommand):\n\n"
                    : "Global options (skipped before matching, written before the subcommand):\n\n");
            }

            Table(text, program.Options);
            foreach (var (name, options) in program.Subcommands)
            {
                text.Append('`').Append(program.Program).Append(' ').Append(name).Append("`:\n\n");
                Table(text, options);
            }

            if (program.SubcommandAliases.Count > 0)
            {
                text.Append("Subcommand aliases: ")
                    .AppendJoin(", ", program.SubcommandAliases.Select(alias => $"`{alias.Key}` = `{alias.Value}`"))
                    .Append(".\n\n");
            }

            if (program.AbbreviatedSubcommands.Count > 0)
            {
                text.Append("Subcommands also accepted as a unique prefix of: ")
                    .AppendJoin(", ", program.AbbreviatedSubcommands.Select(name => $"`{name}`"))
                    .Append(program.CamelCaseSubcommands ? "; camelCase reads as dashed (`runScript` = `run-script`).\n\n" : ".\n\n");
            }
        }

        return text.ToString();
    }

    private static void Table(StringBuilder text, CommandSpelling command)
    {
        if (command.SingleDashOptions)
        {
            text.Append("Options are single-dash words, compared whole (never split into letters, never abbreviated).\n\n");
        }

        if (command.OperandMarks.Count > 0)
        {
            text.Append("An operand starting with ")
                .AppendJoin(" or ", command.OperandMarks.Select(mark => $"`{mark.Key}` counts as `{mark.Value}`"))
                .Append(".\n\n");
        }

        text.Append("| Spellings | Value | Also counts as |\n|---|---|---|\n");
        foreach (var option in command.Options)
        {
            text.Append("| ")
                .AppendJoin(", ", option.Spellings.Select(spelling => $"`{spelling}`"))
                .Append(" | ")
                .Append(option.Arity switch
                {
                    OptionArity.None => "none",
                    OptionArity.Required => "required (attached or next word)",
                    OptionArity.AttachedOnly => "only attached (`=value`)",
                    OptionArity.Unsure => "attached, or perhaps the next word (read both ways)",
                    _ => "a command up to `;` or `{} +`",
                })
                .Append(" | ")
                .AppendJoin(", ", option.Implies.Select(other => $"`{other}`"))
                .Append(" |\n");
        }

        text.Append('\n');
    }
}
