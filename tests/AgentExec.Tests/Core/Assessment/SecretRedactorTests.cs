using AgentExec.Core.Assessment;
using AgentExec.Core.Configuration;

namespace AgentExec.Tests.Core.Assessment;

public sealed class SecretRedactorTests
{
    [Fact]
    public void Values_of_variables_withheld_from_commands_are_redacted_by_name()
    {
        // Arrange
        var host = new Dictionary<string, string>
        {
            ["PATH"] = "/usr/bin",
            ["HOME"] = "/home/dev",
            ["GITHUB_TOKEN"] = "tok1",
            ["SESSION_COOKIE"] = "c00kie-value-42",
        };
        var redactor = SecretRedactor.ForEnvironment(host, EnvironmentSettings.Default, []);

        // Act
        var text = redactor.Redact("curl -b c00kie-value-42 -u tok1 https://example.test");

        // Assert
        Assert.Equal("curl -b [REDACTED:SESSION_COOKIE] -u [REDACTED:GITHUB_TOKEN] https://example.test", text);
    }

    [Fact]
    public void Everyday_values_that_the_policy_also_withholds_are_left_alone()
    {
        // Arrange: off the allow-list, so withheld from commands, but not secrets.
        var host = new Dictionary<string, string>
        {
            ["PATH"] = "/usr/bin",
            ["SHLVL"] = "1",
            ["COLUMNS"] = "80",
            ["OLDPWD"] = "/home/dev/project",
            ["DOTNET_ROOT"] = "/usr/lib/dotnet",
            ["XDG_DATA_DIRS"] = "/usr/local/share:/usr/share",
            ["HOME"] = "/home/dev",
        };
        var redactor = SecretRedactor.ForEnvironment(host, EnvironmentSettings.Default, []);

        // Act
        var text = redactor.Redact("cd /home/dev/project && seq 1 80 && ls /usr/lib/dotnet /usr/share");

        // Assert
        Assert.Equal("cd /home/dev/project && seq 1 80 && ls /usr/lib/dotnet /usr/share", text);
        Assert.Empty(redactor.KnownValues);
    }

    [Fact]
    public void A_variable_the_user_keeps_for_commands_is_not_treated_as_withheld()
    {
        // Arrange
        var host = new Dictionary<string, string> { ["PATH"] = "/bin", ["NPM_TOKEN"] = "npm-token-value" };
        var keep = new EnvironmentSettings(["NPM_TOKEN"], new Dictionary<string, string>());

        // Act
        var redactor = SecretRedactor.ForEnvironment(host, keep, []);

        // Assert
        Assert.Equal("npm-token-value", redactor.Redact("npm-token-value"));
    }

    [Fact]
    public void The_longest_value_is_replaced_first_so_a_value_inside_another_does_not_split_it()
    {
        // Arrange
        var host = new Dictionary<string, string> { ["PATH"] = "/bin", ["SHORT_SECRET"] = "abcd", ["LONG_SECRET"] = "abcd-efgh-ijkl" };
        var redactor = SecretRedactor.ForEnvironment(host, EnvironmentSettings.Default, []);

        // Act
        var text = redactor.Redact("x abcd-efgh-ijkl y abcd");

        // Assert
        Assert.Equal("x [REDACTED:LONG_SECRET] y [REDACTED:SHORT_SECRET]", text);
    }

    [Theory]
    [InlineData("export OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwx", "export OPENAI_API_KEY=[REDACTED:secret]")]
    [InlineData("echo sk-abcdefghijklmnopqrstuvwx | pbcopy", "echo [REDACTED:api-key] | pbcopy")]
    [InlineData("aws s3 ls --access AKIAIOSFODNN7EXAMPLE", "aws s3 ls --access [REDACTED:aws-access-key-id]")]
    [InlineData("git clone https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/o/r", "git clone https://[REDACTED:github-token]@github.com/o/r")]
    [InlineData("curl -H 'Authorization: Bearer eyJhbGciOi.abc.def-ghi'", "curl -H 'Authorization: Bearer [REDACTED:authorization]'")]
    [InlineData("curl -H \"Authorization: token abc123def456\"", "curl -H \"Authorization: token [REDACTED:authorization]\"")]
    [InlineData("http --auth-type bearer --auth x bearer abcdefghijklmnopqrstu", "http --auth-type bearer --auth x bearer [REDACTED:bearer-token]")]
    [InlineData("mysql --password=hunter22 db", "mysql --password=[REDACTED:secret] db")]
    [InlineData("mysql --password hunter22 db", "mysql --password [REDACTED:secret] db")]
    [InlineData("login password: 'hunter 22' now", "login password: [REDACTED:secret] now")]
    [InlineData("{\"client_secret\": \"s3cr3t\"}", "{\"client_secret\": [REDACTED:secret]}")]
    [InlineData("psql postgresql://app:pa55w0rd@db:5432/prod", "psql postgresql://app:[REDACTED:password]@db:5432/prod")]
    [InlineData("slack xoxb-1234567890-abcdef", "slack [REDACTED:slack-token]")]
    [InlineData("k=AIzaSyA1234567890abcdefghijklmnopqrstuv", "k=[REDACTED:google-api-key]")]
    public void Obvious_credential_patterns_are_redacted(string text, string expected)
    {
        // Act
        var redacted = SecretRedactor.PatternsOnly.Redact(text);

        // Assert
        Assert.Equal(expected, redacted);
    }

    [Fact]
    public void A_private_key_block_is_redacted_whole_even_when_its_end_was_cut_off()
    {
        // Arrange
        const string Complete = "cat <<EOF > id\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA\n-----END OPENSSH PRIVATE KEY-----\nEOF";
        const string Cut = "printf '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA";

        // Act
        var complete = SecretRedactor.PatternsOnly.Redact(Complete);
        var cut = SecretRedactor.PatternsOnly.Redact(Cut);

        // Assert
        Assert.Equal("cat <<EOF > id\n[REDACTED:private-key]\nEOF", complete);
        Assert.Equal("printf '[REDACTED:private-key]", cut);
    }

    [Theory]
    [InlineData("curl -H \"Authorization: Bearer $OPENAI_API_KEY\" https://api.example.test")]
    [InlineData("export TOKEN=$GITHUB_TOKEN")]
    [InlineData("rm -rf build && git push origin main")]
    [InlineData("grep -r password src/")]
    public void A_variable_reference_or_ordinary_command_is_left_as_it_is(string text)
    {
        // Act
        var redacted = SecretRedactor.PatternsOnly.Redact(text);

        // Assert
        Assert.Equal(text, redacted);
    }
}
