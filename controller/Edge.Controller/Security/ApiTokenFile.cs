namespace Edge.Controller.Security;

/// <summary>The content of <c>{DataDirectory}/api-tokens.json</c> (mode 0600): hashes only.</summary>
internal sealed record ApiTokenFile
{
    public List<ApiToken> Tokens { get; init; } = [];
}
