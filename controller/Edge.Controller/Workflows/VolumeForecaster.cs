namespace Edge.Controller.Workflows;

/// <summary>
/// Forecasts workflow arrivals and the demand they bring. Arrivals per workflow are an hour-of-day seasonal rate:
/// each hour-of-day slot keeps an exponentially weighted count of submissions per hour (new days weigh
/// <see cref="Alpha"/>), so a workflow submitted every morning is expected in the morning. Scheduled submissions
/// from config are added exactly. Demand per run is the core-seconds and GiB-seconds its last runs used, so the
/// projected load is runs × demand / horizon, compared with the fleet's free capacity.
/// </summary>
internal sealed class VolumeForecaster
{
    private readonly Dictionary<string, WorkflowHistory> _workflows = new(StringComparer.Ordinal);
    private readonly List<ScheduledSubmission> _scheduled;
    private readonly Lock _gate = new();

    public VolumeForecaster(IEnumerable<ScheduledSubmission> scheduled, double alpha = 0.3)
    {
        _scheduled = [.. scheduled];
        Alpha = alpha;
    }

    /// <summary>Weight of the newest day in each hour-of-day slot.</summary>
    public double Alpha { get; }

    public void RecordSubmission(string workflowId, DateTimeOffset at)
    {
        lock (_gate)
        {
            History(workflowId).Submit(at, Alpha);
        }
    }

    /// <summary>Records what one finished run used in total, so later projections know a run's weight.</summary>
    public void RecordDemand(string workflowId, double coreSeconds, double gibSeconds)
    {
        lock (_gate)
        {
            History(workflowId).Demand(coreSeconds, gibSeconds, Alpha);
        }
    }

    public VolumeProjection Project(DateTimeOffset now, TimeSpan horizon, double freeCores, double freeMemoryGiB)
    {
        lock (_gate)
        {
            var runs = new Dictionary<string, double>(StringComparer.Ordinal);
            double cores = 0, gib = 0;
            foreach (var (id, history) in _workflows)
            {
                runs[id] = history.ExpectedRuns(now, horizon, Alpha);
            }

            foreach (var schedule in _scheduled)
            {
                runs[schedule.WorkflowId] = runs.GetValueOrDefault(schedule.WorkflowId) + (horizon / schedule.Every);
            }

            foreach (var (id, expected) in runs)
            {
                if (_workflows.TryGetValue(id, out var history))
                {
                    cores += expected * history.CoreSecondsPerRun / horizon.TotalSeconds;
                    gib += expected * history.GibSecondsPerRun / horizon.TotalSeconds;
                }
            }

            var fits = cores <= freeCores && gib <= freeMemoryGiB;
            var summary = fits
                ? $"next {horizon.TotalMinutes:0} min: {runs.Values.Sum():0.#} runs expected, {cores:0.##} cores and {gib:0.##} GiB on average; fits in {freeCores:0.##} cores and {freeMemoryGiB:0.##} GiB free"
                : $"next {horizon.TotalMinutes:0} min: {runs.Values.Sum():0.#} runs expected need {cores:0.##} cores and {gib:0.##} GiB on average, more than the {freeCores:0.##} cores and {freeMemoryGiB:0.##} GiB free";
            return new VolumeProjection(horizon, runs, cores, gib, freeCores, freeMemoryGiB, fits, summary);
        }
    }

    private WorkflowHistory History(string workflowId)
    {
        if (!_workflows.TryGetValue(workflowId, out var history))
        {
            history = new WorkflowHistory();
            _workflows[workflowId] = history;
        }

        return history;
    }

    private sealed class WorkflowHistory
    {
        private readonly double[] _ratePerHour = new double[24];
        private readonly int[] _currentCount = new int[24];
        private readonly DateOnly?[] _currentDay = new DateOnly?[24];
        private readonly bool[] _folded = new bool[24];

        public double CoreSecondsPerRun { get; private set; }

        public double GibSecondsPerRun { get; private set; }

        private bool _hasDemand;

        public void Submit(DateTimeOffset at, double alpha)
        {
            var utc = at.UtcDateTime;
            var slot = utc.Hour;
            var day = DateOnly.FromDateTime(utc);
            if (_currentDay[slot] != day)
            {
                if (_currentDay[slot] is not null)
                {
                    _ratePerHour[slot] = RateOn(slot, day, alpha);
                    _folded[slot] = true;
                }

                _currentDay[slot] = day;
                _currentCount[slot] = 0;
            }

            _currentCount[slot]++;
        }

        /// <summary>
        /// The slot's rate as seen on <paramref name="day"/>: today's count so far when the slot is running today,
        /// else the finished day folded in, then one fold of zero per day without any run (at most 60).
        /// </summary>
        public double RateOn(int slot, DateOnly day, double alpha)
        {
            if (_currentDay[slot] is not { } current)
            {
                return 0;
            }

            if (current >= day)
            {
                return _folded[slot] ? Math.Max(_ratePerHour[slot], _currentCount[slot]) : _currentCount[slot];
            }

            var rate = _folded[slot] ? Fold(_ratePerHour[slot], _currentCount[slot], alpha) : _currentCount[slot];
            var quietDays = Math.Min(60, day.DayNumber - current.DayNumber - 1);
            for (var i = 0; i < quietDays; i++)
            {
                rate = Fold(rate, 0, alpha);
            }

            return rate;
        }

        public void Demand(double coreSeconds, double gibSeconds, double alpha)
        {
            CoreSecondsPerRun = _hasDemand ? Fold(CoreSecondsPerRun, coreSeconds, alpha) : coreSeconds;
            GibSecondsPerRun = _hasDemand ? Fold(GibSecondsPerRun, gibSeconds, alpha) : gibSeconds;
            _hasDemand = true;
        }

        public double ExpectedRuns(DateTimeOffset now, TimeSpan horizon, double alpha)
        {
            double runs = 0;
            var at = now.UtcDateTime;
            var end = at + horizon;
            while (at < end)
            {
                var next = new DateTime(at.Year, at.Month, at.Day, at.Hour, 0, 0, DateTimeKind.Utc).AddHours(1);
                var slice = (Math.Min(next.Ticks, end.Ticks) - at.Ticks) / (double)TimeSpan.TicksPerHour;
                runs += RateOn(at.Hour, DateOnly.FromDateTime(at), alpha) * slice;
                at = next;
            }

            return runs;
        }

        private static double Fold(double old, double value, double alpha) => ((1 - alpha) * old) + (alpha * value);
    }
}
