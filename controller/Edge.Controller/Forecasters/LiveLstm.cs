using System.Formats.Tar;
using System.Text.Json;
using Edge.Controller.State;
using Edge.Models;
using Edge.Models.Lstm;

namespace Edge.Controller.Forecasters;

/// <summary>
/// The controller's LSTM: the promoted version (null until one is trained), its versions on disk under
/// <c>{DataDirectory}/models/lstm</c> (<c>v{N}/</c> with the networks and <see cref="LiveLstmManifest"/>, and the file
/// <c>current</c> naming the version in use, replaced atomically), loaded at start. Thread-safe: promotion swaps the
/// model in one write; the replaced model is disposed one promotion later, when no forecast can still be using it.
/// With a <see cref="LearnedModelStore"/> (the controller's state store) the directory is a cache: a promoted
/// version is stored (a tar of its directory, chunked, with its SHA-256) before it is used, and <see cref="Load"/>
/// takes the store's current version, so the next leader continues with the version the last one promoted.
/// </summary>
internal sealed partial class LiveLstm : IDisposable
{
    /// <summary>The LSTM's name in the state store.</summary>
    public const string StoreName = "lstm";

    private readonly Lock _gate = new();
    private readonly LearnedModelStore? _store;
    private readonly ILogger _logger;
    private RunPeakLstm? _current;
    private RunPeakLstm? _previous;

    public LiveLstm(LiveLstmOptions options, string directory, LearnedModelStore? store = null, ILogger? logger = null)
    {
        Options = options;
        Directory = directory;
        _store = store;
        _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }

    public LiveLstmOptions Options { get; }

    /// <summary>Where the versions are kept.</summary>
    public string Directory { get; }

    public RunPeakLstm? Current => Volatile.Read(ref _current);

    public LiveLstmManifest? Manifest { get; private set; }

    /// <summary>Raised after a promotion or load (the forecaster drops its cached predictions).</summary>
    public event Action? Changed;

    /// <summary>
    /// Loads the version in use: the state store's current version when there is one (its checksum verified; a
    /// damaged version is logged as an error and the previous one in the store used), written into
    /// <see cref="Directory"/> and loaded from there; else the local version (an earlier version's, imported into
    /// the store). Returns false when there is none.
    /// </summary>
    public bool Load()
    {
        if (_store is null)
        {
            return LoadCurrent();
        }

        var stored = _store.Load(StoreName);
        if (stored?.Content is { } content)
        {
            var version = stored.Meta!.Version;
            var dir = VersionDirectory(version);
            if (System.IO.Directory.Exists(dir))
            {
                System.IO.Directory.Delete(dir, recursive: true);
            }

            System.IO.Directory.CreateDirectory(dir);
            using (var tar = new MemoryStream(content))
            {
                // Entries that would land outside dir are refused by TarFile itself.
                TarFile.ExtractToDirectory(tar, dir, overwriteFiles: true);
            }

            WritePointer(version);
            LogLoadedFromStore(version, stored.Meta.Sha256, stored.Damaged.Count == 0 ? "none" : string.Join("; ", stored.Damaged));
            return LoadCurrent();
        }

        if (stored is not null)
        {
            LogNothingVerified(string.Join("; ", stored.Damaged));
            return LoadCurrent();
        }

        if (!LoadCurrent())
        {
            return false;
        }

        // A version only on disk (an earlier controller version): imported, so the next leader has it too.
        try
        {
            _store.Save(StoreName, Current!.Version, Pack(VersionDirectory(Current.Version)), JsonSerializer.SerializeToElement(Manifest!, LiveLstmJsonContext.Default.LiveLstmManifest), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        }
        catch (StateStoreException ex)
        {
            LogImportFailed(Current!.Version, ex.Message);
        }

        return true;
    }

    /// <summary>Loads the version named by <c>current</c> in <see cref="Directory"/>; returns false when there is none. Throws with the file and value when it is unreadable.</summary>
    public bool LoadCurrent()
    {
        var pointer = Path.Combine(Directory, "current");
        if (!File.Exists(pointer))
        {
            return false;
        }

        var text = File.ReadAllText(pointer).Trim();
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version) || version < 1)
        {
            throw new InvalidDataException($"{pointer} holds '{text}', not a version number");
        }

        var dir = VersionDirectory(version);
        var manifestPath = Path.Combine(dir, "version.json");
        LiveLstmManifest manifest;
        using (var stream = File.OpenRead(manifestPath))
        {
            manifest = JsonSerializer.Deserialize(stream, LiveLstmJsonContext.Default.LiveLstmManifest)
                ?? throw new InvalidDataException($"{manifestPath} holds no manifest");
        }

        if (manifest.FormatVersion != LiveLstmManifest.CurrentFormatVersion || manifest.Version != version)
        {
            throw new InvalidDataException($"{manifestPath} has format {manifest.FormatVersion} and version {manifest.Version}; expected format {LiveLstmManifest.CurrentFormatVersion}, version {version}");
        }

        var model = new LstmRecommender(Options.ToModelOptions(), loadDefault: false);
        try
        {
            model.Load(dir);
        }
        catch
        {
            model.Dispose();
            throw;
        }

        Swap(new RunPeakLstm(model, version), manifest);
        return true;
    }

    /// <summary>Trains a candidate (not promoted) on run-peak series (<see cref="RunPeakLstm.Series"/>).</summary>
    public RunPeakLstm Train(IReadOnlyList<UsageSeries> series, CancellationToken cancellationToken)
    {
        var model = new LstmRecommender(Options.ToModelOptions(), loadDefault: false);
        try
        {
            model.Fit(series, null, cancellationToken);
        }
        catch
        {
            model.Dispose();
            throw;
        }

        return new RunPeakLstm(model, (Current?.Version ?? 0) + 1);
    }

    /// <summary>Saves <paramref name="candidate"/> as its version, points <c>current</c> at it, uses it, and prunes old versions.</summary>
    public void Promote(RunPeakLstm candidate, LiveLstmManifest manifest)
    {
        var dir = VersionDirectory(candidate.Version);
        if (System.IO.Directory.Exists(dir))
        {
            System.IO.Directory.Delete(dir, recursive: true); // a version saved before a crash that never became current
        }

        System.IO.Directory.CreateDirectory(dir);
        candidate.Inner.Save(dir);
        File.WriteAllText(Path.Combine(dir, "version.json"), JsonSerializer.Serialize(manifest, LiveLstmJsonContext.Default.LiveLstmManifest));
        if (_store is not null)
        {
            try
            {
                // In the store before it is used: a refused write leaves the incumbent in use, here and for the next leader.
                _store.Save(StoreName, candidate.Version, Pack(dir), JsonSerializer.SerializeToElement(manifest, LiveLstmJsonContext.Default.LiveLstmManifest), manifest.TrainedAtS * 1000);
            }
            catch (StateStoreException)
            {
                System.IO.Directory.Delete(dir, recursive: true);
                throw;
            }
        }

        WritePointer(candidate.Version);
        Swap(candidate, manifest);
        Prune(candidate.Version);
    }

    /// <summary>A version directory as one blob (tar, no base directory).</summary>
    internal static byte[] Pack(string dir)
    {
        using var tar = new MemoryStream();
        TarFile.CreateFromDirectory(dir, tar, includeBaseDirectory: false);
        return tar.ToArray();
    }

    private void WritePointer(int version)
    {
        var pointer = Path.Combine(Directory, "current");
        var temp = pointer + ".tmp";
        File.WriteAllText(temp, version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        File.Move(temp, pointer, overwrite: true);
    }

    private void Swap(RunPeakLstm next, LiveLstmManifest manifest)
    {
        lock (_gate)
        {
            _previous?.Inner.Dispose();
            _previous = _current;
            Manifest = manifest;
            Volatile.Write(ref _current, next);
        }

        Changed?.Invoke();
    }

    private void Prune(int current)
    {
        foreach (var dir in System.IO.Directory.EnumerateDirectories(Directory, "v*"))
        {
            if (int.TryParse(Path.GetFileName(dir)[1..], out var v) && v <= current - Options.KeepVersions)
            {
                System.IO.Directory.Delete(dir, recursive: true);
            }
        }

        if (_store is not null)
        {
            try
            {
                _store.Prune(StoreName, current - Options.KeepVersions);
            }
            catch (StateStoreException ex)
            {
                LogPruneFailed(ex.Message);
            }
        }
    }

    private string VersionDirectory(int version) => Path.Combine(Directory, "v" + version.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public void Dispose()
    {
        lock (_gate)
        {
            _previous?.Inner.Dispose();
            _current?.Inner.Dispose();
            _previous = _current = null;
        }
    }

    [LoggerMessage(EventId = 6535, Level = LogLevel.Information, Message = "LSTM v{Version} loaded from the state store (SHA-256 {Sha256} verified); damaged versions skipped: {Skipped}")]
    private partial void LogLoadedFromStore(int version, string sha256, string skipped);

    [LoggerMessage(EventId = 6536, Level = LogLevel.Error, Message = "No LSTM version in the state store verifies ({Damaged}); using the local copy if there is one, else retraining from the run history")]
    private partial void LogNothingVerified(string damaged);

    [LoggerMessage(EventId = 6537, Level = LogLevel.Warning, Message = "LSTM v{Version} (local) could not be copied into the state store: {Error}; the next leader will not have it")]
    private partial void LogImportFailed(int version, string error);

    [LoggerMessage(EventId = 6538, Level = LogLevel.Warning, Message = "Old LSTM versions could not be deleted from the state store: {Error}")]
    private partial void LogPruneFailed(string error);
}
