using System.Net;

namespace AgentExec.Core.Network;

/// <summary>
/// The lists and the address check of SPEC.md "Network allow-list", in this order: a <c>denied_domains</c> entry
/// refuses; then the name is resolved once (an IP literal is not), and a <c>denied_domains</c> IP literal that is one of
/// its addresses refuses too; then, if ANY address is in a refused range
/// (<see cref="RefusedAddressRanges"/>), the target is refused unless an <c>allowed_domains</c> entry names its exact host
/// and port; then an <c>allowed_domains</c> entry allows; anything else is to be asked.
/// </summary>
/// <remarks>
/// <para>
/// The address check comes before the allow list on purpose: <c>*.example.com</c> on the allow list must not let
/// <c>internal.example.com</c> → <c>10.0.0.5</c> through; only an entry that names the exact host and port shows the user
/// meant that destination. The verdict carries the addresses that were checked, and the proxy connects only to them, so
/// a second DNS answer (rebinding) cannot change where the connection goes.
/// </para>
/// <para>
/// Never throws: a resolver that throws, times out, or answers nothing is a <c>resolution_failed</c> refusal, and
/// anything else unexpected is a <c>protocol</c> refusal.
/// </para>
/// </remarks>
public sealed class NetworkRuleCheck : INetworkRuleCheck
{
    /// <summary>How long a lookup may take before the target is refused: long enough for a slow resolver's retry.</summary>
    public static readonly TimeSpan DefaultResolveTimeout = TimeSpan.FromSeconds(10);

    private readonly NetworkLists _lists;
    private readonly IHostResolver _resolver;
    private readonly TimeSpan _resolveTimeout;
    private readonly TimeProvider _time;

    /// <inheritdoc />
    public bool IsListed(NetworkTarget target) =>
        _lists.IsDenied(target) || _lists.IsAllowed(target) || _lists.IsExactlyAllowed(target);

    /// <summary>A check of <paramref name="lists"/> that resolves names through <paramref name="resolver"/>.</summary>
    /// <param name="lists">The lists in force.</param>
    /// <param name="resolver">The resolver; <see cref="DnsHostResolver.Instance"/> in the product.</param>
    /// <param name="resolveTimeout">The bound on one lookup; <see cref="DefaultResolveTimeout"/> when null.</param>
    /// <param name="time">The clock of the timeout; <see cref="TimeProvider.System"/> when null.</param>
    public NetworkRuleCheck(NetworkLists lists, IHostResolver resolver, TimeSpan? resolveTimeout = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(lists);
        ArgumentNullException.ThrowIfNull(resolver);
        _lists = lists;
        _resolver = resolver;
        _resolveTimeout = resolveTimeout ?? DefaultResolveTimeout;
        _time = time ?? TimeProvider.System;
        if (_resolveTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(resolveTimeout), resolveTimeout, "The lookup timeout must be positive.");
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// An <see cref="NetworkVerdictKind.Ask"/> verdict has the source <see cref="NetworkDecisionSources.Human"/>: no rule
    /// decided, a human will (the gate replaces it with <c>session</c> or <c>no_answer</c> when that is who decides).
    /// </remarks>
    public async Task<NetworkVerdict> CheckAsync(NetworkTarget target, CancellationToken cancellationToken)
    {
        try
        {
            return await DecideAsync(target, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // Fail closed: a bug here must refuse the connection, never let it through or crash the proxy.
            return Refuse(NetworkDecisionSources.Protocol, $"the network check failed ({exception.GetType().Name}); refused");
        }
    }

    private async Task<NetworkVerdict> DecideAsync(NetworkTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (_lists.FindDenying(target) is { } denying)
        {
            return Refuse(NetworkDecisionSources.DeniedDomains, $"{target} is on denied_domains (entry '{denying}')");
        }

        var (addresses, failure) = target.Address is { } literal
            ? ([Canonical(literal)], null)
            : await ResolveAsync(target.Host, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            return Refuse(NetworkDecisionSources.ResolutionFailed, $"{target}: {failure}");
        }

        if (target.Address is null && DeniedAddress(target, addresses) is { } denied)
        {
            return Refuse(NetworkDecisionSources.DeniedDomains, denied);
        }

        foreach (var address in addresses)
        {
            if (RefusedAddressRanges.IsRefused(address, out var why))
            {
                if (_lists.FindExactlyAllowing(target) is { } exact)
                {
                    return new NetworkVerdict(
                        NetworkVerdictKind.Allowed,
                        NetworkDecisionSources.AllowedDomains,
                        $"{target} is on allowed_domains by its exact host and port (entry '{exact}'), which lets it reach a refused address ({why})",
                        addresses);
                }

                var name = target.Address is null ? $"{target.Host} has an address in a refused range ({why})" : why;
                return Refuse(
                    NetworkDecisionSources.RefusedAddress,
                    $"{name}; only an allowed_domains entry naming exactly {target} lets it through");
            }
        }

        if (_lists.FindAllowing(target) is { } allowing)
        {
            return new NetworkVerdict(
                NetworkVerdictKind.Allowed,
                NetworkDecisionSources.AllowedDomains,
                $"{target} is on allowed_domains (entry '{allowing}')",
                addresses);
        }

        return new NetworkVerdict(
            NetworkVerdictKind.Ask,
            NetworkDecisionSources.Human,
            $"{target} is on neither allowed_domains nor denied_domains, and its addresses are public",
            addresses);
    }

    /// <summary>
    /// Why a name is refused because one of its addresses is an IP literal on <c>denied_domains</c>, or null: a user
    /// who denies an address means the address, however the command names it (the stricter reading of "deny wins").
    /// </summary>
    private string? DeniedAddress(NetworkTarget target, IReadOnlyList<IPAddress> addresses)
    {
        foreach (var address in addresses)
        {
            if (NetworkTarget.TryCreate(address.ToString(), target.Port, out var literal, out _) && _lists.FindDenying(literal) is { } denying)
            {
                return $"{target} resolves to {literal.Host}, which is on denied_domains (entry '{denying}')";
            }
        }

        return null;
    }

    /// <summary>Resolves once, bounded by the timeout; every failure is a phrase, never an exception.</summary>
    private async Task<(IReadOnlyList<IPAddress> Addresses, string? Failure)> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_resolveTimeout, _time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        IReadOnlyList<IPAddress>? answer;
        try
        {
            // WaitAsync bounds the wait even for a resolver that ignores its token (getaddrinfo cannot always be cancelled).
            answer = await _resolver.ResolveAsync(host, either.Token).WaitAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ([], "the lookup was cancelled");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return ([], $"the name did not resolve within {_resolveTimeout.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} s");
        }
        catch (Exception exception)
        {
            return ([], $"the name did not resolve ({exception.GetType().Name})");
        }

        var addresses = (answer ?? []).Where(address => address is not null).Select(Canonical).Distinct().ToArray();
        return addresses.Length == 0 ? ([], "the name resolved to no address") : (addresses, null);
    }

    /// <summary>An IPv4-mapped IPv6 address is connected to, and judged, as its IPv4 address.</summary>
    private static IPAddress Canonical(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static NetworkVerdict Refuse(string source, string reason) => new(NetworkVerdictKind.Refused, source, reason, []);
}
