namespace Edge.Controller.Security;

/// <summary>
/// One API token as stored (collection <c>api-tokens</c> of the state store, key its name; earlier versions:
/// <c>{DataDirectory}/api-tokens.json</c>): its name, role, the lower-case hex SHA-256 of the token text (never the
/// text itself), when it was created, optionally when it expires, and when it was revoked (a revoked token's record
/// stays, so a revocation reaches every controller as a change of the record and an old file cannot bring the token
/// back). Configured tokens have <see cref="Configured"/> set and cannot be revoked through the API.
/// </summary>
internal sealed record ApiToken
{
    public required string Name { get; init; }

    public required string Role { get; init; }

    public required string Sha256 { get; init; }

    public long CreatedAtMs { get; init; }

    /// <summary>Unix milliseconds after which the token is refused; null: no expiry.</summary>
    public long? ExpiresAtMs { get; init; }

    /// <summary>Unix milliseconds at which the token was revoked; null while it is valid.</summary>
    public long? RevokedAtMs { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public bool Configured { get; init; }

    /// <summary>Whether the token is accepted at <paramref name="nowMs"/>.</summary>
    public bool ValidAt(long nowMs) => RevokedAtMs is null && (ExpiresAtMs is not { } expires || nowMs < expires);
}
