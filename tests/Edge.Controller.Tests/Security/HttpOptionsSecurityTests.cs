using System.Security.Claims;
using Edge.Controller.Hosting;
using Edge.Controller.Options;
using Edge.Controller.Security;
using Edge.Controller.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Tests.Security;

/// <summary>The HTTP side's configuration rules: no plaintext off loopback, token settings checked, fallback closed.</summary>
public sealed class HttpOptionsSecurityTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Theory]
    [InlineData("http://0.0.0.0:8080")]
    [InlineData("http://192.0.2.10:8080")]
    [InlineData("http://controller.example:8080")]
    [InlineData("http://[::]:8080")]
    public async Task Start_PlaintextUrlOffLoopback_RefusedNamingTheUrl(string url)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Controller:DataDirectory"] = _dir.Path,
            ["Controller:Http:Urls:0"] = url,
        };

        // Program.Main reports either (building binds Kestrel's options, starting validates the rest).
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = ControllerHost.Build([], settings);
            await app.StartAsync(TestContext.Current.CancellationToken);
        });

        Assert.Contains(ex.Failures, f => f.Contains($"'{url}' is plaintext HTTP on a non-loopback address", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(_dir.Path, ApiTokenStore.AdminTokenFileName)), "nothing may be created by a refused start");
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", false)]
    [InlineData("http://localhost:8080", false)]
    [InlineData("http://[::1]:8080", false)]
    [InlineData("https://0.0.0.0:8443", false)]
    [InlineData("http://0.0.0.0:8080", true)]
    public void Validate_LoopbackHttpsOrExplicitlyAllowed_Accepted(string url, bool allowPlaintext)
    {
        var options = new ControllerOptions { Http = new HttpOptions { Urls = [url], AllowPlaintext = allowPlaintext } };

        var result = new ControllerOptionsValidator().Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_BadTokensAndLimits_EveryErrorNamed()
    {
        var options = new ControllerOptions
        {
            Http = new HttpOptions
            {
                MaxRequestBodyBytes = 10,
                Tokens = new Dictionary<string, ConfiguredApiToken>
                {
                    ["ci"] = new() { Role = "root", Sha256 = "edge_plaintext-token" },
                },
            },
        };

        var failures = new ControllerOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Contains(failures, f => f.Contains("MaxRequestBodyBytes '10'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Tokens:ci:Role 'root'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Tokens:ci:Sha256 must be 64 hex digits", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("GET", ApiRoles.Viewer, true)]
    [InlineData("HEAD", ApiRoles.Viewer, true)]
    [InlineData("POST", ApiRoles.Operator, false)]
    [InlineData("DELETE", ApiRoles.Operator, false)]
    [InlineData("PUT", ApiRoles.Admin, true)]
    [InlineData("GET", "root", false)]
    public async Task FallbackPolicy_EndpointWithoutARole_GetNeedsViewerAnythingElseAdmin(string method, string role, bool allowed)
    {
        var requirement = new ApiRoleRequirement(null);
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ApiRoles.ClaimType, role)], "test"));
        var http = new DefaultHttpContext();
        http.Request.Method = method;
        var context = new AuthorizationHandlerContext([requirement], user, http);

        await requirement.HandleAsync(context);

        Assert.Equal(allowed, context.HasSucceeded);
    }

    [Fact]
    public async Task Start_HttpsWithAKestrelCertificate_ServesTheApiWithTokens()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=localhost", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        var pfx = Path.Combine(_dir.Path, "api.pfx");
        await File.WriteAllBytesAsync(pfx, certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, "pw"), TestContext.Current.CancellationToken);
        var data = Path.Combine(_dir.Path, "data");
        await using var controller = await TestController.StartAsync(data, extra: new Dictionary<string, string?>
        {
            ["Controller:Http:Urls:0"] = "https://127.0.0.1:0",
            ["Kestrel:Certificates:Default:Path"] = pfx,
            ["Kestrel:Certificates:Default:Password"] = "pw",
        });
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Thumbprint };
        using var https = new HttpClient(handler) { BaseAddress = controller.Http.BaseAddress };
        https.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", controller.AdminToken);

        using var response = await https.GetAsync("/api/nodes", TestContext.Current.CancellationToken);

        Assert.Equal(Uri.UriSchemeHttps, controller.Http.BaseAddress!.Scheme);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    public void Dispose() => _dir.Dispose();
}
