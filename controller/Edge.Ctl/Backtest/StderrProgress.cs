namespace Edge.Ctl.Backtest;

/// <summary>Writes "cpu: 40/100 series" to stderr at most once per 10% of the run.</summary>
internal sealed class StderrProgress(TextWriter stderr, string label) : IProgress<(int Done, int Total)>
{
    private readonly Lock _gate = new();
    private int _lastDecile = -1;

    public void Report((int Done, int Total) value)
    {
        var decile = value.Total == 0 ? 10 : value.Done * 10 / value.Total;
        lock (_gate)
        {
            if (decile <= _lastDecile)
            {
                return;
            }

            _lastDecile = decile;
            stderr.WriteLine($"{label}: {value.Done}/{value.Total} series");
        }
    }
}
