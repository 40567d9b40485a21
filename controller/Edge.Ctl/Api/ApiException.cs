using System.Net;

namespace Edge.Ctl.Api;

/// <summary>The controller answered an error; <see cref="HttpRequestException.StatusCode"/> and the problem's detail say which.</summary>
internal sealed class ApiException(HttpStatusCode status, string message) : HttpRequestException(message, null, status);
