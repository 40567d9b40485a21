namespace Edge.Models.Statistical.TimeSeries;

/// <summary>
/// A fitted forecasting model of one (transformed) series at a fixed step: it follows each new step online and
/// forecasts the coming steps. Missing steps are NaN.
/// </summary>
internal interface ITimeSeriesModel
{
    /// <summary>What was fitted, e.g. <c>ETS(A,Ad,N)</c> or <c>ARIMA(1,0,1)</c>, with its parameters.</summary>
    string Description { get; }

    /// <summary>Adds the next step's value (NaN: missing; the state then moves on its own forecast).</summary>
    void Update(double y);

    /// <summary>
    /// Forecasts the steps after the last one added into <paramref name="output"/> (output[0] one step ahead). When
    /// <paramref name="partial"/> is a number it is taken as the next step's value first (a step still being
    /// observed), and output[0] is then the step after it. The model's state is not changed.
    /// </summary>
    void Forecast(Span<double> output, double partial);
}

/// <summary>A fitted model's specification: enough to rebuild its state on a series (<see cref="Replay"/>).</summary>
internal interface ITimeSeriesSpec
{
    /// <summary>The information criterion it was chosen by (AICc); lower is better.</summary>
    double Aicc { get; }

    /// <summary>The optimiser's optimum (unconstrained parameters) of every candidate form tried, by candidate (null: not tried); a warm start for the next fit.</summary>
    IReadOnlyList<double[]?> Optima { get; }

    /// <summary>
    /// The model run over <paramref name="y"/> from its initial state, ready to forecast the step after the last.
    /// <paramref name="firstIndex"/> is the absolute step number of y[0] (the seasonal phase).
    /// </summary>
    ITimeSeriesModel Replay(ReadOnlySpan<double> y, long firstIndex);
}
