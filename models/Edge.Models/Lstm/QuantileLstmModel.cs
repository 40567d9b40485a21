using System.Text.Json;
using TorchSharp;

namespace Edge.Models.Lstm;

/// <summary>
/// A trained (or freshly initialised) quantile LSTM for one resource, with its manifest. Inference is batched: one
/// forward pass for any number of series. Saved as <c>{name}.pt</c> (TorchSharp's state-dict format) beside
/// <c>{name}.json</c> (the <see cref="LstmModelManifest"/>).
/// </summary>
internal sealed class QuantileLstmModel : IDisposable
{
    private QuantileLstmModel(QuantileLstmNetwork network, LstmModelManifest manifest)
    {
        Network = network;
        Manifest = manifest;
    }

    private ManagedQuantileLstm? _managed;

    /// <summary>The manifest; setting it (after a fit, update or load) also drops the managed weight snapshot.</summary>
    public LstmModelManifest Manifest
    {
        get;
        set
        {
            field = value;
            _managed = null;
        }
    }

    public LstmOptions Options => Manifest.Options;

    internal QuantileLstmNetwork Network { get; }

    public static QuantileLstmModel Create(LstmOptions options, ResourceKind resource)
    {
        options.ThrowIfInvalid();
        TorchNumerics.Configure();
        ApplyThreads(options);
        torch.manual_seed(options.Seed);
        var network = new QuantileLstmNetwork(
            WindowFeatures.Count, options.HiddenSize, options.Layers, options.HorizonWindows, options.Quantiles.Count);
        network.eval();
        return new QuantileLstmModel(network, new LstmModelManifest { Resource = resource, Options = options });
    }

    /// <summary>Scaled quantiles [horizon, quantiles] of one feature block, computed in managed code (no libtorch call).</summary>
    public float[] PredictOne(ReadOnlySpan<float> features)
    {
        var managed = _managed ??= new ManagedQuantileLstm(Network, Options);
        return managed.Predict(features, Options.ContextWindows);
    }

    /// <summary>Scaled quantiles for <paramref name="batch"/> feature blocks, flattened as [batch, horizon, quantiles].</summary>
    public float[] PredictScaled(float[] features, int batch)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var input = torch.tensor(features, [batch, Options.ContextWindows, WindowFeatures.Count]);
        return Network.call(input).data<float>().ToArray();
    }

    /// <summary>
    /// Forecasts every series from its latest samples in one forward pass. Row i holds series i's quantiles in its own
    /// unit, horizon step by horizon step (horizon x quantiles values).
    /// </summary>
    public double[][] Forecast(IReadOnlyList<UsageSeries> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var block = Options.ContextWindows * WindowFeatures.Count;
        var features = new float[series.Count * block];
        var scales = new double[series.Count];
        for (var i = 0; i < series.Count; i++)
        {
            var s = series[i];
            if (s.Count == 0)
            {
                throw new ArgumentException($"Series '{s.Id}' has no samples to forecast from.", nameof(series));
            }

            var start = Math.Max(0, s.Count - Options.ContextSamples);
            scales[i] = WindowFeatures.Fill(
                s.Values.AsSpan(start), s.TimestampsS.AsSpan(start), Options.WindowSamples, Options.ContextWindows,
                features.AsSpan(i * block, block));
        }

        var scaled = series.Count == 0 ? [] : PredictScaled(features, series.Count);
        var width = Options.HorizonWindows * Options.Quantiles.Count;
        var result = new double[series.Count][];
        for (var i = 0; i < series.Count; i++)
        {
            result[i] = new double[width];
            for (var j = 0; j < width; j++)
            {
                result[i][j] = Math.Max(0, scaled[(i * width) + j] * scales[i]);
            }
        }

        return result;
    }

    public void Save(string directory, string name)
    {
        Directory.CreateDirectory(directory);
        Network.save(Path.Combine(directory, name + ".pt"));
        var json = JsonSerializer.Serialize(Manifest, LstmJsonContext.Default.LstmModelManifest);
        File.WriteAllText(Path.Combine(directory, name + ".json"), json);
    }

    public static QuantileLstmModel Load(string directory, string name)
    {
        using var weights = File.OpenRead(Path.Combine(directory, name + ".pt"));
        using var manifest = File.OpenRead(Path.Combine(directory, name + ".json"));
        return Load(weights, manifest, Path.Combine(directory, name));
    }

    /// <summary>Loads a model; <paramref name="source"/> names it in errors.</summary>
    public static QuantileLstmModel Load(Stream weights, Stream manifestJson, string source)
    {
        var manifest = JsonSerializer.Deserialize(manifestJson, LstmJsonContext.Default.LstmModelManifest)
            ?? throw new InvalidDataException($"{source}.json holds no manifest.");
        if (manifest.FormatVersion != LstmModelManifest.CurrentFormatVersion)
        {
            throw new InvalidDataException(
                $"{source}.json has format version {manifest.FormatVersion}; this build reads {LstmModelManifest.CurrentFormatVersion}.");
        }

        var errors = manifest.Options.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidDataException($"{source}.json has invalid options: {string.Join(" ", errors)}");
        }

        var model = Create(manifest.Options, manifest.Resource);
        model.Manifest = manifest;
        using var reader = new BinaryReader(weights);
        model.Network.load(reader);
        model.Network.eval();
        return model;
    }

    private static void ApplyThreads(LstmOptions options)
    {
        if (options.Threads > 0 && torch.get_num_threads() != options.Threads)
        {
            torch.set_num_threads(options.Threads);
        }
    }

    public void Dispose() => Network.Dispose();
}
