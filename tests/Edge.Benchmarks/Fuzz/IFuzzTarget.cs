namespace Edge.Benchmarks.Fuzz;

/// <summary>One entry point: what a receiver really runs on the bytes it is handed.</summary>
internal interface IFuzzTarget : IAsyncDisposable
{
    string Name { get; }

    /// <summary>What the entry point is (printed with the results).</summary>
    string Description { get; }

    /// <summary>Valid payloads made from the real contract types with their source-generated contexts.</summary>
    IReadOnlyList<byte[]> Seeds { get; }

    /// <summary>Feeds one input; returns its outcome class, or a crash when the entry point misbehaved.</summary>
    Task<FuzzOutcome> ExecuteAsync(byte[] input, CancellationToken cancellationToken);

    /// <summary>
    /// Errors the receiver logged or a host that stopped since the last call, found outside any one input (a
    /// background stage choking on something accepted earlier); null when there are none.
    /// </summary>
    string? TakeBackgroundFailure();
}
