namespace Edge.Controller.Options;

/// <summary>
/// Where the HTTP API listens and what it lets in. Every <c>/api</c> request needs a bearer token
/// (<c>{DataDirectory}/admin.token</c> on first start); plaintext <c>http://</c> is refused off loopback unless
/// <see cref="AllowPlaintext"/>.
/// </summary>
internal sealed record HttpOptions
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    /// <summary>Default body limit: 1 MiB.</summary>
    public const long DefaultMaxRequestBodyBytes = 1 << 20;

    /// <summary>Listen URLs; <see cref="DefaultUrl"/> when empty (a default list would be appended to, not replaced, by binding).</summary>
    public IReadOnlyList<string> Urls { get; init; } = [];

    public IReadOnlyList<string> EffectiveUrls => Urls.Count > 0 ? Urls : [DefaultUrl];

    /// <summary>Longest time range one metrics query may span.</summary>
    public TimeSpan MaxQueryRange { get; init; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Lets an <c>http://</c> URL on a non-loopback address through validation. Off by default: tokens and
    /// workflow environments would cross the network in clear text.
    /// </summary>
    public bool AllowPlaintext { get; init; }

    /// <summary>
    /// Host header values (no port) the API answers; others get 400, which defeats DNS rebinding from a browser.
    /// Empty: <c>localhost</c>, <c>127.0.0.1</c>, <c>[::1]</c>, the hosts of <see cref="EffectiveUrls"/> and, when a
    /// URL binds every interface, the machine's name. <c>*</c> allows any host.
    /// </summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>Largest request body accepted; larger ones get 413.</summary>
    public long MaxRequestBodyBytes { get; init; } = DefaultMaxRequestBodyBytes;

    /// <summary>Tokens from configuration (name to role and SHA-256), for fleets managed by configuration.</summary>
    public IReadOnlyDictionary<string, ConfiguredApiToken> Tokens { get; init; } = new Dictionary<string, ConfiguredApiToken>();

    /// <summary>
    /// How often every controller re-reads the API tokens from the state store: a token created or revoked on the
    /// leader is accepted or refused by the others within this period plus one read.
    /// </summary>
    public TimeSpan TokenRefreshPeriod { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// In cluster mode, how old the last successful read of the token store may be before this controller refuses
    /// every stored token (it could no longer know of a revocation); configured tokens keep working.
    /// </summary>
    public TimeSpan TokenMaxStaleness { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The host names the API answers, lower case.</summary>
    public IReadOnlyList<string> EffectiveAllowedHosts()
    {
        if (AllowedHosts.Count > 0)
        {
            return [.. AllowedHosts.Select(h => h.ToLowerInvariant())];
        }

        var hosts = new List<string> { "localhost", "127.0.0.1", "[::1]" };
        foreach (var url in EffectiveUrls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                continue;
            }

            if (uri.Host is "0.0.0.0" or "[::]")
            {
                hosts.Add(Environment.MachineName.ToLowerInvariant());
            }
            else
            {
                hosts.Add(uri.Host.ToLowerInvariant());
            }
        }

        return [.. hosts.Distinct(StringComparer.Ordinal)];
    }
}

/// <summary>A token given in configuration: its role and the lower-case hex SHA-256 of its text.</summary>
internal sealed record ConfiguredApiToken
{
    public string Role { get; init; } = "";

    public string Sha256 { get; init; } = "";
}
