using System.Net;
using System.Net.Http.Headers;

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
            var said = await EdgeClient.ProblemAsync(response, cancellationToken);
            var what = response.StatusCode == HttpStatusCode.Unauthorized ? "refused the token" : "refused the token's role";
            throw new ApiAuthException($"the controller {what} ({(int)response.StatusCode}: {said}); token from {token.Source}. Pass one with --token-file, EDGE_TOKEN or EDGE_TOKEN_FILE");
        }
    }
}
