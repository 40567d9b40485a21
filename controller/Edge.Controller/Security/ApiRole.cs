namespace Edge.Controller.Security;

/// <summary>
/// What an API token may do; each role includes every role below it. Viewer reads (every GET under <c>/api</c>),
/// submitter also submits and cancels workflows, operator also allocates, releases and acts on nodes, admin also
/// manages tokens.
/// </summary>
internal enum ApiRole
{
    Viewer = 1,
    Submitter = 2,
    Operator = 3,
    Admin = 4,
}
