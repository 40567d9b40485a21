namespace Edge.Benchmarks.AgentOverhead;

/// <summary>
/// One way to run the agent: which binary (the build output, or a published directory) and which runtime settings
/// (DOTNET_* environment variables, the same knobs runtimeconfig.json or a systemd unit can set).
/// </summary>
internal sealed record AgentVariant(string Name, string Executable, IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>
    /// The agent's own build output (<c>agent/Edge.Agent/bin/Release/net10.0</c>, built with the benchmarks). Not the copy
    /// in the benchmarks' folder: the benchmarks reference the ASP.NET Core framework, so Microsoft.Extensions.* are not
    /// copied there, and the agent (whose runtimeconfig names only Microsoft.NETCore.App) cannot start from it.
    /// </summary>
    public static string BuildOutput
    {
        get
        {
            var exe = Path.Combine(RepoData.Root, "agent", "Edge.Agent", "bin", "Release", "net10.0", "edge-agent");
            return File.Exists(exe) ? exe
                : throw new FileNotFoundException($"the agent's build output {exe} does not exist: run dotnet build agent/Edge.Agent -c Release");
        }
    }

    /// <summary>
    /// Runtime knobs worth trying for a small, mostly idle service; names match <c>--variants</c>. Sizes are hexadecimal
    /// without a <c>0x</c> prefix: the jitted runtime accepts both, but Native AOT's parser (RhConfig::ReadConfigValue in
    /// dotnet/runtime) rejects the prefix and silently ignores the setting.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Presets = new Dictionary<string, IReadOnlyDictionary<string, string>>
    {
        ["default"] = new Dictionary<string, string>(),
        // The agent's runtimeconfig turns tiered compilation off; these put it back, to compare.
        ["tiered"] = new Dictionary<string, string> { ["DOTNET_TieredCompilation"] = "1" },
        ["tiered-no-pgo"] = new Dictionary<string, string> { ["DOTNET_TieredCompilation"] = "1", ["DOTNET_TieredPGO"] = "0" },
        ["malloc-arena-2"] = new Dictionary<string, string> { ["MALLOC_ARENA_MAX"] = "2" },
        ["gen0-1m"] = new Dictionary<string, string> { ["DOTNET_GCgen0size"] = "100000" },
        ["conserve-memory"] = new Dictionary<string, string> { ["DOTNET_GCConserveMemory"] = "7" },
        ["heap-limit-32m"] = new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "2000000" },
        ["gen0-4m"] = new Dictionary<string, string> { ["DOTNET_GCgen0size"] = "400000" },
        ["wxorx-off"] = new Dictionary<string, string> { ["DOTNET_EnableWriteXorExecute"] = "0" },
        ["wxorx-off-gen0-1m"] = new Dictionary<string, string> { ["DOTNET_EnableWriteXorExecute"] = "0", ["DOTNET_GCgen0size"] = "100000" },
        ["gen0max-1m"] = new Dictionary<string, string> { ["DOTNET_GCGen0MaxBudget"] = "100000" },
        // Smaller GC regions (the default is 4 MiB, one of them the ephemeral region, dirtied whole) and gen0 budget.
        ["region-1m"] = new Dictionary<string, string> { ["DOTNET_GCRegionSize"] = "100000" },
        ["region-1m-gen0-256k"] = new Dictionary<string, string> { ["DOTNET_GCRegionSize"] = "100000", ["DOTNET_GCgen0size"] = "40000" },
        ["gen0-256k"] = new Dictionary<string, string> { ["DOTNET_GCgen0size"] = "40000" },
        // The resident-memory trim off (on by default in the Native AOT build), to compare.
        ["no-trim"] = new Dictionary<string, string> { ["EDGE_Agent__ResidentTrim__Mode"] = "off" },
        // Instances share the host's network (no namespace, veth, tc or per-instance traffic), beside the default
        // where every instance gets its own: the per-instance cost of network isolation (issue 15).
        ["shared-network"] = new Dictionary<string, string> { ["EDGE_Supervisor__NetworkIsolation"] = "on-request" },
        // The agent's own /metrics on a free loopback port, scraped once a second like node_exporter.
        ["metrics"] = new Dictionary<string, string> { [AgentProcess.MetricsListenKey] = AgentProcess.AutoPort },
        ["metrics-gen0max-1m"] = new Dictionary<string, string> { [AgentProcess.MetricsListenKey] = AgentProcess.AutoPort, ["DOTNET_GCGen0MaxBudget"] = "100000" },
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
