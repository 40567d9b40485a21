using System.Globalization;

namespace Edge.Benchmarks.Fuzz;

/// <summary>Command line of <c>fuzz</c>: which targets, for how long each, the seed, and whether targets run at once.</summary>
internal sealed record FuzzOptions
{
    public string Target { get; init; } = "all";
    public double Minutes { get; init; } = 1;
    public int Seed { get; init; } = 1;

    /// <summary>Run every target at the same time, each on its own thread (wall time = one target's minutes).</summary>
    public bool Parallel { get; init; }

    /// <summary>Longest one input may take before it counts as a hang.</summary>
    public TimeSpan InputTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public int CorpusCapacity { get; init; } = 1000;

    /// <summary>How many outcome classes are printed per target (the most frequent first).</summary>
    public int ClassesShown { get; init; } = 12;

    /// <summary>Where crashing inputs are written (one file per distinct crash).</summary>
    public string CrashDirectory { get; init; } = Path.Combine("tests", "Edge.Benchmarks", "Fuzz", "crashes");

    public static FuzzOptions Parse(string[] args)
    {
        var options = new FuzzOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"option '{args[i]}' needs a value");
            options = args[i] switch
            {
                "--target" => options with { Target = Value() },
                "--minutes" => options with { Minutes = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--seed" => options with { Seed = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--parallel" => options with { Parallel = true },
                "--timeout-seconds" => options with { InputTimeout = TimeSpan.FromSeconds(double.Parse(Value(), CultureInfo.InvariantCulture)) },
                "--corpus" => options with { CorpusCapacity = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--show" => options with { ClassesShown = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--crashes" => options with { CrashDirectory = Value() },
                _ => throw new ArgumentException($"unknown fuzz option '{args[i]}' (known: --target NAME|all, --minutes N, --seed S, --parallel, --timeout-seconds N, --corpus N, --show N, --crashes DIR)"),
            };
        }

        if (options.Minutes <= 0 || !double.IsFinite(options.Minutes))
        {
            throw new ArgumentException($"--minutes {options.Minutes.ToString(CultureInfo.InvariantCulture)} must be a positive number");
        }

        return options;
    }
}
