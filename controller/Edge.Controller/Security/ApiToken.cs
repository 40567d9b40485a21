namespace Edge.Controller.Security;

/// <summary>
/// One API token as stored in <c>{DataDirectory}/api-tokens.json</c>: its name, role, the lower-case hex SHA-256 of
/// the token text (never the text itself) and when it was created. Configured tokens have <see cref="Configured"/> set
/// and cannot be revoked through the API.
/// </summary>
internal sealed record ApiToken
{
    public required string Name { get; init; }

    public required string Role { get; init; }

    public required string Sha256 { get; init; }

    public long CreatedAtMs { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public bool Configured { get; init; }
}
