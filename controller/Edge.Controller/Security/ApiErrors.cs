using Edge.Controller.Api;

namespace Edge.Controller.Security;

/// <summary>Writes the API's error body from middleware and handlers: RFC 9457 problem details (<see cref="ApiProblems"/>).</summary>
internal static class ApiErrors
{
    public static Task WriteAsync(HttpContext context, int status, string message) => ApiProblems.WriteAsync(context, status, message);
}
