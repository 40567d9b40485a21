namespace Edge.Ctl.Api;

/// <summary>
/// The bearer token edgectl sends and where it came from, the first that gives one of: <c>--token-file</c>,
/// <c>EDGE_TOKEN</c>, <c>EDGE_TOKEN_FILE</c>, <c>/var/lib/edge-controller/admin.token</c> (an installed controller),
/// <c>./.edge/controller/admin.token</c> (the dev demo), when readable.
/// </summary>
internal sealed record ApiToken(string? Token, string Source)
{
    public const string InstalledAdminToken = "/var/lib/edge-controller/admin.token";
    public static readonly string DemoAdminToken = Path.Combine(".edge", "controller", "admin.token");

    /// <summary>Finds the token; <paramref name="error"/> is set when a named source cannot be read.</summary>
    public static ApiToken Resolve(string? tokenFile, out string? error)
    {
        error = null;
        if (!string.IsNullOrEmpty(tokenFile))
        {
            return FromFile(tokenFile, $"--token-file {tokenFile}", ref error);
        }

        if (Environment.GetEnvironmentVariable("EDGE_TOKEN") is { Length: > 0 } token)
        {
            return new ApiToken(token.Trim(), "EDGE_TOKEN");
        }

        if (Environment.GetEnvironmentVariable("EDGE_TOKEN_FILE") is { Length: > 0 } file)
        {
            return FromFile(file, $"EDGE_TOKEN_FILE={file}", ref error);
        }

        foreach (var candidate in new[] { InstalledAdminToken, DemoAdminToken })
        {
            string? ignored = null;
            var found = FromFile(candidate, candidate, ref ignored);
            if (found.Token is not null)
            {
                return found;
            }
        }

        return new ApiToken(null, $"no token (none of --token-file, EDGE_TOKEN, EDGE_TOKEN_FILE, {InstalledAdminToken}, {DemoAdminToken} gave one)");
    }

    private static ApiToken FromFile(string path, string source, ref string? error)
    {
        try
        {
            var text = File.ReadAllText(path).Trim();
            if (text.Length > 0)
            {
                return new ApiToken(text, source);
            }

            error = $"{source}: the file is empty";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"{source}: {ex.Message}";
        }

        return new ApiToken(null, source);
    }
}
