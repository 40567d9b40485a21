namespace Edge.Common.Api;

/// <summary>
/// An RFC 9457 problem-details answer (<c>application/problem+json</c>) as the controller sends it for every error.
/// </summary>
/// <param name="Type">A URI naming the kind of problem (the RFC section of the status).</param>
/// <param name="Title">The status's reason phrase.</param>
/// <param name="Status">The HTTP status.</param>
/// <param name="Detail">What was wrong, naming the offending value.</param>
/// <param name="Errors">A refused workflow's reasons, one each.</param>
public sealed record ApiProblem(string? Type, string? Title, int? Status, string? Detail, IReadOnlyList<string>? Errors = null);
