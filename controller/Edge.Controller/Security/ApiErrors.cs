using System.Text.Json;
using Edge.Controller.Api;

namespace Edge.Controller.Security;

/// <summary>Writes the API's error body (<c>{"error":"…"}</c>) from middleware and handlers.</summary>
internal static class ApiErrors
{
    public static async Task WriteAsync(HttpResponse response, string message, CancellationToken cancellationToken)
    {
        response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(response.Body, new ErrorResponse(message), ApiJson.Context.ErrorResponse, cancellationToken);
    }
}
