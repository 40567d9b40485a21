namespace Edge.Agent.Footprint;

/// <summary>
/// When the agent gives back memory it no longer uses (section <c>Agent:ResidentTrim</c>; <see cref="ResidentTrimmer"/>
/// says what is given back and why it is safe).
/// </summary>
internal sealed record ResidentTrimOptions
{
    public const string Auto = "auto";
    public const string On = "on";
    public const string Off = "off";

    /// <summary>
    /// <c>auto</c> (the default): on in the Native AOT build (the package's), where the executable's startup code is
    /// most of the resident memory; off when jitted (tests, development), whose code lives in shared, jitted mappings
    /// the trim does not touch. <c>on</c> or <c>off</c> force it.
    /// </summary>
    public string Mode { get; set; } = Auto;

    /// <summary>The first trim, after startup (connecting, the first samples) is over.</summary>
    public TimeSpan FirstAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Later trims (every period counted from start), which give back what rarely run paths (commands, reconnects) touched since.</summary>
    public TimeSpan Every { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Whether trims run in this process: <see cref="Mode"/>, with <c>auto</c> meaning "compiled ahead of time".</summary>
    public bool IsActive(bool dynamicCodeSupported) => Mode switch
    {
        On => true,
        Off => false,
        _ => !dynamicCodeSupported,
    };
}
