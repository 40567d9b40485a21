using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace Edge.Controller.Api;

/// <summary>
/// Every error the API answers, as RFC 9457 problem details (<c>application/problem+json</c>: <c>type</c>,
/// <c>title</c>, <c>status</c>, <c>detail</c>): <see cref="Result"/> for endpoints, <see cref="WriteAsync"/> for
/// middleware (request gate, authentication) and <see cref="StatusCodePageAsync"/> for answers nothing else wrote a
/// body for (no such route, method not allowed, a parameter that did not bind). <c>detail</c> names the offending value.
/// </summary>
internal static class ApiProblems
{
    /// <summary>RFC 9457 media type.</summary>
    public const string ContentType = "application/problem+json";

    /// <summary>An endpoint's error answer; <paramref name="extensions"/> adds members (e.g. a validation's <c>errors</c>).</summary>
    /// <remarks>Serialized with the API's relaxed escaping (<see cref="RelaxedJson"/>), so <c>'node-a'</c> reads as written.</remarks>
    public static IResult Result(int status, string detail, IEnumerable<KeyValuePair<string, object?>>? extensions = null) =>
        TypedResults.Json(Create(status, detail, extensions), ApiJson.Context.ProblemDetails, ContentType, status);

    /// <summary>The problem for <paramref name="status"/>: its RFC section as <c>type</c>, its reason phrase as <c>title</c>.</summary>
    public static ProblemDetails Create(int status, string detail, IEnumerable<KeyValuePair<string, object?>>? extensions = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Title = ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error",
            Type = TypeOf(status),
            Detail = detail,
        };
        foreach (var (key, value) in extensions ?? [])
        {
            problem.Extensions[key] = value;
        }

        return problem;
    }

    /// <summary>Writes the problem from middleware (the response must not have started).</summary>
    public static Task WriteAsync(HttpContext context, int status, string detail) => Result(status, detail).ExecuteAsync(context);

    /// <summary>For <c>UseStatusCodePages</c>: an error status nothing wrote a body for, described with the request.</summary>
    public static Task StatusCodePageAsync(Microsoft.AspNetCore.Diagnostics.StatusCodeContext context)
    {
        var http = context.HttpContext;
        var status = http.Response.StatusCode;
        var what = $"{http.Request.Method} {Shorten(http.Request.Path.Value ?? "/")}";
        var detail = status switch
        {
            StatusCodes.Status404NotFound => $"{what}: no such route (see /openapi/v1.json for the API)",
            StatusCodes.Status405MethodNotAllowed => $"{what}: the route does not take method {http.Request.Method}",
            StatusCodes.Status400BadRequest => $"{what}: a route or query parameter has a value of the wrong form",
            _ => $"{what} answered {status}",
        };
        return WriteAsync(http, status, detail);
    }

    /// <summary>
    /// <c>type</c> per status: the section of RFC 9110 (HTTP semantics) defining it, RFC 6585 section 4 for 429,
    /// else <c>about:blank</c> (RFC 9457 section 4.2.1).
    /// </summary>
    public static string TypeOf(int status) => status switch
    {
        400 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.1",
        401 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2",
        403 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.4",
        404 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5",
        405 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6",
        409 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.10",
        413 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14",
        415 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.16",
        422 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.21",
        429 => "https://www.rfc-editor.org/rfc/rfc6585#section-4",
        500 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.1",
        503 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.4",
        _ => "about:blank",
    };

    private static string Shorten(string value)
    {
        var s = value.Length > 100 ? value[..100] + "…" : value;
        return string.Concat(s.Select(c => char.IsControl(c) ? '?' : c));
    }
}
