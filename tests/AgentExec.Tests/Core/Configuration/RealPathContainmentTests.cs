using AgentExec.Core.Configuration;

namespace AgentExec.Tests.Core.Configuration;

/// <summary>
/// <see cref="RealPath.IsSameOrInside"/>, which decides whether a path lies in a writable root or a shared directory:
/// a whole component must match, never a prefix of a name.
/// </summary>
public sealed class RealPathContainmentTests
{
    [Theory]
    [InlineData("/w", "/w", true)]
    [InlineData("/w", "/w/", true)]
    [InlineData("/w/a", "/w", true)]
    [InlineData("/w/a/b", "/w/", true)]
    [InlineData("/w/a", "/w//", true)]
    [InlineData("/wx", "/w", false)]
    [InlineData("/wx/a", "/w/", false)]
    [InlineData("/", "/w", false)]
    [InlineData("/w", "/w/a", false)]
    [InlineData("/anything", "/", true)]
    [InlineData("/", "/", true)]
    [InlineData("relative", "/", false)]
    [InlineData("/tmp", "/tmp/", true)]
    [InlineData("/tmp2/x", "/tmp", false)]
    public void A_path_is_inside_a_directory_only_at_a_component_boundary(string path, string directory, bool inside)
    {
        Assert.Equal(inside, RealPath.IsSameOrInside(path, directory));
    }
}
