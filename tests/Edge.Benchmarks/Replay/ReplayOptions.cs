using System.Globalization;
using Edge.Benchmarks.Placement;

namespace Edge.Benchmarks.Replay;

/// <summary>Settings of the replay benchmark (<c>replay [options]</c>); <see cref="Parse"/> reports every bad value.</summary>
internal sealed record ReplayOptions
{
    public static readonly string DefaultData = RepoData.WfInstances;

    public const string DefaultRecipes =
        "pegasus/srasearch/srasearch-chameleon-10a,pegasus/srasearch/srasearch-chameleon-20a,makeflow/blast/blast-chameleon-large";

    public string Data { get; init; } = DefaultData;

    /// <summary>Recipes (paths under <see cref="Data"/> without <c>-NNN.json</c>), taken in turn.</summary>
    public IReadOnlyList<string> Recipes { get; init; } = DefaultRecipes.Split(',');

    /// <summary>Workflow runs in the arrival sequence.</summary>
    public int Workflows { get; init; } = 12;

    /// <summary>The first runs of the sequence train the forecaster and are not measured.</summary>
    public int WarmUp { get; init; } = 6;

    /// <summary>Trace seconds per wall second (100: one trace second takes 10 ms).</summary>
    public double Speed { get; init; } = 100;

    /// <summary>Trace seconds between two arrivals.</summary>
    public double ArrivalS { get; init; } = 600;

    public IReadOnlyList<string> Arms { get; init; } = ["static", "vpa", "edge", "oracle"];

    public int Nodes { get; init; } = 4;

    /// <summary>Shortest wall time of an instance, so that at least one metric batch reports it.</summary>
    public double MinWallS { get; init; } = 1.0;

    /// <summary>Wall milliseconds between two metric batches of a simulated agent.</summary>
    public int SampleMs { get; init; } = 500;

    /// <summary>Wall milliseconds between two simulation steps.</summary>
    public int TickMs { get; init; } = 100;

    /// <summary>Longest wall time an arm may take before its unfinished runs are reported as such.</summary>
    public TimeSpan ArmTimeout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Keep each arm's controller data directory (feedback ledger, journals) for inspection.</summary>
    public bool Keep { get; init; }

    public static readonly string[] Known = ["data", "recipes", "workflows", "warmup", "speed", "arrival", "arms", "nodes", "min-wall", "sample-ms", "timeout-min", "keep"];

    public static ReplayOptions? Parse(string[] args, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        errors = problems;
        BenchArgs parsed;
        try
        {
            parsed = BenchArgs.Parse(args, Known);
        }
        catch (ArgumentException e)
        {
            problems.Add(e.Message);
            return null;
        }

        var workflows = Number(parsed, "workflows", 12, problems);
        var options = new ReplayOptions
        {
            Data = parsed.String("data", DefaultData),
            Recipes = parsed.String("recipes", DefaultRecipes).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Workflows = (int)workflows,
            WarmUp = (int)Number(parsed, "warmup", Math.Floor(workflows / 2), problems),
            Speed = Number(parsed, "speed", 100, problems),
            ArrivalS = Number(parsed, "arrival", 600, problems),
            Arms = parsed.String("arms", "static,vpa,edge,oracle").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Nodes = (int)Number(parsed, "nodes", 4, problems),
            MinWallS = Number(parsed, "min-wall", 1.0, problems),
            SampleMs = (int)Number(parsed, "sample-ms", 500, problems),
            ArmTimeout = TimeSpan.FromMinutes(Number(parsed, "timeout-min", 15, problems)),
            Keep = parsed.Flag("keep"),
        };
        problems.AddRange(options.Validate());
        return problems.Count == 0 ? options : null;
    }

    private IEnumerable<string> Validate()
    {
        if (!Directory.Exists(Data))
        {
            yield return $"--data '{Data}' is not a directory";
        }

        if (Workflows < 1)
        {
            yield return $"--workflows must be >= 1, got {Workflows}";
        }

        if (WarmUp < 0 || WarmUp >= Workflows)
        {
            yield return $"--warmup must be in 0..{Workflows - 1}, got {WarmUp}";
        }

        if (Speed is < 1 or > 10_000)
        {
            yield return $"--speed must be in 1..10000 trace seconds per wall second, got {Speed.ToString(CultureInfo.InvariantCulture)}";
        }

        if (Nodes is < 1 or > 64)
        {
            yield return $"--nodes must be in 1..64, got {Nodes}";
        }

        if (SampleMs < TickMs)
        {
            yield return $"--sample-ms must be >= {TickMs}, got {SampleMs}";
        }

        foreach (var arm in Arms.Where(a => ReplayArm.Find(a) is null))
        {
            yield return $"--arms: unknown arm '{arm}' (known: {string.Join(", ", ReplayArm.All.Select(a => a.Name))}, each optionally followed by @Key=Value controller settings)";
        }

        if (Arms.Count == 0)
        {
            yield return "--arms is empty";
        }
    }

    private static double Number(BenchArgs args, string name, double fallback, List<string> problems)
    {
        var text = args.String(name, fallback.ToString(CultureInfo.InvariantCulture));
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value >= 0)
        {
            return value;
        }

        problems.Add($"--{name} '{text}' is not a non-negative number");
        return fallback;
    }
}
