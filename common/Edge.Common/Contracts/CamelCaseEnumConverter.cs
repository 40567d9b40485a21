using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.Common.Contracts;

/// <summary>Writes and reads an enum as its camelCase name (e.g. <c>onDemand</c>); unknown names are rejected.</summary>
public sealed class CamelCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.CamelCase, allowIntegerValues: false)
    where TEnum : struct, Enum;
