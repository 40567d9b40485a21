using Edge.Common.Contracts;
using Edge.Controller.Options;
using Edge.Models;
using Edge.Models.Forecasting;
using Edge.Models.Profiling;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Profiles;

/// <summary>
/// The controller's forecaster: a <see cref="ComponentProfiler"/> over the configured recommender, with Edge's
/// model loaded from <c>{DataDirectory}/models</c> (saved there by <see cref="RetrainService"/>; the built-in default
/// until then). <see cref="Replace"/> swaps in a retrained model and replays the run history into it. Thread-safe.
/// </summary>
internal sealed partial class Forecaster
{
    private readonly ComponentProfilerOptions _options;
    private readonly TimeProvider _time;
    private readonly double _learningRate;
    private ComponentProfiler _current;

    public Forecaster(IOptions<ComponentProfilerOptions> options, IOptions<LearningOptions> learning, IOptions<ControllerOptions> controller, TimeProvider time, ILogger<Forecaster> logger)
    {
        _learningRate = learning.Value.LearningRate;
        _options = options.Value;
        _time = time;
        ModelDirectory = Path.Combine(controller.Value.DataDirectory, "models");
        var model = EdgeModel.Default;
        if (File.Exists(Path.Combine(ModelDirectory, EdgeModelStore.FileName)))
        {
            try
            {
                model = EdgeModelStore.Load(ModelDirectory);
                LogModelLoaded(logger, model.ModelVersion, ModelDirectory);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or System.Text.Json.JsonException or ArgumentException)
            {
                LogModelUnreadable(logger, ModelDirectory, ex.Message);
            }
        }

        Model = model;
        _current = Build(model);
    }

    /// <summary>Where the retrained model is saved.</summary>
    public string ModelDirectory { get; }

    /// <summary>Edge's model in use.</summary>
    public EdgeModel Model { get; private set; }

    public void Record(ComponentRun run) => Volatile.Read(ref _current).Record(run);

    public PredictionProfile Predict(string componentId, ComponentContext context) => Volatile.Read(ref _current).Predict(componentId, context);

    /// <summary>Uses <paramref name="model"/> from now on; <paramref name="history"/> is replayed into it first.</summary>
    public void Replace(EdgeModel model, IEnumerable<ComponentRun> history)
    {
        var next = Build(model);
        foreach (var run in history)
        {
            next.Record(run);
        }

        Model = model;
        Volatile.Write(ref _current, next);
    }

    private ComponentProfiler Build(EdgeModel model)
    {
        var registry = RecommenderRegistry.CreateDefault();
        registry.Add(model.CreateRecommender(_learningRate));
        return new ComponentProfiler(_options, _time, registry);
    }

    [LoggerMessage(EventId = 6501, Level = LogLevel.Information, Message = "Forecasting with Edge model version {Version} from {Directory}")]
    private static partial void LogModelLoaded(ILogger logger, int version, string directory);

    [LoggerMessage(EventId = 6502, Level = LogLevel.Warning, Message = "The saved model in {Directory} cannot be read ({Error}); using the built-in default")]
    private static partial void LogModelUnreadable(ILogger logger, string directory, string error);
}
