using System.Collections.Frozen;
using System.Security.Cryptography;

namespace Edge.Controller.Dashboard;

/// <summary>
/// The dashboard's static files (<c>Dashboard/ui/</c>, embedded in the controller as resources named
/// <c>dashboard/{file}</c>), served under <c>/ui/</c> with a strict Content-Security-Policy: scripts, styles,
/// images and API calls from the controller's own origin only, no inline script or style, no framing. The files
/// hold no data; every figure comes from the API with the bearer token the user gives the page.
/// </summary>
internal static class DashboardAssets
{
    /// <summary>The resource name prefix the project file gives the embedded files.</summary>
    public const string ResourcePrefix = "dashboard/";

    /// <summary>The policy every dashboard file is served with.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly FrozenDictionary<string, string> MediaTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The files by name (<c>index.html</c>, <c>app.js</c>, ...).</summary>
    public static FrozenDictionary<string, DashboardAsset> Files { get; } = Load();

    /// <summary>The file named by the path under <c>/ui/</c> (the index for none), with the dashboard's headers; 404 for any other.</summary>
    public static IResult Serve(string? file, HttpContext http)
    {
        var name = string.IsNullOrEmpty(file) ? "index.html" : file;
        if (!Files.TryGetValue(name, out var asset))
        {
            return TypedResults.Problem(detail: $"the dashboard has no file '{Shorten(name)}'", statusCode: StatusCodes.Status404NotFound);
        }

        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        if (http.Request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(asset.Content, asset.ContentType);
    }

    private static FrozenDictionary<string, DashboardAsset> Load()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var files = new Dictionary<string, DashboardAsset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var name = resource[ResourcePrefix.Length..];
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var type = MediaTypes.GetValueOrDefault(Path.GetExtension(name), "application/octet-stream");
            files[name] = new DashboardAsset(content, type, $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"");
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string Shorten(string value)
    {
        var s = value.Length > 100 ? value[..100] + "…" : value;
        return string.Concat(s.Select(c => char.IsControl(c) ? '?' : c));
    }
}
