using Edge.Controller.Api;

namespace Edge.Controller.Tests.Api;

public sealed class TimeRangeParserTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    [Fact]
    public void TryResolve_NoValues_LastFiveMinutes()
    {
        Assert.True(TimeRangeParser.TryResolve(null, null, Now, TimeSpan.FromDays(1), out var from, out var to, out _));

        Assert.Equal(1_700_000_000_000, to);
        Assert.Equal(1_700_000_000_000 - 300_000, from);
    }

    [Theory]
    [InlineData("2023-11-14T22:13:20Z", 1_700_000_000_000)]
    [InlineData("2023-11-14T23:13:20+01:00", 1_700_000_000_000)]
    [InlineData("1699999999000", 1_699_999_999_000)]
    public void TryResolve_IsoOrUnixMs_Parsed(string value, long expected)
    {
        Assert.True(TimeRangeParser.TryResolve(value, "1700000000001", Now, TimeSpan.FromDays(1), out var from, out _, out var error), error);

        Assert.Equal(expected, from);
    }

    [Fact]
    public void TryResolve_Garbage_ErrorNamesParameterAndValue()
    {
        Assert.False(TimeRangeParser.TryResolve(null, "soon", Now, TimeSpan.FromDays(1), out _, out _, out var error));

        Assert.Contains("to 'soon'", error, StringComparison.Ordinal);
    }
}
