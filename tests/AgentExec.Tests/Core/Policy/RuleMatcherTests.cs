using AgentExec.Core.Approval;
using AgentExec.Core.Commands;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Policy;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Policy;

/// <summary>Rules judged on real parses of real lines: spellings that must not walk around a rule, and run-time words that must ask.</summary>
public sealed class RuleMatcherTests
{
    private static readonly PolicyRule ForbidPush = Rule(RuleDecision.Forbidden, "git", "push");
    private static readonly PolicyRule ForbidRmRf = Rule(RuleDecision.Forbidden, "rm", "-rf");

    [Theory]
    [InlineData("git push")]
    [InlineData("git -C . push")]
    [InlineData("git -c x=y push")]
    [InlineData("git --git-dir=.git push")]
    [InlineData("git --git-dir .git push")]
    [InlineData("git --work-tree=. --namespace n push")]
    [InlineData("git --no-pager push origin main")]
    [InlineData("git -P -p --bare --no-optional-locks --literal-pathspecs push")]
    [InlineData("git --exec-path=/usr/lib/git-core push")]
    [InlineData("git --config-env=core.x=V push")]
    [InlineData("git -C \"$DIR\" push")]
    [InlineData("/usr/bin/git push")]
    [InlineData("rm -rf x")]
    [InlineData("rm -Rf x")]
    [InlineData("rm --recursive --force x")]
    [InlineData("rm --rec --fo x")]
    [InlineData("rm --recursive=x -f x")]
    [InlineData("rm -r -f x")]
    [InlineData("rm x -fR")]
    [InlineData("rm -vfr x")]
    [InlineData("\\rm -rf x")]
    [InlineData("/bin/rm -rf x")]
    public void Every_spelling_of_a_forbidden_command_is_denied(string line)
    {
        var evaluation = Evaluate(line, ForbidPush, ForbidRmRf);

        Assert.Equal(PolicyVerdict.Forbid, evaluation.Verdict);
        Assert.Equal(ApprovalReason.RuleForbidden, evaluation.Reason);
    }

    [Theory]
    [InlineData("find . -exec rm -rf {} +")]
    [InlineData("find . -name '*.o' -execdir rm -rf {} ';'")]
    [InlineData("find . -ok rm -fr {} \\;")]
    [InlineData("printf 'a\\n' | xargs rm -rf")]
    [InlineData("xargs -0 rm -rf < list")]
    [InlineData("env rm -rf x")]
    [InlineData("env -i FOO=1 rm -rf x")]
    [InlineData("timeout 5 git push")]
    [InlineData("timeout -s KILL 5 git -C . push")]
    [InlineData("sudo -u x git -C . push --force")]
    [InlineData("nice -n 5 rm -rf x")]
    [InlineData("nohup git push")]
    [InlineData("stdbuf -oL git push")]
    [InlineData("time git push")]
    [InlineData("command git push")]
    [InlineData("exec rm -rf x")]
    [InlineData("echo $(git push)")]
    [InlineData("bash -c 'git push'")]
    [InlineData("sh -c 'git push'")]
    [InlineData("sh -c 'ls &>/dev/null git push'")]
    public void Tightening_rules_look_inside_what_runs_other_commands(string line)
    {
        var evaluation = Evaluate(line, ForbidPush, ForbidRmRf);

        Assert.Equal(PolicyVerdict.Forbid, evaluation.Verdict);
    }

    [Theory]
    [InlineData("$G push", "git push")]
    [InlineData("git $SUB", "git push")]
    [InlineData("git \"$SUB\"", "git push")]
    [InlineData("git $OPTS push", "git push")]
    [InlineData("git -C $DIR push", "git push")]
    [InlineData("rm $FLAGS x", "rm -rf")]
    [InlineData("rm \"$FLAGS\" x", "rm -rf")]
    [InlineData("rm -r \"$(echo -f)\" x", "rm -rf")]
    [InlineData("rm -r * x", "rm -rf")]
    [InlineData("rm -r {-f,x} y", "rm -rf")]
    [InlineData("ls | xargs rm", "rm -rf")]
    [InlineData("ls | xargs rm -r -- x", "rm -rf")]
    [InlineData("ls | xargs -I{} git {}", "git push")]
    [InlineData("echo push | xargs -I P git P", "git push")]
    [InlineData("echo push | xargs --replace=P git P", "git push")]
    [InlineData("echo git | xargs -I P P push", "git push")]
    [InlineData("find . -name git -exec {} push ';'", "git push")]
    [InlineData("exec -a git-push git origin main", "git push")] // git takes argv[0] git-push for git push
    [InlineData("exec -a rm busybox -rf x", "rm -rf")] // busybox runs the applet argv[0] names
    public void A_dynamic_part_that_might_match_a_forbidden_rule_asks_and_is_never_denied(string line, string pattern)
    {
        var evaluation = Evaluate(line, ForbidPush, ForbidRmRf);

        Assert.Equal(PolicyVerdict.Ask, evaluation.Verdict);
        Assert.Equal(ApprovalReason.RulePrompt, evaluation.Reason);
        Assert.Contains(evaluation.Explanation, line => line.Contains($"might match rule [{pattern}] (forbidden)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("git pull")]
    [InlineData("git log --oneline -5")]
    [InlineData("git -C \"$DIR\" log")]
    [InlineData("git log $REV")]
    [InlineData("rm x")]
    [InlineData("rm -r x")]
    [InlineData("rm -- -rf")]
    [InlineData("rm -- $FILES")]
    [InlineData("cat $F")]
    [InlineData("find . -name '*.o' -exec rm {} +")]
    public void A_command_the_rules_do_not_name_is_not_matched(string line)
    {
        var analysis = CommandAnalyzer.Analyze(line);

        var evaluation = PolicyEvaluator.Evaluate(analysis, [ForbidPush, ForbidRmRf], ApprovalPolicy.OnRequest, EscalationKind.None, SandboxMode.WorkspaceWrite);

        Assert.All(evaluation.Parts, part => Assert.Null(part.Rule));
        Assert.NotEqual(PolicyVerdict.Forbid, evaluation.Verdict);
    }

    [Theory]
    [InlineData("git push -f", true)]
    [InlineData("git push --force", true)]
    [InlineData("git push --forc origin main", true)]
    [InlineData("git push --force-with-lease", true)]
    [InlineData("git push --force-with-lease=main origin main", true)]
    [InlineData("git push --force-if-includes", true)]
    [InlineData("git push --mirror", true)]
    [InlineData("git push origin +main", true)]
    [InlineData("git -C . push -uf origin main", true)]
    [InlineData("git push origin main", false)]
    [InlineData("git push --no-force origin", false)]
    [InlineData("git push -o force origin", false)]
    public void Git_push_counts_every_force_spelling_as_force(string line, bool denied) =>
        AssertDenied(line, denied, "git", "push", "--force");

    [Theory]
    [InlineData("npm install left-pad", true)]
    [InlineData("npm i left-pad", true)]
    [InlineData("npm isntall left-pad", true)]
    [InlineData("npm add left-pad", true)]
    [InlineData("npm inst left-pad", true)]
    [InlineData("npm --prefix app install", true)]
    [InlineData("npm -g install x", true)]
    [InlineData("npm -w app i x", true)]
    [InlineData("npm install-test", false)]
    [InlineData("npm ls", false)]
    public void Npm_subcommand_aliases_compare_equal(string line, bool denied) =>
        AssertDenied(line, denied, "npm", "i");

    [Theory]
    [InlineData("npm run build", true)]
    [InlineData("npm run-script build", true)]
    [InlineData("npm rum build", true)]
    [InlineData("npm urn build", true)]
    [InlineData("npm runScript build", true)]
    [InlineData("npm run test", false)]
    public void Npm_run_spellings_compare_equal(string line, bool denied) =>
        AssertDenied(line, denied, "npm", "run", "build");

    [Theory]
    [InlineData("curl -X POST https://x", true)]
    [InlineData("curl -XPOST https://x", true)]
    [InlineData("curl -sXPOST https://x", true)]
    [InlineData("curl --request POST https://x", true)]
    [InlineData("curl --request=POST https://x", true)]
    [InlineData("curl --req POST https://x", true)]
    [InlineData("curl -X GET https://x", false)]
    [InlineData("curl -o POST https://x", false)]
    public void Curl_options_compare_with_their_values(string line, bool denied) =>
        AssertDenied(line, denied, "curl", "-X", "POST");

    [Theory]
    [InlineData("curl -d a=b https://x", true)]
    [InlineData("curl -da=b https://x", true)]
    [InlineData("curl --data-binary @f https://x", true)]
    [InlineData("curl --data-raw x https://x", true)]
    [InlineData("curl --data-urlencode x https://x", true)]
    [InlineData("curl --json {} https://x", true)]
    [InlineData("curl -H d https://x", false)]
    public void Curl_data_spellings_count_as_data(string line, bool denied) =>
        AssertDenied(line, denied, "curl", "-d");

    [Theory]
    [InlineData("sed -i s/a/b/ f", true)]
    [InlineData("sed -i.bak s/a/b/ f", true)]
    [InlineData("sed --in-place=.bak s/a/b/ f", true)]
    [InlineData("sed --in-pl s/a/b/ f", true)]
    [InlineData("sed -ni 1p f", true)]
    [InlineData("sed -E -e s/a/b/ -i f", true)]
    [InlineData("sed -n 1p f", false)]
    [InlineData("sed -e -i f", false)]
    public void Sed_in_place_spellings_compare_equal(string line, bool denied) =>
        AssertDenied(line, denied, "sed", "-i");

    [Theory]
    [InlineData("chmod -R 755 d", true)]
    [InlineData("chmod --recursive 755 d", true)]
    [InlineData("chmod --recu 755 d", true)]
    [InlineData("chmod -r f", false)]
    [InlineData("chmod 755 f", false)]
    public void Chmod_recursive_spellings_compare_equal(string line, bool denied) =>
        AssertDenied(line, denied, "chmod", "-R");

    [Theory]
    [InlineData("find . -name x -delete", true)]
    [InlineData("find / -delete", true)]
    [InlineData("find . -name -delete", false)]
    [InlineData("find . -exec rm {} +", false)]
    public void Find_options_compare_whole(string line, bool denied) =>
        AssertDenied(line, denied, "find", "-delete");

    [Theory]
    [InlineData("docker rm -f c", true)]
    [InlineData("docker rm --force c", true)]
    [InlineData("docker container rm -f c", true)]
    [InlineData("docker container remove -vf c", true)]
    [InlineData("docker -H tcp://h rm -f c", true)]
    [InlineData("docker --context prod -l debug rm --force c", true)]
    [InlineData("docker rm c", false)]
    [InlineData("docker rmi -f img", false)]
    public void Docker_global_options_and_management_commands_are_seen_through(string line, bool denied) =>
        AssertDenied(line, denied, "docker", "rm", "-f");

    [Theory]
    [InlineData("docker run --privileged img", true)]
    [InlineData("docker container run -v /:/h --privileged img", true)]
    [InlineData("docker -c x run --priv img", true)]
    [InlineData("docker run -v /:/h img", false)]
    public void Docker_run_privileged_is_found_in_every_spelling(string line, bool denied) =>
        AssertDenied(line, denied, "docker", "run", "--privileged");

    [Theory]
    [InlineData("kubectl delete namespace prod", true)]
    [InlineData("kubectl -n x delete namespace prod", true)]
    [InlineData("kubectl delete -n x namespace prod", true)]
    [InlineData("kubectl --context c --kubeconfig k delete --wait=false namespace prod", true)]
    [InlineData("kubectl delete --grace-period 0 namespace prod", true)]
    [InlineData("kubectl delete --some-new-option v namespace prod", true)]
    [InlineData("kubectl -s https://api --token t delete namespace prod", true)]
    [InlineData("kubectl delete namespace dev", false)]
    [InlineData("kubectl get namespace prod", false)]
    public void Kubectl_options_anywhere_do_not_hide_the_operands(string line, bool denied) =>
        AssertDenied(line, denied, "kubectl", "delete", "namespace", "prod");

    [Theory]
    [InlineData("kubectl delete -f app.yaml", true)]
    [InlineData("kubectl delete --filename=app.yaml", true)]
    [InlineData("kubectl delete --all pods", false)]
    public void Kubectl_filename_compares_with_its_value(string line, bool denied) =>
        AssertDenied(line, denied, "kubectl", "delete", "-f", "app.yaml");

    [Theory]
    [InlineData("cargo publish --allow-dirty", true)]
    [InlineData("cargo publish --allow-d", true)]
    [InlineData("cargo publish --registry x --allow-dirty", true)]
    [InlineData("cargo publish", false)]
    public void A_program_outside_the_table_still_matches_abbreviated_long_options(string line, bool denied) =>
        AssertDenied(line, denied, "cargo", "publish", "--allow-dirty");

    [Theory]
    [InlineData("make", true)]
    [InlineData("make -j4 all", true)]
    [InlineData("./make", false)]
    [InlineData("bin/make", false)]
    [InlineData("/usr/bin/make", false)]
    [InlineData("make $TARGET", false)]
    [InlineData("make \"$TARGET\"", false)]
    [InlineData("$MAKE", false)]
    [InlineData("ls | xargs make", false)]
    [InlineData("make; alias make=rm", false)]
    [InlineData("find . -exec make {} +", false)]
    public void Allow_rules_match_only_fully_understood_parts_with_a_bare_program_name(string line, bool allowed)
    {
        var allow = Rule(RuleDecision.Allow, "make");

        var evaluation = PolicyEvaluator.Evaluate(CommandAnalyzer.Analyze(line), [allow], ApprovalPolicy.Untrusted, EscalationKind.None, SandboxMode.WorkspaceWrite);

        Assert.Equal(allowed, evaluation.Parts.Any(part => part.Part.Program == "make" && part.Verdict == PartVerdict.Allowed));
    }

    [Theory]
    [InlineData("npm test", true)]
    [InlineData("npm t", true)]
    [InlineData("npm tst", true)]
    [InlineData("npm --silent test", true)]
    [InlineData("npm test -- --watch", true)]
    [InlineData("npm --some-option test", false)]
    [InlineData("npm install", false)]
    public void Allow_rules_need_every_reading_of_the_options_to_match(string line, bool allowed)
    {
        var allow = Rule(RuleDecision.Allow, "npm", "test");

        var evaluation = PolicyEvaluator.Evaluate(CommandAnalyzer.Analyze(line), [allow], ApprovalPolicy.Untrusted, EscalationKind.None, SandboxMode.WorkspaceWrite);

        Assert.Equal(allowed, evaluation.AllowedByRule);
    }

    [Theory]
    [InlineData("timeout 5 npm test", true)]
    [InlineData("nice npm test", true)]
    [InlineData("nice -n 5 nohup npm test", true)]
    [InlineData("command npm test", true)]
    [InlineData("env npm test", true)]
    [InlineData("stdbuf -oL npm test", true)]
    [InlineData("NODE_OPTIONS='--require ./x.js' npm test", false)]
    [InlineData("env npm_config_script_shell=./x npm test", false)]
    [InlineData("sudo npm test", false)]
    [InlineData("sudo -i npm test", false)]
    [InlineData("sudo -u nobody npm test", false)]
    [InlineData("doas npm test", false)]
    [InlineData("pkexec npm test", false)]
    [InlineData("chroot / npm test", false)]
    [InlineData("env -C /x npm test", false)]
    [InlineData("env --chdir=/x npm test", false)]
    [InlineData("env -i npm test", false)]
    [InlineData("env -u PATH npm test", false)]
    [InlineData("exec -a other npm test", false)]
    [InlineData("busybox npm test", false)]
    [InlineData("npm --prefix /x test", false)]
    [InlineData("npm -C /x test", false)]
    [InlineData("npm test --script-shell=./x", false)]
    [InlineData("npm --userconfig ./npmrc test", false)]
    [InlineData("cd /tmp/other && npm test", false)] // another project's scripts, as env -C (found by a review)
    [InlineData("(cd /tmp/other; npm test)", false)]
    [InlineData("ls && npm test", true)]
    public void Allow_rules_do_not_match_a_program_run_as_another_user_elsewhere_or_with_variables_set(string line, bool allowed)
    {
        var allow = Rule(RuleDecision.Allow, "npm", "test");

        var evaluation = PolicyEvaluator.Evaluate(CommandAnalyzer.Analyze(line), [allow], ApprovalPolicy.Untrusted, EscalationKind.None, SandboxMode.WorkspaceWrite);

        Assert.Equal(allowed, evaluation.AllowedByRule);
    }

    [Theory]
    [InlineData("kubectl get pods", true)]
    [InlineData("kubectl get pods -n web", true)]
    [InlineData("kubectl get pods --user=admin", false)] // the admin's credentials, as --as (found by a review)
    [InlineData("kubectl --context prod get pods", false)]
    [InlineData("kubectl get pods --cluster other", false)]
    public void Allow_rules_do_not_match_kubectl_with_another_user_context_or_cluster(string line, bool allowed)
    {
        var allow = Rule(RuleDecision.Allow, "kubectl", "get");

        var evaluation = PolicyEvaluator.Evaluate(CommandAnalyzer.Analyze(line), [allow], ApprovalPolicy.Untrusted, EscalationKind.None, SandboxMode.WorkspaceWrite);

        Assert.Equal(allowed, evaluation.AllowedByRule);
    }

    [Theory]
    [InlineData("git log", true)]
    [InlineData("git log -p --ext-diff -1", true)]
    [InlineData("git --no-pager log --oneline", true)]
    [InlineData("git -P --no-optional-locks --literal-pathspecs log", true)]
    [InlineData("GIT_EXTERNAL_DIFF=./x git log -p --ext-diff -1", false)]
    [InlineData("env GIT_EXTERNAL_DIFF=./x git log -p", false)]
    [InlineData("GIT_DIR=/x git log", false)]
    [InlineData("git -c diff.external='sh -c \"id > f\"' log -p --ext-diff -1", false)]
    [InlineData("git -cdiff.external=./x log -p --ext-diff", false)]
    [InlineData("git -c core.pager=./x -p log", false)]
    [InlineData("git -p log", false)]
    [InlineData("git --paginate log", false)]
    [InlineData("git --config-env=diff.external=X log -p --ext-diff", false)]
    [InlineData("git --config-env diff.external=X log -p --ext-diff", false)]
    [InlineData("git --exec-path=. log", false)]
    [InlineData("git --git-dir=x log", false)]
    [InlineData("git --git-dir x log", false)]
    [InlineData("git --git-d=x log", false)]
    [InlineData("git --work-tree=/x log", false)]
    [InlineData("git -C /x log", false)]
    [InlineData("git -C/x log", false)]
    [InlineData("git --bare log", false)]
    [InlineData("sudo git log", false)]
    [InlineData("exec -a git-push git log", false)]
    public void Allow_rules_do_not_match_git_options_that_change_what_runs_or_what_is_read(string line, bool allowed)
    {
        var allow = Rule(RuleDecision.Allow, "git", "log");

        var evaluation = PolicyEvaluator.Evaluate(CommandAnalyzer.Analyze(line), [allow], ApprovalPolicy.Untrusted, EscalationKind.None, SandboxMode.WorkspaceWrite);

        Assert.Equal(allowed, evaluation.AllowedByRule);
    }

    [Theory]
    [InlineData("git -C sub log", true)]
    [InlineData("git -Csub log", true)]
    [InlineData("git -C other log", false)]
    [InlineData("git -C sub -C .. log", false)]
    [InlineData("git -C sub -c core.pager=./x log", false)]
    public void An_allow_rule_may_spell_an_option_that_changes_what_runs_and_then_allows_exactly_that(string line, bool allowed)
    {
        var allow = Rule(RuleDecision.Allow, "git", "-C", "sub", "log");

        var evaluation = PolicyEvaluator.Evaluate(CommandAnalyzer.Analyze(line), [allow], ApprovalPolicy.Untrusted, EscalationKind.None, SandboxMode.WorkspaceWrite);

        Assert.Equal(allowed, evaluation.AllowedByRule);
    }

    [Theory]
    [InlineData("git -c alias.st=push st")]
    [InlineData("git -c Alias.st='!rm -rf ~' st")]
    [InlineData("git -C . -c ALIAS.l=log l")]
    [InlineData("git --config-env=alias.st=CMD st")]
    [InlineData("git --config-env alias.st=CMD st")]
    [InlineData("git -c \"$SETTING\" status")]
    public void Git_configuration_that_can_redefine_a_subcommand_is_dangerous(string line)
    {
        var analysis = CommandAnalyzer.Analyze(line);

        Assert.Equal(CommandSafety.Dangerous, analysis.Parts[0].Safety);
        Assert.Contains("redefine", analysis.Parts[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Git_alias_definition_has_a_reason_a_human_can_read()
    {
        var analysis = CommandAnalyzer.Analyze("git -c alias.st=push st");

        Assert.Equal("git -c alias.* redefines a subcommand", analysis.Parts[0].Reason);
    }

    [Fact]
    public void Git_configuration_that_is_not_an_alias_is_not_dangerous()
    {
        var analysis = CommandAnalyzer.Analyze("git -c user.name=x log");

        Assert.NotEqual(CommandSafety.Dangerous, analysis.Parts[0].Safety);
    }

    private static void AssertDenied(string line, bool denied, params string[] pattern)
    {
        var evaluation = Evaluate(line, Rule(RuleDecision.Forbidden, pattern));

        Assert.Equal(denied ? PolicyVerdict.Forbid : PolicyVerdict.Run, evaluation.Verdict == PolicyVerdict.Ask ? PolicyVerdict.Run : evaluation.Verdict);
        Assert.Equal(denied, evaluation.Parts.Any(part => part.Rule is not null));
    }

    private static PolicyEvaluation Evaluate(string line, params PolicyRule[] rules) =>
        PolicyEvaluator.Evaluate(CommandAnalyzer.Analyze(line), rules, ApprovalPolicy.OnRequest, EscalationKind.None, SandboxMode.WorkspaceWrite);

    private static PolicyRule Rule(RuleDecision decision, params string[] pattern) => new(pattern, decision, null, RuleOrigin.User);
}
