using System.Text.Json;
using Edge.Models;
using Edge.Models.Lstm;

namespace Edge.Controller.Forecasters;

/// <summary>
/// The controller's LSTM: the promoted version (null until one is trained), its versions on disk under
/// <c>{DataDirectory}/models/lstm</c> (<c>v{N}/</c> with the networks and <see cref="LiveLstmManifest"/>, and the file
/// <c>current</c> naming the version in use, replaced atomically), loaded at start. Thread-safe: promotion swaps the
/// model in one write; the replaced model is disposed one promotion later, when no forecast can still be using it.
/// </summary>
internal sealed class LiveLstm : IDisposable
{
    private readonly Lock _gate = new();
    private RunPeakLstm? _current;
    private RunPeakLstm? _previous;

    public LiveLstm(LiveLstmOptions options, string directory)
    {
        Options = options;
        Directory = directory;
    }

    public LiveLstmOptions Options { get; }

    /// <summary>Where the versions are kept.</summary>
    public string Directory { get; }

    public RunPeakLstm? Current => Volatile.Read(ref _current);

    public LiveLstmManifest? Manifest { get; private set; }

    /// <summary>Raised after a promotion or load (the forecaster drops its cached predictions).</summary>
    public event Action? Changed;

    /// <summary>Loads the version named by <c>current</c>; returns false when there is none. Throws with the file and value when it is unreadable.</summary>
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
        var pointer = Path.Combine(Directory, "current");
        var temp = pointer + ".tmp";
        File.WriteAllText(temp, candidate.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        File.Move(temp, pointer, overwrite: true);
        Swap(candidate, manifest);
        Prune(candidate.Version);
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
}
