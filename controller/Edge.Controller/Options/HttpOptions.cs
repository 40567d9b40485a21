namespace Edge.Controller.Options;

/// <summary>Where the HTTP API listens. Loopback by default: the API has no authentication.</summary>
internal sealed record HttpOptions
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    /// <summary>Listen URLs; <see cref="DefaultUrl"/> when empty (a default list would be appended to, not replaced, by binding).</summary>
    public IReadOnlyList<string> Urls { get; init; } = [];

    public IReadOnlyList<string> EffectiveUrls => Urls.Count > 0 ? Urls : [DefaultUrl];

    /// <summary>Longest time range one metrics query may span.</summary>
    public TimeSpan MaxQueryRange { get; init; } = TimeSpan.FromDays(7);
}
