using Edge.Models.Autopilot;
using Edge.Models.Forecasting;
using Edge.Models.Lstm;
using Edge.Models.Statistical;
using Edge.Models.Vpa;

namespace Edge.Models;

/// <summary>
/// The recommenders known by name. <see cref="CreateDefault"/> holds every built-in one, the TorchSharp LSTM
/// (<c>lstm</c>) included: it loads its embedded default model on first use only. Hosts add more with <see cref="Add"/>. Group names expand to several recommenders
/// (<c>autopilot</c> → the four Autopilot recommenders).
/// </summary>
public sealed class RecommenderRegistry
{
    private readonly List<IRecommender> _recommenders = [];
    private readonly Dictionary<string, string[]> _groups = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The default recommender of Edge's controller.</summary>
    public const string DefaultName = "edge";

    public IReadOnlyList<IRecommender> All => _recommenders;

    public static RecommenderRegistry CreateDefault()
    {
        var registry = new RecommenderRegistry();
        registry.Add(new OracleRecommender());
        registry.Add(new VpaRecommender());
        registry.Add(new AutopilotWindowRecommender(AutopilotStatistic.DecayedAverage));
        registry.Add(new AutopilotWindowRecommender(AutopilotStatistic.Percentile));
        registry.Add(new AutopilotWindowRecommender(AutopilotStatistic.Max));
        registry.Add(new AutopilotMlRecommender());
        registry.Add(new RecentMaxRecommender());
        registry.Add(new SeasonalNaiveRecommender());
        registry.Add(new EdgeRecommender());
        var lstm = new DeferredLstmRecommender();
        registry.Add(lstm);
        registry.Add(new LstmFleetRecommender(() => lstm.Inner));
        registry.Add(new VpaRecommender(floors: false));
        registry.Add(new EdgeRecommender(EdgeOptions.Default with { MemoryFloorMiB = VpaConstants.MinMemoryMiB }, "edge-floor"));
        registry.Add(new EdgeRecommender(EdgeOptions.Default with { MemoryPeakWindowS = 3 * 86400 }, "edge-peak"));
        registry.Add(new EdgeRecommender(EdgeOptions.Default with { RunWeighted = true, ShiftReset = true }, "edge-runs"));
        registry.Add(new OracleRecommender(6 * 3600, "oracle-6h"));
        registry.Add(new OracleRecommender(86400, "oracle-1d"));
        registry.Add(new OracleRecommender(7 * 86400, "oracle-7d"));
        var ets = new StatisticalRecommender(StatisticalModel.Ets);
        var sarima = new StatisticalRecommender(StatisticalModel.Sarima);
        registry.Add(ets);
        registry.Add(sarima);
        registry.Add(new ChoiceRecommender("choice", ChoiceRecommender.WideCandidates(ets, sarima), notOnRunSeries: ChoiceRecommender.NotOnRunSeriesDefault));
        registry.Add(new ChoiceRecommender("choice-regime", ChoiceRecommender.RegimeCandidates(ets, sarima), notOnRunSeries: ChoiceRecommender.NotOnRunSeriesDefault, memoryDecay: 0.95));
        registry.Add(new ChoiceRecommender("choice-stat", [new EdgeRecommender(), ets, sarima]));
        registry.Add(new EnsembleRecommender("ensemble", [new EdgeRecommender(), ets, sarima]));
        registry.Add(new ChoiceRecommender("choice-lstm", [new EdgeRecommender(), ets, sarima, registry.Find(LstmFleetRecommender.RecommenderName)!]));
        registry.AddGroup("floors", "vpa", "edge-floor");
        registry.AddGroup("foresight", "oracle", "oracle-6h", "oracle-1d", "oracle-7d");
        registry.AddGroup("no-floors", "vpa-nofloor", "edge");
        registry.AddGroup("statistical", "seasonal", "ets", "sarima");
        registry.AddGroup("autopilot", "autopilot-avg", "autopilot-pct", "autopilot-max", "autopilot-ml");
        return registry;
    }

    /// <summary>Adds a recommender, replacing one of the same name.</summary>
    public void Add(IRecommender recommender)
    {
        ArgumentNullException.ThrowIfNull(recommender);
        _recommenders.RemoveAll(r => string.Equals(r.Name, recommender.Name, StringComparison.OrdinalIgnoreCase));
        _recommenders.Add(recommender);
    }

    public void AddGroup(string name, params string[] members) => _groups[name] = members;

    public IRecommender? Find(string name) =>
        _recommenders.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Resolves a comma-separated list of names and groups ("all" or empty = every recommender), in registry order.
    /// Unknown names are returned in <paramref name="unknown"/>, all of them.
    /// </summary>
    public IReadOnlyList<IRecommender> Resolve(string? names, out IReadOnlyList<string> unknown)
    {
        var missing = new List<string>();
        unknown = missing;
        if (string.IsNullOrWhiteSpace(names) || string.Equals(names.Trim(), "all", StringComparison.OrdinalIgnoreCase))
        {
            return _recommenders;
        }

        var wanted = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (_groups.TryGetValue(raw, out var members))
            {
                wanted.UnionWith(members);
            }
            else if (Find(raw) is not null)
            {
                wanted.Add(raw);
            }
            else
            {
                missing.Add(raw);
            }
        }

        return [.. _recommenders.Where(r => wanted.Contains(r.Name))];
    }
}
