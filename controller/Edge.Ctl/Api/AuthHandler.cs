using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Edge.Ctl.Api;

/// <summary>Adds the bearer token to every request and turns a 401 or 403 into an <see cref="ApiAuthException"/> that says which token was used.</summary>
internal sealed class AuthHandler(ApiToken token) : DelegatingHandler(new HttpClientHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (token.Token is { } text)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", text);
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden))
        {
            return response;
        }

        using (response)
        {
            var said = ErrorOf(await response.Content.ReadAsStringAsync(cancellationToken));
            var what = response.StatusCode == HttpStatusCode.Unauthorized ? "refused the token" : "refused the token's role";
            throw new ApiAuthException($"the controller {what} ({(int)response.StatusCode}: {said}); token from {token.Source}. Pass one with --token-file, EDGE_TOKEN or EDGE_TOKEN_FILE");
        }
    }

    private static string ErrorOf(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("detail", out var error) ? error.GetString() ?? body : body;
        }
        catch (JsonException)
        {
            return body.Length > 200 ? body[..200] : body;
        }
    }
}
