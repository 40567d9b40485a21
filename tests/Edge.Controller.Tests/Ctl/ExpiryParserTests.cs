using Edge.Ctl.Tokens;

namespace Edge.Controller.Tests.Ctl;

/// <summary><c>edgectl token create --expires</c>: spans from now, instants with their offset, and clear refusals naming the value.</summary>
public sealed class ExpiryParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("90m", 90 * 60)]
    [InlineData("12h", 12 * 3600)]
    [InlineData("30d", 30 * 86400)]
    [InlineData("1w", 7 * 86400)]
    public void Span_IsCountedFromNow(string text, long seconds)
    {
        Assert.Null(ExpiryParser.Parse(text, Now, out var at));
        Assert.Equal(Now.AddSeconds(seconds), at);
    }

    [Theory]
    [InlineData("2027-01-31T18:00:00Z", "2027-01-31T18:00:00+00:00")]
    [InlineData("2027-01-31T19:00:00+01:00", "2027-01-31T18:00:00+00:00")]
    public void Instant_WithItsOffset_IsTaken(string text, string expected)
    {
        Assert.Null(ExpiryParser.Parse(text, Now, out var at));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), at);
    }

    [Theory]
    [InlineData("0d", "must be more than 0")]
    [InlineData("4000w", "at most 10 years")]
    [InlineData("2026-12-01T00:00:00Z", "is in the past")]
    [InlineData("2027-01-31T18:00:00", "neither a time from now")]
    [InlineData("tomorrow", "neither a time from now")]
    [InlineData("-5h", "neither a time from now")]
    public void Refusal_NamesTheValue(string text, string why)
    {
        var error = ExpiryParser.Parse(text, Now, out _);
        Assert.NotNull(error);
        Assert.Contains($"'{text}'", error, StringComparison.Ordinal);
        Assert.Contains(why, error, StringComparison.Ordinal);
    }
}
