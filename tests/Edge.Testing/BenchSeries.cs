namespace Edge.Testing;

/// <summary>Series taken from the benchmarks' synthetic components that regression tests in several projects replay.</summary>
public static class BenchSeries
{
    /// <summary>
    /// <c>bench/step-05076</c> of <c>forecast live --components 10000 --runs 48</c> (benchmark seeds 42 and 7): its 48
    /// latest memory run peaks, MiB, once the live forecaster has recorded one more run. Replayed into a fresh
    /// <c>sarima</c> state as the controller does (refit every 8th run while warming up), it used to get a memory limit
    /// of 0 with a 7,000–63,000 MiB interval: its fit on the first 8 runs (ARIMA(0,1,1), θ = 0.92) forecast between 1/20
    /// and 20 times the runs' level, and runs scored against those forecasts stayed in the score window.
    /// </summary>
    public static IReadOnlyList<double> Step05076MemoryPeaks { get; } =
    [
        11070.758313933718, 15162.651044381488, 26681.426112792808, 13648.940221097326, 9715.926866418144,
        15672.676951623105, 21090.168815431007, 47907.57150902452, 10773.042954144434, 32444.833922154685,
        16284.06588564509, 17405.614186912648, 7164.49865629051, 8384.949821421531, 21560.866640184067,
        14241.274426658876, 12659.488200938009, 21720.63942042765, 10915.286950196925, 20399.461898934747,
        26664.164152723028, 25905.107218972742, 22007.609547487642, 15211.769481963795, 27607.66689672593,
        22571.33606610037, 24314.660246652416, 30692.14562430295, 24287.91049093233, 14793.427809069479,
        24250.17677952542, 15303.03337145221, 23075.588568557265, 6567.7286629485025, 22799.716741214903,
        34516.879820862574, 18699.359971618625, 17134.744145955807, 33182.28765948739, 14392.836520766128,
        17806.156004673452, 17392.080361943037, 10976.103220586932, 9190.656031469925, 17439.440570355404,
        16550.189665912065, 13699.038650011707, 10482.271475502299,
    ];
}
