using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.Controller.State;

/// <summary>
/// Learned models in the <see cref="IStateStore"/>, so the next leader continues with the version the last one
/// promoted instead of starting over. A model version is a blob (the LSTM: a tar of its version directory; Edge's
/// model: its JSON) stored as:
/// <list type="bullet">
/// <item><c>model-chunks/{model}/v{N:D6}/{i:D4}</c>: chunks of at most <see cref="ChunkBytes"/> (1 MiB, under
/// etcd's default 1.5 MiB request limit), one commit each, written first;</item>
/// <item><c>models/{model}/v{N:D6}</c>: the version's metadata (<see cref="StoredModel"/>: size, SHA-256 of the
/// whole blob, chunk count, the model's own manifest), and <c>models/{model}/current</c>: the version in use, both
/// in the last commit. A crash before it leaves chunks no metadata names (overwritten by the next save of that
/// version); the version in use changes only once every chunk is stored.</item>
/// </list>
/// <see cref="Load"/> verifies the checksum and, when the current version is damaged or incomplete, logs an error
/// naming it and what is wrong and falls back to the newest older version that verifies.
/// </summary>
internal sealed partial class LearnedModelStore(IStateStore state, ILogger logger)
{
    public const string Collection = "models";
    public const string Chunks = "model-chunks";
    public const int ChunkBytes = 1 << 20;

    /// <summary>Stores version <paramref name="version"/> of <paramref name="model"/> and makes it current; throws <see cref="StateStoreException"/> with the version not current.</summary>
    public void Save(string model, int version, byte[] content, JsonElement? manifest, long nowMs)
    {
        var chunks = Math.Max(1, (content.Length + ChunkBytes - 1) / ChunkBytes);
        for (var i = 0; i < chunks; i++)
        {
            var start = i * ChunkBytes;
            state.Commit([StateChange.Put(Chunks, ChunkKey(model, version, i), content[start..Math.Min(content.Length, start + ChunkBytes)])]);
        }

        var meta = new StoredModel
        {
            Model = model,
            Version = version,
            Bytes = content.Length,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(content)),
            Chunks = chunks,
            SavedAtMs = nowMs,
            Manifest = manifest,
        };
        state.Commit(
        [
            StateChange.Put(Collection, VersionKey(model, version), JsonSerializer.SerializeToUtf8Bytes(meta, LearnedModelJsonContext.Default.StoredModel)),
            StateChange.Put(Collection, model + "/current", System.Text.Encoding.ASCII.GetBytes(version.ToString(CultureInfo.InvariantCulture))),
        ]);
    }

    /// <summary>
    /// The current version's blob, verified; else the newest older version that verifies (each damaged one logged
    /// as an error); null when the store holds none.
    /// </summary>
    public LoadedModel? Load(string model)
    {
        var versions = Versions(model);
        if (versions.Count == 0)
        {
            return null;
        }

        var current = state.Get(Collection, model + "/current") is { } pointer
            && int.TryParse(System.Text.Encoding.ASCII.GetString(pointer.Value), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : versions[0];
        var skipped = new List<string>();
        foreach (var version in versions.Where(x => x <= current))
        {
            var why = TryRead(model, version, out var loaded);
            if (loaded is not null)
            {
                return loaded with { Damaged = skipped };
            }

            LogDamaged(model, version, why!);
            skipped.Add($"v{version}: {why}");
        }

        return new LoadedModel(null, null, skipped);
    }

    /// <summary>Deletes the versions of <paramref name="model"/> at or below <paramref name="below"/> (metadata and chunks).</summary>
    public void Prune(string model, int below)
    {
        foreach (var version in Versions(model).Where(v => v <= below))
        {
            var meta = state.Get(Collection, VersionKey(model, version));
            var chunks = meta is null ? 0 : SafeDecode(meta)?.Chunks ?? 0;
            var changes = new List<StateChange> { StateChange.Delete(Collection, VersionKey(model, version)) };
            changes.AddRange(Enumerable.Range(0, chunks).Select(i => StateChange.Delete(Chunks, ChunkKey(model, version, i))));
            foreach (var part in changes.Chunk(Math.Max(1, Math.Min(state.MaxChangesPerCommit, 1000))))
            {
                state.Commit(part);
            }
        }
    }

    /// <summary>The versions of <paramref name="model"/> with metadata, newest first.</summary>
    public IReadOnlyList<int> Versions(string model)
    {
        var prefix = model + "/v";
        return [.. state.List(Collection)
            .Where(r => r.Key.StartsWith(prefix, StringComparison.Ordinal))
            .Select(r => int.TryParse(r.Key[prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1)
            .Where(v => v > 0)
            .OrderDescending()];
    }

    private string? TryRead(string model, int version, out LoadedModel? loaded)
    {
        loaded = null;
        if (state.Get(Collection, VersionKey(model, version)) is not { } record)
        {
            return "its metadata is missing";
        }

        if (SafeDecode(record) is not { } meta)
        {
            return "its metadata is not valid JSON";
        }

        var content = new MemoryStream(meta.Bytes);
        for (var i = 0; i < meta.Chunks; i++)
        {
            if (state.Get(Chunks, ChunkKey(model, version, i)) is not { } chunk)
            {
                return $"chunk {i} of {meta.Chunks} is missing";
            }

            content.Write(chunk.Value);
        }

        var bytes = content.ToArray();
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (bytes.Length != meta.Bytes || sha != meta.Sha256)
        {
            return $"checksum mismatch: {bytes.Length} bytes with SHA-256 {sha}, stored as {meta.Bytes} bytes with {meta.Sha256}";
        }

        loaded = new LoadedModel(meta, bytes, []);
        return null;
    }

    private static StoredModel? SafeDecode(StoredRecord record)
    {
        try
        {
            return record.Decode(LearnedModelJsonContext.Default.StoredModel);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private static string VersionKey(string model, int version) => $"{model}/v{version.ToString("D6", CultureInfo.InvariantCulture)}";

    private static string ChunkKey(string model, int version, int chunk) => $"{VersionKey(model, version)}/{chunk.ToString("D4", CultureInfo.InvariantCulture)}";

    [LoggerMessage(EventId = 5331, Level = LogLevel.Error, Message = "Learned model {Model} v{Version} in the state store is damaged ({Why}); not used, trying the previous version")]
    private partial void LogDamaged(string model, int version, string why);
}

/// <summary>A model version's metadata in the store.</summary>
internal sealed record StoredModel
{
    public string Model { get; init; } = "";

    public int Version { get; init; }

    public int Bytes { get; init; }

    public string Sha256 { get; init; } = "";

    public int Chunks { get; init; }

    public long SavedAtMs { get; init; }

    /// <summary>The model's own manifest (the LSTM's <c>version.json</c>), for operators reading the store.</summary>
    public JsonElement? Manifest { get; init; }
}

/// <summary>A verified model version (<see cref="Meta"/> and <see cref="Content"/> null when none verified), and the versions skipped as damaged.</summary>
internal sealed record LoadedModel(StoredModel? Meta, byte[]? Content, IReadOnlyList<string> Damaged);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StoredModel))]
internal sealed partial class LearnedModelJsonContext : JsonSerializerContext;
