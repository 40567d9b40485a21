using Edge.Common.Contracts;
using Edge.Controller.Forecasters;
using Edge.Controller.Options;
using Edge.Controller.Signals;
using Edge.Models;
using Edge.Models.Forecasting;
using Edge.Models.Profiling;
using Edge.Models.Statistical;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Profiles;

/// <summary>
/// The controller's forecaster: a <see cref="ComponentProfiler"/> over the configured recommender, with Edge's
/// model loaded from <c>{DataDirectory}/models</c> (saved there by <see cref="RetrainService"/>; the built-in default
/// until then), and a forecaster chosen per component among the candidates (<see cref="ForecasterSelection"/>:
/// the configured one, <c>ets</c>, <c>sarima</c>, and the controller's own LSTM once one is trained,
/// <see cref="LiveLstm"/>). Work announced for a component (<see cref="SignalBoard"/>) near the decision raises its
/// profile by <see cref="Edge.Models.Signals.SignalAwareRecommender"/>'s rule (model <c>{name}+signals</c>). <see cref="Replace"/> swaps in a retrained Edge model and replays the run history into it.
/// Every profile names its model and that model's version. Thread-safe.
/// </summary>
internal sealed partial class Forecaster
{
    private readonly ComponentProfilerOptions _options;
    private readonly TimeProvider _time;
    private readonly double _learningRate;
    private readonly int _runBaseMinRuns;
    private readonly bool _runTailRealized;
    private readonly Dictionary<string, IRecommender> _statistical;
    private readonly SignalBoard? _signals;
    private readonly ILogger _logger;

    /// <summary>Edge's model's name in the state store (<see cref="State.LearnedModelStore"/>).</summary>
    public const string EdgeModelName = "edge";
    private ComponentProfiler _current;

    public Forecaster(
        IOptions<ComponentProfilerOptions> options,
        IOptions<LearningOptions> learning,
        IOptions<ControllerOptions> controller,
        TimeProvider time,
        ILogger<Forecaster> logger,
        IOptions<ForecasterChoiceOptions>? choice = null,
        IOptions<LiveLstmOptions>? lstm = null,
        SignalBoard? signals = null,
        State.IStateStore? state = null,
        System.Diagnostics.Metrics.IMeterFactory? meters = null)
    {
        _signals = signals;
        _learningRate = learning.Value.LearningRate;
        _runBaseMinRuns = learning.Value.RunBaseMinRuns;
        _runTailRealized = learning.Value.RunTailRealized;
        _options = options.Value;
        _time = time;
        ModelDirectory = Path.Combine(controller.Value.DataDirectory, "models");
        _logger = logger;
        Models = state is null ? null : new State.LearnedModelStore(state, logger);
        var model = LoadEdgeModel();

        Selection = new ForecasterSelection(choice?.Value ?? new ForecasterChoiceOptions(), time);
        // A prediction warms a fresh state up on the component's latest runs: refitting at every one of them made a
        // cold ets/sarima prediction 48 fits per resource (forecast benchmark `live`); every 8th run and online in
        // between, as a regular series between its daily fits. Real decisions still refit after every run.
        var warmup = StatisticalOptions.Default with { WarmupRefitEveryRuns = StatisticalWarmupRefitEveryRuns };
        _statistical = Selection.Options.CandidateNames()
            .Where(n => n is "ets" or "sarima")
            .ToDictionary(n => n, n => (IRecommender)new StatisticalRecommender(n == "ets" ? StatisticalModel.Ets : StatisticalModel.Sarima, warmup), StringComparer.Ordinal);
        Metrics = new ForecasterMetrics(meters, _statistical);
        var lstmOptions = lstm?.Value ?? new LiveLstmOptions();
        if (lstmOptions.Enabled && Selection.Options.CandidateNames().Contains("lstm"))
        {
            Lstm = new LiveLstm(lstmOptions, Path.Combine(ModelDirectory, "lstm"), Models, logger);
            try
            {
                if (Lstm.Load())
                {
                    LogLstmLoaded(logger, Lstm.Current!.Version, Lstm.Directory);
                }
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or System.Text.Json.JsonException or ArgumentException or UnauthorizedAccessException or State.StateStoreException)
            {
                LogLstmUnreadable(logger, Lstm.Directory, ex.Message);
            }
        }

        Model = model;
        _current = Build(model);
        if (Lstm is not null)
        {
            Lstm.Changed += () => Volatile.Read(ref _current).InvalidateAll();
        }

        if (_signals is not null)
        {
            _signals.Changed += () => Volatile.Read(ref _current).InvalidateAll();
        }
    }

    /// <summary>Runs between refits of <c>ets</c> and <c>sarima</c> while a prediction warms their state up (<see cref="StatisticalOptions.WarmupRefitEveryRuns"/>).</summary>
    public const int StatisticalWarmupRefitEveryRuns = 8;

    /// <summary>The forecaster's instruments (meter <see cref="ForecasterMetrics.MeterName"/>).</summary>
    public ForecasterMetrics Metrics { get; }

    /// <summary>Where the retrained models are saved (a cache of the state store's versions when there is a store).</summary>
    public string ModelDirectory { get; }

    /// <summary>The learned models in the state store (null without a store: tests, tools).</summary>
    public State.LearnedModelStore? Models { get; }

    /// <summary>Edge's model in use.</summary>
    public EdgeModel Model { get; private set; }

    /// <summary>The per-component choice of forecaster.</summary>
    public ForecasterSelection Selection { get; }

    /// <summary>The controller's LSTM (null when disabled or not a candidate).</summary>
    public LiveLstm? Lstm { get; }

    /// <summary>Name of the configured (base) recommender: what new components start with.</summary>
    public string BaseName => Volatile.Read(ref _current).Recommender.Name;

    public void Record(ComponentRun run)
    {
        Volatile.Read(ref _current).Record(run);
        Selection.RunRecorded(run.ComponentId);
    }

    /// <summary>Removes a run recorded earlier (the same instance) from the forecaster's history.</summary>
    public bool Forget(ComponentRun run) => Volatile.Read(ref _current).Forget(run);

    public PredictionProfile Predict(string componentId, ComponentContext context)
    {
        var profile = Volatile.Read(ref _current).Predict(componentId, context);
        return profile with { ModelVersion = VersionOf(BaseModelName(profile.Model)) };
    }

    /// <summary>
    /// Profiles for many components at once, in request order (each as <see cref="Predict"/> makes it): the requests
    /// are split over at most <paramref name="parallelism"/> threads (default: one per core), since a profile not in
    /// the cache updates or replays the component's forecaster states, which is CPU-bound and independent per component;
    /// the LSTM forward passes of warm LSTM components run in one batch (<see cref="ComponentProfiler.PredictMany"/>).
    /// </summary>
    public IReadOnlyList<PredictionProfile> PredictMany(IReadOnlyList<(string ComponentId, ComponentContext Context)> requests, int? parallelism = null)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var profiles = Volatile.Read(ref _current).PredictMany(requests, parallelism ?? Environment.ProcessorCount);
        return [.. profiles.Select(p => p with { ModelVersion = VersionOf(BaseModelName(p.Model)) })];
    }

    /// <summary>
    /// Builds the warm states of the components with runs of their own: predicts them, most recently run first (at most
    /// <see cref="ComponentProfilerOptions.WarmStates"/>, as many as are kept), each with its last run's context,
    /// <paramref name="chunk"/> at a time on one thread; <paramref name="progress"/> is told (done, total) after each chunk.
    /// Returns how many were predicted.
    /// </summary>
    public int Prewarm(int chunk, Action<int, int>? progress, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunk, 1);
        var profiler = Volatile.Read(ref _current);
        var latest = new List<(string Id, ComponentContext Context, long StartedAtS)>();
        foreach (var id in profiler.Components())
        {
            var runs = profiler.RunsOf(id);
            if (runs.Count > 0)
            {
                latest.Add((id, runs[^1].Context, runs[^1].StartedAtS));
            }
        }

        var requests = latest
            .OrderByDescending(c => c.StartedAtS)
            .ThenBy(c => c.Id, StringComparer.Ordinal)
            .Take(_options.WarmStates)
            .Select(c => (c.Id, c.Context))
            .ToList();
        for (var done = 0; done < requests.Count;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var part = requests.GetRange(done, Math.Min(chunk, requests.Count - done));
            Volatile.Read(ref _current).PredictMany(part, 1);
            done += part.Count;
            progress?.Invoke(done, requests.Count);
        }

        return requests.Count;
    }

    /// <summary>Drops every cached prediction.</summary>
    public void InvalidateAll() => Volatile.Read(ref _current).InvalidateAll();

    /// <summary>Drops every component's warm forecaster states: the next prediction of each replays its runs (benchmarks, tests).</summary>
    public void DropWarmStates() => Volatile.Read(ref _current).DropWarmStates();

    /// <summary>Predictions made from warm states and by replaying runs, since the forecaster was built (or Edge's model replaced).</summary>
    public (long Warm, long Cold) PredictionCounts => Volatile.Read(ref _current).PredictionCounts;

    /// <summary>
    /// The memory (MiB) a retry after an OOM kill needs at least: the largest of the component's latest
    /// <paramref name="recentRuns"/> learned runs, or of all its learned runs when their median wall time is at most
    /// <paramref name="shortRunSeconds"/> (&gt; 0); 0 when it has none.
    /// </summary>
    public double RetryPeakMemoryMiB(string componentId, int recentRuns, double shortRunSeconds)
    {
        var own = Volatile.Read(ref _current).RunsOf(componentId);
        if (own.Count == 0)
        {
            return 0;
        }

        var recent = own.Skip(Math.Max(0, own.Count - recentRuns)).Max(r => r.MemoryMiB);
        if (shortRunSeconds <= 0)
        {
            return recent;
        }

        var durations = own.Select(r => r.DurationS).Where(d => double.IsFinite(d) && d > 0).Order().ToList();
        return durations.Count > 0 && durations[durations.Count / 2] <= shortRunSeconds ? own.Max(r => r.MemoryMiB) : recent;
    }

    /// <summary>The choice, its version and every candidate's held-out score, for the API.</summary>
    public Edge.Common.Api.ForecasterChoice Describe(string componentId) => Selection.Describe(componentId, BaseName, VersionOf);

    /// <summary>Version of a model by name: Edge's model version, the LSTM's, 1 for the statistical models, 0 for none.</summary>
    public int VersionOf(string model) => model switch
    {
        _ when model == BaseName => model == RecommenderRegistry.DefaultName ? Model.ModelVersion : 1,
        "lstm" => Lstm?.Current?.Version ?? 0,
        "ets" or "sarima" => 1,
        _ => 0,
    };

    /// <summary>Scores the components due (at most <paramref name="max"/>); returns how many changed forecaster.</summary>
    public int RescoreDue(int max, CancellationToken cancellationToken)
    {
        var changed = 0;
        foreach (var id in Selection.Due(max))
        {
            cancellationToken.ThrowIfCancellationRequested();
            changed += Rescore(id, cancellationToken) ? 1 : 0;
        }

        return changed;
    }

    /// <summary>Scores one component's candidates now; true when its forecaster changed.</summary>
    public bool Rescore(string componentId, CancellationToken cancellationToken = default)
    {
        var profiler = Volatile.Read(ref _current);
        var runs = profiler.RunsOf(componentId);
        if (!Selection.Rescore(componentId, runs, Candidates(profiler), cancellationToken))
        {
            return false;
        }

        profiler.Invalidate(componentId);
        return true;
    }

    /// <summary>
    /// Saves a retrained Edge model: to <see cref="ModelDirectory"/>, then to the state store (the copy the next leader
    /// loads); throws <see cref="State.StateStoreException"/> when the store refuses it (then call not
    /// <see cref="Replace"/>: the model in use stays).
    /// </summary>
    public void Save(EdgeModel model)
    {
        EdgeModelStore.Save(model, ModelDirectory);
        Models?.Save(EdgeModelName, model.ModelVersion, File.ReadAllBytes(Path.Combine(ModelDirectory, EdgeModelStore.FileName)), null, _time.GetUtcNow().ToUnixTimeMilliseconds());
    }

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

    /// <summary>
    /// Edge's model: the state store's current version when there is one (verified, written to
    /// <see cref="ModelDirectory"/>; a damaged version is logged and the previous one used), else the file in
    /// <see cref="ModelDirectory"/> (then imported into the store), else the built-in default.
    /// </summary>
    private EdgeModel LoadEdgeModel()
    {
        var path = Path.Combine(ModelDirectory, EdgeModelStore.FileName);
        try
        {
            var stored = Models?.Load(EdgeModelName);
            if (stored?.Content is { } content)
            {
                Security.PrivateFiles.EnsureDirectory(ModelDirectory);
                Security.PrivateFiles.WriteAtomic(path, content);
            }
            else if (Models is not null && stored is null && File.Exists(path))
            {
                var local = EdgeModelStore.Load(ModelDirectory);
                Models.Save(EdgeModelName, local.ModelVersion, File.ReadAllBytes(path), null, _time.GetUtcNow().ToUnixTimeMilliseconds());
            }
        }
        catch (State.StateStoreException ex)
        {
            LogModelStoreFailed(_logger, ex.Message);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or System.Text.Json.JsonException or ArgumentException)
        {
            LogModelUnreadable(_logger, ModelDirectory, ex.Message);
        }

        if (!File.Exists(path))
        {
            return EdgeModel.Default;
        }

        try
        {
            var model = EdgeModelStore.Load(ModelDirectory);
            LogModelLoaded(_logger, model.ModelVersion, ModelDirectory);
            return model;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or System.Text.Json.JsonException or ArgumentException)
        {
            LogModelUnreadable(_logger, ModelDirectory, ex.Message);
            return EdgeModel.Default;
        }
    }

    private List<(string Name, int Version, IRecommender? Recommender)> Candidates(ComponentProfiler profiler)
    {
        var list = new List<(string, int, IRecommender?)> { (profiler.Recommender.Name, VersionOf(profiler.Recommender.Name), profiler.Recommender) };
        if (!Selection.Options.Enabled)
        {
            return list;
        }

        foreach (var name in Selection.Options.CandidateNames())
        {
            if (name == "lstm")
            {
                if (Lstm is not null)
                {
                    list.Add((name, Lstm.Current?.Version ?? 0, Lstm.Current));
                }
            }
            else if (_statistical.TryGetValue(name, out var r) && name != profiler.Recommender.Name)
            {
                list.Add((name, 1, r));
            }
        }

        return list;
    }

    private ChosenForecaster? Choose(string componentId)
    {
        if (!Selection.Options.Enabled || Selection.ChosenName(componentId) is not { } name)
        {
            return null;
        }

        IRecommender? recommender = name == "lstm" ? Lstm?.Current : _statistical.GetValueOrDefault(name);
        if (recommender is null)
        {
            return null;
        }

        var runs = recommender is RunPeakLstm lstm ? Math.Min(lstm.RunsRead, Selection.Options.MaxRunsRead) : Selection.Options.MaxRunsRead;
        return new ChosenForecaster(recommender, recommender.DefaultKnob, runs);
    }

    private static string BaseModelName(string model)
    {
        var plus = model.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? model : model[..plus];
    }

    private ComponentProfiler Build(EdgeModel model)
    {
        var registry = RecommenderRegistry.CreateDefault();
        registry.Add(model.CreateRecommender(_learningRate, _runBaseMinRuns, _runTailRealized));
        return new ComponentProfiler(_options, _time, registry)
        {
            Chooser = Choose,
            Signals = _signals is { } board ? (id, context) => board.SignalsFor(id, context.StepName) : null,
        };
    }

    [LoggerMessage(EventId = 6501, Level = LogLevel.Information, Message = "Forecasting with Edge model version {Version} from {Directory}")]
    private static partial void LogModelLoaded(ILogger logger, int version, string directory);

    [LoggerMessage(EventId = 6502, Level = LogLevel.Warning, Message = "The saved model in {Directory} cannot be read ({Error}); using the built-in default")]
    private static partial void LogModelUnreadable(ILogger logger, string directory, string error);

    [LoggerMessage(EventId = 6505, Level = LogLevel.Error, Message = "The state store's copy of Edge's model could not be read or written ({Error}); using the local copy, if any")]
    private static partial void LogModelStoreFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 6503, Level = LogLevel.Information, Message = "LSTM version {Version} loaded from {Directory}")]
    private static partial void LogLstmLoaded(ILogger logger, int version, string directory);

    [LoggerMessage(EventId = 6504, Level = LogLevel.Warning, Message = "The saved LSTM in {Directory} cannot be read ({Error}); it is retrained from the run history")]
    private static partial void LogLstmUnreadable(ILogger logger, string directory, string error);
}
