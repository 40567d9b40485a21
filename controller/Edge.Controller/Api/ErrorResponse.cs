namespace Edge.Controller.Api;

/// <summary>The body of a 4xx answer: what was wrong, naming the offending value.</summary>
internal sealed record ErrorResponse(string Error);
