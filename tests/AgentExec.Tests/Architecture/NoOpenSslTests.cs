using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace AgentExec.Tests.Architecture;

/// <summary>
/// No product assembly uses .NET's cryptography types: on Linux they load OpenSSL (2.5 ms of CPU and 4 MB of memory per
/// process, and an abort where libssl is missing). Hashes go through <c>Crypto.Sha256Hash</c>, random identifiers
/// through <c>Crypto.RandomToken</c>. A library the product uses may still load OpenSSL for its own needs (TLS to an
/// https model endpoint or collector); that happens only when such a connection is made.
/// </summary>
public sealed class NoOpenSslTests
{
    private const string Cryptography = "System.Security.Cryptography";

    private static readonly string[] ProductAssemblies = ["AgentExec.Core.dll", "AgentExec.Mcp.dll", "agentexec.dll"];

    [Fact]
    public void No_product_assembly_refers_to_a_type_of_System_Security_Cryptography()
    {
        // Act
        var found = ProductAssemblies
            .SelectMany(name => CryptographyTypesReferencedBy(Path.Combine(AppContext.BaseDirectory, name)).Select(type => $"{name}: {type}"))
            .ToList();

        // Assert
        Assert.True(found.Count == 0, $"use AgentExec.Core.Crypto instead of:{Environment.NewLine}{string.Join(Environment.NewLine, found)}");
    }

    [Fact]
    public void The_reader_sees_the_SHA256_the_tests_use_as_their_oracle()
    {
        // Act: Sha256HashTests compares against System.Security.Cryptography.SHA256.
        var found = CryptographyTypesReferencedBy(typeof(NoOpenSslTests).Assembly.Location);

        // Assert
        Assert.Contains($"{Cryptography}.SHA256", found);
    }

    /// <summary>Every type of <see cref="Cryptography"/> (or a namespace below it) the assembly's metadata refers to.</summary>
    private static List<string> CryptographyTypesReferencedBy(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        return metadata.TypeReferences
            .Select(handle => metadata.GetTypeReference(handle))
            .Select(reference => (Namespace: metadata.GetString(reference.Namespace), Name: metadata.GetString(reference.Name)))
            .Where(type => type.Namespace == Cryptography || type.Namespace.StartsWith(Cryptography + ".", StringComparison.Ordinal))
            .Select(type => $"{type.Namespace}.{type.Name}")
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
