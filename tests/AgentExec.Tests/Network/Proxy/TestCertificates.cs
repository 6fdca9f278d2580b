using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AgentExec.Tests.Network.Proxy;

/// <summary>
/// A test CA made for this test run and a server certificate it signed for <see cref="ServerName"/>, 127.0.0.1 and 127.0.0.2:
/// the TLS upstream's, so the real name check of a TLS client passes through the proxy with nothing trusted globally.
/// </summary>
internal static class TestCertificates
{
    /// <summary>A name under <c>.invalid</c>, which never resolves: reaching it proves the proxy used the permit's address.</summary>
    public const string ServerName = "egress-test.invalid";

    private static readonly Lazy<(X509Certificate2 Authority, X509Certificate2 Server)> Pair = new(Create);

    public static X509Certificate2 Authority => Pair.Value.Authority;

    public static X509Certificate2 Server => Pair.Value.Server;

    /// <summary>The authority in PEM, for curl's <c>--cacert</c>.</summary>
    public static string AuthorityPem => Authority.ExportCertificatePem();

    /// <summary>Accepts exactly a chain to <see cref="Authority"/> with the name the client asked for.</summary>
    public static bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.CustomTrustStore.Add(Authority);
        return custom.Build(new X509Certificate2(certificate));
    }

    private static (X509Certificate2, X509Certificate2) Create()
    {
        using var authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest("CN=AgentExec egress proxy test CA", authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        var now = DateTimeOffset.UtcNow;
        var authority = authorityRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(7));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest($"CN={ServerName}", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(ServerName);
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);

        // The end-to-end tests' upstreams listen on 127.0.0.2: a sandboxed client never proxies 127.0.0.1 (NO_PROXY).
        names.AddIpAddress(IPAddress.Parse("127.0.0.2"));
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = serverRequest.Create(authority, now.AddDays(-1), now.AddDays(6), [1, 2, 3, 4, 5, 6, 7, 8]);
        // Through PKCS#12 so the key is a real stored one, as SslStream's server side wants on every platform.
        var server = X509CertificateLoader.LoadPkcs12(signed.CopyWithPrivateKey(serverKey).Export(X509ContentType.Pfx), null);
        return (authority, server);
    }
}
