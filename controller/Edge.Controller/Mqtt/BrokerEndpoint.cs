using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Edge.Controller.Mqtt;

/// <summary>One listening socket of the embedded broker: plaintext when <paramref name="Certificate"/> is null.</summary>
internal sealed record BrokerEndpoint(IPAddress Address, int Port, X509Certificate2? Certificate);
