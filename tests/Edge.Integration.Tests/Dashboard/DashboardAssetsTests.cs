using System.Text;
using System.Text.RegularExpressions;
using Edge.Controller.Dashboard;

namespace Edge.Integration.Tests.Dashboard;

/// <summary>The dashboard's embedded files: all there, each with its media type, linking only to each other.</summary>
public sealed partial class DashboardAssetsTests
{
    [Fact]
    public void EveryFileIsEmbeddedWithItsMediaType()
    {
        var files = DashboardAssets.Files;
        Assert.Equal(["app.js", "icon.svg", "index.html", "style.css"], files.Keys.Order(StringComparer.Ordinal));
        Assert.StartsWith("text/html", files["index.html"].ContentType, StringComparison.Ordinal);
        Assert.StartsWith("text/javascript", files["app.js"].ContentType, StringComparison.Ordinal);
        Assert.StartsWith("text/css", files["style.css"].ContentType, StringComparison.Ordinal);
        Assert.Equal("image/svg+xml", files["icon.svg"].ContentType);
        Assert.Equal(files.Count, files.Values.Select(f => f.ETag).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void IndexLinksOnlyToEmbeddedFiles_AndHasNoInlineScriptOrStyle()
    {
        var index = Encoding.UTF8.GetString(DashboardAssets.Files["index.html"].Content);
        var links = Link().Matches(index).Select(m => m.Groups[1].Value).Where(l => !l.StartsWith('#')).ToList();
        Assert.NotEmpty(links);
        Assert.All(links, l => Assert.True(DashboardAssets.Files.ContainsKey(l), $"index.html links to '{l}', which is not embedded"));
        Assert.DoesNotMatch(InlineScript(), index);
        Assert.DoesNotContain("<style", index, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" style=", index, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(OnHandler(), index);
    }

    [GeneratedRegex("(?:src|href)=\"([^\"]+)\"")]
    private static partial Regex Link();

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>")]
    private static partial Regex InlineScript();

    [GeneratedRegex(@"<[^>]*\son[a-z]+=", RegexOptions.IgnoreCase)]
    private static partial Regex OnHandler();
}
