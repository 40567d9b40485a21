namespace Edge.Benchmarks.AgentOverhead;

/// <summary>
/// One way to run the agent: which binary (the build output, or a published directory) and which runtime settings
/// (DOTNET_* environment variables, the same knobs runtimeconfig.json or a systemd unit can set).
/// </summary>
internal sealed record AgentVariant(string Name, string Executable, IReadOnlyDictionary<string, string> Environment)
{
    public static string BuildOutput => Path.Combine(AppContext.BaseDirectory, "edge-agent");

    /// <summary>Runtime knobs worth trying for a small, mostly idle service; names match <c>--variants</c>.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Presets = new Dictionary<string, IReadOnlyDictionary<string, string>>
    {
        ["default"] = new Dictionary<string, string>(),
        // The agent's runtimeconfig turns tiered compilation off; these put it back, to compare.
        ["tiered"] = new Dictionary<string, string> { ["DOTNET_TieredCompilation"] = "1" },
        ["tiered-no-pgo"] = new Dictionary<string, string> { ["DOTNET_TieredCompilation"] = "1", ["DOTNET_TieredPGO"] = "0" },
        ["malloc-arena-2"] = new Dictionary<string, string> { ["MALLOC_ARENA_MAX"] = "2" },
        ["gen0-1m"] = new Dictionary<string, string> { ["DOTNET_GCgen0size"] = "0x100000" },
        ["conserve-memory"] = new Dictionary<string, string> { ["DOTNET_GCConserveMemory"] = "7" },
        ["heap-limit-32m"] = new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x2000000" },
        ["gen0-4m"] = new Dictionary<string, string> { ["DOTNET_GCgen0size"] = "0x400000" },
        ["wxorx-off"] = new Dictionary<string, string> { ["DOTNET_EnableWriteXorExecute"] = "0" },
        ["wxorx-off-gen0-1m"] = new Dictionary<string, string> { ["DOTNET_EnableWriteXorExecute"] = "0", ["DOTNET_GCgen0size"] = "0x100000" },
        ["gen0max-1m"] = new Dictionary<string, string> { ["DOTNET_GCGen0MaxBudget"] = "0x100000" },
        // The agent's own /metrics on a free loopback port, scraped once a second like node_exporter.
        ["metrics"] = new Dictionary<string, string> { [AgentProcess.MetricsListenKey] = AgentProcess.AutoPort },
        ["metrics-gen0max-1m"] = new Dictionary<string, string> { [AgentProcess.MetricsListenKey] = AgentProcess.AutoPort, ["DOTNET_GCGen0MaxBudget"] = "0x100000" },
    };

    /// <summary>
    /// Parses <c>name</c> (a preset run from the build output), <c>name=DIR</c> (the edge-agent published in DIR,
    /// e.g. ReadyToRun or Native AOT) or <c>name=DIR+preset</c> (both).
    /// </summary>
    public static AgentVariant Parse(string spec)
    {
        var eq = spec.IndexOf('=', StringComparison.Ordinal);
        if (eq < 0)
        {
            return new AgentVariant(spec, BuildOutput, PresetOf(spec));
        }

        var name = spec[..eq];
        var rest = spec[(eq + 1)..].Split('+', 2);
        var exe = Path.Combine(Path.GetFullPath(rest[0]), "edge-agent");
        if (!File.Exists(exe))
        {
            throw new ArgumentException($"variant '{name}': {exe} does not exist");
        }

        return new AgentVariant(name, exe, rest.Length > 1 ? PresetOf(rest[1]) : new Dictionary<string, string>());
    }

    private static IReadOnlyDictionary<string, string> PresetOf(string preset) =>
        Presets.TryGetValue(preset, out var env) ? env
            : throw new ArgumentException($"unknown agent variant '{preset}'; known: {string.Join(", ", Presets.Keys)}, or NAME=PUBLISH_DIR[+preset]");
}
