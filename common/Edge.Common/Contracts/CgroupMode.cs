namespace Edge.Common.Contracts;

/// <summary>Which cgroup hierarchy an agent reads and enforces through.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(CamelCaseEnumConverter<CgroupMode>))]
public enum CgroupMode
{
    /// <summary>No usable cgroup hierarchy (not root, or no controllers): process limits only.</summary>
    None,
    V1,
    V2,
}
