using AgentExec.Core.Credentials;

namespace AgentExec.Tests.Core.Credentials;

/// <summary>Bash's matching of one path component, and whether two patterns can name the same file.</summary>
public sealed class GlobPatternTests
{
    [Theory]
    [InlineData("*", "a.md", true)]
    [InlineData("*", ".env", false)]
    [InlineData(".*", ".env", true)]
    [InlineData("\\.e*", ".env", true)]
    [InlineData("?env", ".env", false)]
    [InlineData("[.]env", ".env", false)]
    [InlineData("*.pem", "k.pem", true)]
    [InlineData("*.pem", "k.pem.bak", false)]
    [InlineData("[a-c]x", "bx", true)]
    [InlineData("[!a-c]x", "bx", false)]
    [InlineData("[]]x", "]x", true)]
    [InlineData("[abc", "[abc", true)] // an unclosed bracket is literal
    [InlineData("\\*", "*", true)]
    [InlineData("\\*", "a", false)]
    [InlineData("[[:alpha:]]*", "k.pem", true)]
    [InlineData("id_*", "id_rsa", true)]
    public void A_component_matches_as_bash_expands_it(string pattern, string name, bool expected)
    {
        Assert.Equal(expected, GlobPattern.Parse(pattern).Matches(name, hidesDotNames: true));
    }

    [Theory]
    [InlineData("*", "id_*", "*.pub", true)]
    [InlineData("*.pub", "id_*", "*.pub", false)]
    [InlineData("*.cs", "*.pem", null, false)]
    [InlineData("*", ".env", null, false)]
    [InlineData(".e*", ".env.*", null, true)]
    [InlineData(".s*", ".ssh", null, true)]
    [InlineData("c*.toml", "credentials*", null, true)]
    [InlineData("[!c]*", "credentials*", null, false)]
    [InlineData("[0-9]*", "environ", null, false)]
    [InlineData("??", "gh", null, true)]
    [InlineData("???", "gh", null, false)]
    public void Two_patterns_intersect_when_some_name_matches_both(string bashPattern, string entry, string? except, bool expected)
    {
        var intersects = GlobPattern.Parse(bashPattern).Intersects(GlobPattern.Parse(entry), hidesDotNames: true, except is null ? null : GlobPattern.Parse(except));

        Assert.Equal(expected, intersects);
    }
}
