namespace AgentExec.Core.Sandbox;

/// <summary>One repository configuration setting or hook that appeared or changed during a run and names a program to run.</summary>
/// <param name="DotGit">The <c>.git</c> entry of the repository (the path host git finds).</param>
/// <param name="What">What changed, by key or hook name (<c>config sets core.fsmonitor</c>, <c>hook pre-commit added</c>); never a value.</param>
/// <param name="NewRepository">True when the <c>.git</c> entry itself did not exist before the run.</param>
public sealed record RepositoryChange(string DotGit, string What, bool NewRepository);
