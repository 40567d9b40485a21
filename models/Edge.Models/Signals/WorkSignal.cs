namespace Edge.Models.Signals;

/// <summary>
/// Work announced ahead by an integration (a job scheduler's queue, a batch at time T, a scheduled event): from
/// <see cref="StartS"/> to <see cref="EndS"/> (Unix seconds) a series is expected to carry <see cref="Volume"/> units
/// of work (jobs, files, requests: the integration's own unit, any positive scale). Made known at
/// <see cref="AnnouncedAtS"/>; a forecaster may use it only from then on.
/// </summary>
public sealed record WorkSignal(long AnnouncedAtS, long StartS, long EndS, double Volume)
{
    /// <summary>Every problem with the signal, each naming the offending value; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (StartS <= 0)
        {
            errors.Add($"start = {StartS} must be a positive Unix time in seconds.");
        }

        if (EndS <= StartS)
        {
            errors.Add($"end = {EndS} must be after start = {StartS}.");
        }

        if (AnnouncedAtS > StartS)
        {
            errors.Add($"announcedAt = {AnnouncedAtS} must not be after start = {StartS}.");
        }

        if (!(Volume > 0) || !double.IsFinite(Volume))
        {
            errors.Add($"volume = {Volume} must be a positive finite number.");
        }

        return errors;
    }
}
