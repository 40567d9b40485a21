using Edge.Controller.Logging;

namespace Edge.Controller.Security;

/// <summary>
/// The API's refusal log throttle (one line per reason per 10 s), shared by the request gate and the token
/// handler through dependency injection.
/// </summary>
internal sealed class ApiLogThrottle(TimeProvider time) : LogThrottle<string>(time, TimeSpan.FromSeconds(10));
