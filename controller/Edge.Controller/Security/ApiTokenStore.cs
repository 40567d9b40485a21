using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Edge.Common.Contracts;
using Edge.Controller.Options;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Security;

/// <summary>
/// The API's bearer tokens. <c>{DataDirectory}/api-tokens.json</c> (0600, written atomically with fsync) holds the
/// SHA-256 of each token, never the token; tokens from <c>Controller:Http:Tokens</c> are added read-only. On first
/// start (no token file) an <c>admin</c> token is created and its text written to <c>{DataDirectory}/admin.token</c>
/// (0600) for the operator and edgectl. Presented tokens are hashed and compared with every stored hash in
/// constant time, so neither a match's position nor a partial match shows in the timing.
/// </summary>
internal sealed partial class ApiTokenStore
{
    public const string FileName = "api-tokens.json";
    public const string AdminTokenFileName = "admin.token";
    public const string AdminTokenName = "admin";

    private readonly Lock _lock = new();
    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly IReadOnlyList<ApiToken> _configured;
    private readonly List<ApiToken> _stored;
    private (byte[] Hash, ApiToken Token)[] _lookup = [];

    public ApiTokenStore(IOptions<ControllerOptions> options, TimeProvider time, ILogger<ApiTokenStore> logger)
    {
        var data = options.Value.DataDirectory;
        _time = time;
        _path = Path.Combine(data, FileName);
        _configured = [.. options.Value.Http.Tokens.Select(kv => new ApiToken { Name = kv.Key, Role = kv.Value.Role, Sha256 = kv.Value.Sha256.ToLowerInvariant(), Configured = true })];
        PrivateFiles.EnsureDirectory(data);
        if (File.Exists(_path))
        {
            PrivateFiles.Narrow(_path);
            _stored = JsonSerializer.Deserialize(File.ReadAllBytes(_path), SecurityJsonContext.Default.ApiTokenFile)?.Tokens ?? [];
        }
        else
        {
            var token = NewToken();
            _stored = [new ApiToken { Name = AdminTokenName, Role = ApiRoles.Admin, Sha256 = Hash(token), CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds() }];
            PrivateFiles.WriteAtomic(Path.Combine(data, AdminTokenFileName), Encoding.UTF8.GetBytes(token + "\n"));
            Save();
            LogAdminTokenCreated(logger, Path.Combine(data, AdminTokenFileName));
        }

        Rebuild();
    }

    /// <summary>The token whose hash matches <paramref name="presented"/>, or null.</summary>
    public ApiToken? Authenticate(string presented)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        ApiToken? found = null;
        foreach (var (stored, token) in Volatile.Read(ref _lookup))
        {
            // No early exit: every entry is compared whether or not one matched already.
            if (CryptographicOperations.FixedTimeEquals(hash, stored))
            {
                found = token;
            }
        }

        return found;
    }

    /// <summary>Every token, configured ones first; never the hash or the text.</summary>
    public IReadOnlyList<TokenInfo> List()
    {
        lock (_lock)
        {
            return [.. _configured.Concat(_stored).Select(t => new TokenInfo(t.Name, t.Role, DateTimeOffset.FromUnixTimeMilliseconds(t.CreatedAtMs), t.Configured))];
        }
    }

    /// <summary>Creates a token and returns its text (shown once), or the reason it cannot be created.</summary>
    public bool TryCreate(string? name, string? role, out TokenCreated? created, out string? error)
    {
        created = null;
        if (!IdValidator.IsValidSegment(name, out var nameError) || name is null)
        {
            error = $"name: {nameError ?? "missing"}";
            return false;
        }

        if (!ApiRoles.TryParse(role, out _))
        {
            error = $"role '{role}' is not one of {string.Join(", ", ApiRoles.Names)}";
            return false;
        }

        var token = NewToken();
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (_configured.Concat(_stored).Any(t => t.Name == name))
            {
                error = $"a token named '{name}' exists; revoke it first";
                return false;
            }

            _stored.Add(new ApiToken { Name = name, Role = role!, Sha256 = Hash(token), CreatedAtMs = now.ToUnixTimeMilliseconds() });
            Save();
            Rebuild();
        }

        created = new TokenCreated(name, role!, token, now);
        error = null;
        return true;
    }

    /// <summary>Revokes a stored token at once; null when done, else why not (not found, or configured).</summary>
    public string? Revoke(string name)
    {
        lock (_lock)
        {
            if (_configured.Any(t => t.Name == name))
            {
                return $"token '{name}' comes from Controller:Http:Tokens; remove it from the configuration";
            }

            if (_stored.RemoveAll(t => t.Name == name) == 0)
            {
                return $"no token is named '{name}'";
            }

            Save();
            Rebuild();
            return null;
        }
    }

    /// <summary>Lower-case hex SHA-256 of a token's UTF-8 text, as stored and as configured.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string NewToken() => "edge_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private void Save() =>
        PrivateFiles.WriteAtomic(_path, JsonSerializer.SerializeToUtf8Bytes(new ApiTokenFile { Tokens = _stored }, SecurityJsonContext.Default.ApiTokenFile));

    private void Rebuild() =>
        Volatile.Write(ref _lookup, [.. _configured.Concat(_stored).Where(t => ApiRoles.TryParse(t.Role, out _) && t.Sha256.Length == 64).Select(t => (Convert.FromHexString(t.Sha256), t))]);

    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "API: first start, created the admin token in {Path} (mode 0600); edgectl reads it from there")]
    private static partial void LogAdminTokenCreated(ILogger logger, string path);
}
