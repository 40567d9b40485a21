using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Edge.Common.Contracts;
using Edge.Controller.Leadership;
using Edge.Controller.Options;
using Edge.Controller.State;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Security;

/// <summary>
/// The API's bearer tokens, kept in the state store (collection <c>api-tokens</c>, one record per token name: role,
/// SHA-256 of the text — never the text —, creation, expiry and revocation times), so every controller of a cluster
/// authenticates with the same tokens. Tokens from <c>Controller:Http:Tokens</c> are added read-only.
/// <list type="bullet">
/// <item>Writes (create, revoke) go to the store first — fenced on etcd, so only the leader's apply — and change
/// memory only once committed; a refused write changes nothing and is reported (503).</item>
/// <item>Every controller re-reads the collection every <see cref="HttpOptions.TokenRefreshPeriod"/> (polling:
/// one range read of a few records), so a token created or revoked on the leader is accepted or refused by the
/// followers within that period plus one read. In cluster mode a controller that has not read the store for
/// <see cref="HttpOptions.TokenMaxStaleness"/> (etcd unreachable) refuses every stored token, because it could no
/// longer know of a revocation; configured tokens keep working.</item>
/// <item>The store is initialised once, by the controller that leads when it finds no <c>imports/api-tokens</c>
/// marker: it imports its <c>{DataDirectory}/api-tokens.json</c> of earlier versions (renamed to
/// <c>api-tokens.json.imported</c>), or creates an <c>admin</c> token and writes its text to its own
/// <c>{DataDirectory}/admin.token</c> (0600), in one transaction with the marker. Until then a controller uses its own
/// <c>api-tokens.json</c> if it has one (an upgrade keeps working); a file found on a controller after the store was
/// initialised is only renamed, naming the tokens it held that the store does not (a revoked token cannot come back
/// from an old copy).</item>
/// </list>
/// Presented tokens are hashed and compared with every valid hash in constant time, so neither a match's position
/// nor a partial match shows in the timing.
/// </summary>
internal sealed partial class ApiTokenStore
{
    public const string Collection = "api-tokens";
    public const string FileName = "api-tokens.json";
    public const string AdminTokenFileName = "admin.token";
    public const string AdminTokenName = "admin";
    public const string ImportMarker = "api-tokens";

    private readonly Lock _lock = new();
    private readonly string _data;
    private readonly string _path;
    private readonly IStateStore _state;
    private readonly ILeadership _leadership;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly bool _shared;
    private readonly TimeSpan _maxStaleness;
    private readonly IReadOnlyList<ApiToken> _configured;
    private readonly (byte[] Hash, ApiToken Token)[] _configuredLookup;
    private Dictionary<string, ApiToken> _stored = new(StringComparer.Ordinal);
    private (byte[] Hash, ApiToken Token)[] _lookup = [];
    private long _refreshedAt = long.MinValue;
    private string? _lastRefreshError;
    private HashSet<string> _damaged = new(StringComparer.Ordinal);

    public ApiTokenStore(IOptions<ControllerOptions> options, IOptions<ClusterOptions> cluster, IStateStore state, ILeadership leadership, TimeProvider time, ILogger<ApiTokenStore> logger)
    {
        _data = options.Value.DataDirectory;
        _path = Path.Combine(_data, FileName);
        _state = state;
        _leadership = leadership;
        _time = time;
        _logger = logger;
        _shared = cluster.Value.Enabled;
        _maxStaleness = options.Value.Http.TokenMaxStaleness;
        _configured = [.. options.Value.Http.Tokens.Select(kv => new ApiToken { Name = kv.Key, Role = kv.Value.Role, Sha256 = kv.Value.Sha256.ToLowerInvariant(), Configured = true })];
        _configuredLookup = Lookup(_configured);
    }

    /// <summary>True once the store holds the tokens (imported or created); until then only configured tokens and a local file count.</summary>
    public bool Initialised { get; private set; }

    /// <summary>
    /// True when stored tokens are refused because the store has not been read for longer than
    /// <see cref="HttpOptions.TokenMaxStaleness"/> (cluster mode only).
    /// </summary>
    public bool Stale => _shared && (Volatile.Read(ref _refreshedAt) is var at && (at == long.MinValue || _time.GetElapsedTime(at) > _maxStaleness));

    /// <summary>The token whose hash matches <paramref name="presented"/> and is valid now, or null.</summary>
    public ApiToken? Authenticate(string presented)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var found = Match(hash, _configuredLookup, now);
        var stored = Match(hash, Volatile.Read(ref _lookup), now);
        return found ?? (Stale ? null : stored);
    }

    /// <summary>Every valid token, configured ones first; never the hash or the text.</summary>
    public IReadOnlyList<TokenInfo> List()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            return [.. _configured.Concat(_stored.Values.Where(t => t.ValidAt(now)).OrderBy(t => t.CreatedAtMs).ThenBy(t => t.Name, StringComparer.Ordinal))
                .Select(t => new TokenInfo(t.Name, t.Role, DateTimeOffset.FromUnixTimeMilliseconds(t.CreatedAtMs), t.Configured, t.ExpiresAtMs is { } e ? DateTimeOffset.FromUnixTimeMilliseconds(e) : null))];
        }
    }

    /// <summary>Creates a token (stored before it is usable) and returns its text (shown once), or why not.</summary>
    public TokenStoreError? TryCreate(string? name, string? role, out TokenCreated? created, DateTimeOffset? expiresAt = null)
    {
        created = null;
        var now = _time.GetUtcNow();
        if (expiresAt is { } expiry && (expiry <= now || expiry > now.AddYears(10)))
        {
            return new(TokenStoreErrorKind.Invalid, $"expiresAt '{expiry:O}' must be after now ({now:O}) and at most 10 years ahead");
        }

        if (!IdValidator.IsValidSegment(name, out var nameError) || name is null)
        {
            return new(TokenStoreErrorKind.Invalid, $"name: {nameError ?? "missing"}");
        }

        if (!ApiRoles.TryParse(role, out _))
        {
            return new(TokenStoreErrorKind.Invalid, $"role '{role}' is not one of {string.Join(", ", ApiRoles.Names)}");
        }

        var token = NewToken();
        lock (_lock)
        {
            if (EnsureInitialised() is { } unavailable)
            {
                return unavailable;
            }

            if (_configured.Any(t => t.Name == name) || (_stored.TryGetValue(name, out var existing) && existing.ValidAt(now.ToUnixTimeMilliseconds())))
            {
                return new(TokenStoreErrorKind.Conflict, $"a token named '{name}' exists; revoke it first");
            }

            var record = new ApiToken { Name = name, Role = role!, Sha256 = Hash(token), CreatedAtMs = now.ToUnixTimeMilliseconds(), ExpiresAtMs = expiresAt?.ToUnixTimeMilliseconds() };
            if (Write(record, "create") is { } failed)
            {
                return failed;
            }

            _stored[name] = record;
            Rebuild();
        }

        created = new TokenCreated(name, role!, token, now, expiresAt);
        return null;
    }

    /// <summary>Revokes a stored token (the revocation stored first); null when done, else why not.</summary>
    public TokenStoreError? Revoke(string name)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            if (EnsureInitialised() is { } unavailable)
            {
                return unavailable;
            }

            if (_configured.Any(t => t.Name == name))
            {
                return new(TokenStoreErrorKind.Conflict, $"token '{name}' comes from Controller:Http:Tokens; remove it from the configuration");
            }

            if (!_stored.TryGetValue(name, out var existing) || existing.RevokedAtMs is not null)
            {
                return new(TokenStoreErrorKind.NotFound, $"no token is named '{name}'");
            }

            var revoked = existing with { RevokedAtMs = now };
            if (Write(revoked, "revoke") is { } failed)
            {
                return failed;
            }

            _stored[name] = revoked;
            Rebuild();
            return null;
        }
    }

    /// <summary>
    /// Reads the store (initialising it first when this controller leads and nobody has); what
    /// <see cref="ApiTokenBootstrap"/> calls at start and every <see cref="HttpOptions.TokenRefreshPeriod"/>.
    /// Throws <see cref="StateStoreException"/> when the store cannot be read or initialised.
    /// </summary>
    public void Refresh()
    {
        var started = _time.GetTimestamp();
        try
        {
            lock (_lock)
            {
                if (!Initialised && _state.Get(StateImports.Collection, ImportMarker) is null)
                {
                    if (_leadership.IsLeader)
                    {
                        Initialise();
                    }
                    else
                    {
                        // Nobody has initialised the store: keep using this controller's own file, if any.
                        _stored = ReadFile() is { } file ? file.ToDictionary(t => t.Name, StringComparer.Ordinal) : new(StringComparer.Ordinal);
                        Rebuild();
                        Volatile.Write(ref _refreshedAt, started);
                        return;
                    }
                }

                var stored = new Dictionary<string, ApiToken>(StringComparer.Ordinal);
                var damaged = new HashSet<string>(StringComparer.Ordinal);
                foreach (var record in _state.List(Collection))
                {
                    try
                    {
                        var token = record.Decode(SecurityJsonContext.Default.ApiToken);
                        stored[record.Key] = token with { Name = record.Key, Configured = false };
                    }
                    catch (InvalidDataException ex)
                    {
                        damaged.Add(record.Key);
                        if (!_damaged.Contains(record.Key))
                        {
                            LogDamaged(record.Key, ex.Message);
                        }
                    }
                }

                _damaged = damaged;

                if (!Initialised)
                {
                    Initialised = true;
                    PutAsideFile(stored);
                }

                _stored = stored;
                Rebuild();
                Volatile.Write(ref _refreshedAt, started);
                if (_lastRefreshError is not null)
                {
                    LogRefreshRecovered(_lastRefreshError);
                    _lastRefreshError = null;
                }
            }
        }
        catch (StateStoreException ex)
        {
            if (_lastRefreshError is null)
            {
                LogRefreshFailed(ex.Message, _shared ? $"stored tokens are refused once the last read is {_maxStaleness.TotalSeconds:0.#} s old" : "the tokens last read stay in use");
            }

            _lastRefreshError = ex.Message;
            throw;
        }
    }

    /// <summary>
    /// A leader that has not read the store since it took the lead (the periodic refresh comes up to one period later)
    /// reads it now, initialising it in a new cluster, so a write right after a takeover is not refused; null when
    /// initialised. Called under the lock (which <see cref="Refresh"/> takes again: it is re-entrant).
    /// </summary>
    private TokenStoreError? EnsureInitialised()
    {
        if (!Initialised && _leadership.IsLeader)
        {
            try
            {
                Refresh();
            }
            catch (Exception ex) when (ex is StateStoreException or IOException or InvalidDataException)
            {
                return new(TokenStoreErrorKind.Unavailable, $"the token store could not be read: {ex.Message}; retry in a moment");
            }
        }

        return Initialised ? null : new(TokenStoreErrorKind.Unavailable, "the token store is not initialised yet (this controller has not yet read it as leader); retry in a moment");
    }

    /// <summary>Lower-case hex SHA-256 of a token's UTF-8 text, as stored and as configured.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string NewToken() => "edge_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>First initialisation of the store, by the leader: import the file of earlier versions, or create the admin token.</summary>
    private void Initialise()
    {
        PrivateFiles.EnsureDirectory(_data);
        var imported = ReadFile();
        var adminPath = Path.Combine(_data, AdminTokenFileName);
        string? from;
        List<ApiToken> tokens;
        if (imported is not null)
        {
            tokens = imported;
            from = _path;
        }
        else
        {
            // The text is written (0600) before its hash is committed; a crash in between leaves admin.token, whose
            // text the next attempt reuses, so the operator is never left with a hash nobody can present.
            var text = File.Exists(adminPath) ? File.ReadAllText(adminPath).Trim() : null;
            if (string.IsNullOrEmpty(text))
            {
                text = NewToken();
                PrivateFiles.WriteAtomic(adminPath, Encoding.UTF8.GetBytes(text + "\n"));
            }

            tokens = [new ApiToken { Name = AdminTokenName, Role = ApiRoles.Admin, Sha256 = Hash(text), CreatedAtMs = _time.GetUtcNow().ToUnixTimeMilliseconds() }];
            from = null;
        }

        // Puts are idempotent (keyed by name): an import split over several commits and interrupted is redone whole.
        var changes = tokens.Select(t => StateChange.Put(Collection, t.Name, JsonSerializer.SerializeToUtf8Bytes(t with { Configured = false }, SecurityJsonContext.Default.ApiToken))).ToList();
        var chunk = Math.Max(1, _state.MaxChangesPerCommit - 1);
        for (var i = 0; i < changes.Count; i += chunk)
        {
            var part = changes.Skip(i).Take(chunk).ToList();
            if (i + chunk >= changes.Count)
            {
                part.Add(StateImports.Marker(ImportMarker, from ?? "created admin token"));
            }

            _state.Commit(part);
        }

        if (changes.Count == 0)
        {
            _state.Commit([StateImports.Marker(ImportMarker, from ?? "created admin token")]);
        }

        if (from is not null)
        {
            File.Move(_path, _path + ".imported", overwrite: true);
            LogImported(tokens.Count, _path, _state.Describe);
        }
        else
        {
            LogAdminTokenCreated(adminPath, _state.Describe);
        }
    }

    /// <summary>A file of an earlier version found after the store was initialised (elsewhere): renamed, its tokens not imported.</summary>
    private void PutAsideFile(Dictionary<string, ApiToken> stored)
    {
        if (ReadFile() is not { } file)
        {
            return;
        }

        var missing = file.Where(t => !stored.TryGetValue(t.Name, out var s) || s.Sha256 != t.Sha256).Select(t => t.Name).ToList();
        File.Move(_path, _path + ".imported", overwrite: true);
        LogFilePutAside(_path, missing.Count == 0 ? "none" : string.Join(", ", missing));
    }

    private List<ApiToken>? ReadFile()
    {
        if (!File.Exists(_path))
        {
            return null;
        }

        PrivateFiles.Narrow(_path);
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(_path), SecurityJsonContext.Default.ApiTokenFile)?.Tokens ?? [];
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{_path} is not a token file of an earlier version: {ex.Message}; fix or remove it", ex);
        }
    }

    private TokenStoreError? Write(ApiToken record, string what)
    {
        try
        {
            _state.Commit([StateChange.Put(Collection, record.Name, JsonSerializer.SerializeToUtf8Bytes(record, SecurityJsonContext.Default.ApiToken))]);
            return null;
        }
        catch (StateStoreException ex)
        {
            LogWriteFailed(what, record.Name, ex.Message);
            return new(TokenStoreErrorKind.Unavailable, $"the token store refused to {what} token '{record.Name}', nothing changed: {ex.Message}");
        }
    }

    private static ApiToken? Match(byte[] hash, (byte[] Hash, ApiToken Token)[] lookup, long now)
    {
        ApiToken? found = null;
        foreach (var (stored, token) in lookup)
        {
            // No early exit: every entry is compared whether or not one matched already.
            if (CryptographicOperations.FixedTimeEquals(hash, stored))
            {
                found = token;
            }
        }

        return found is not null && found.ValidAt(now) ? found : null;
    }

    private static (byte[] Hash, ApiToken Token)[] Lookup(IEnumerable<ApiToken> tokens) =>
        [.. tokens.Where(t => t.RevokedAtMs is null && ApiRoles.TryParse(t.Role, out _) && t.Sha256.Length == 64 && t.Sha256.All(char.IsAsciiHexDigit)).Select(t => (Convert.FromHexString(t.Sha256), t))];

    private void Rebuild() => Volatile.Write(ref _lookup, Lookup(_stored.Values));

    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "API: first start, created the admin token in {Path} (mode 0600; its hash in {Store}); edgectl reads it from there")]
    private partial void LogAdminTokenCreated(string path, string store);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Information, Message = "API: imported {Count} token(s) from {Path} into {Store}; the file is renamed to *.imported")]
    private partial void LogImported(int count, string path, string store);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Warning, Message = "API: {Path} was found after the token store had been initialised (by another controller); renamed to *.imported, not imported. Tokens it held that the store does not: {Missing}")]
    private partial void LogFilePutAside(string path, string missing);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Error, Message = "API: could not {What} token '{Name}': {Error}")]
    private partial void LogWriteFailed(string what, string name, string error);

    [LoggerMessage(EventId = 9005, Level = LogLevel.Warning, Message = "API: could not read the token store ({Error}); {Consequence}")]
    private partial void LogRefreshFailed(string error, string consequence);

    [LoggerMessage(EventId = 9006, Level = LogLevel.Information, Message = "API: the token store is readable again (last error: {Error})")]
    private partial void LogRefreshRecovered(string error);

    [LoggerMessage(EventId = 9007, Level = LogLevel.Error, Message = "API: token record '{Name}' is damaged and ignored: {Error}")]
    private partial void LogDamaged(string name, string error);
}

/// <summary>Why a token could not be created or revoked.</summary>
internal enum TokenStoreErrorKind
{
    Invalid,
    Conflict,
    NotFound,
    Unavailable,
}

/// <summary>A refused token change: its kind (mapped to 400, 409, 404, 503) and a message naming the value.</summary>
internal sealed record TokenStoreError(TokenStoreErrorKind Kind, string Message);
