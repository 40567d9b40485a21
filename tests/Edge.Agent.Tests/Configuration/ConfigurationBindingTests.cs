using System.Collections;
using System.Globalization;
using System.Reflection;
using Edge.Agent.Configuration;
using Edge.Agent.Supervision;
using Edge.Common.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Edge.Agent.Tests.Configuration;

/// <summary>
/// The agent binds its options with the configuration binding source generator (EnableConfigurationBindingGenerator in
/// Edge.Agent.csproj), the code the Native AOT build runs. Every settable property of every options section gets a
/// value different from its default, found by walking the options types, so a property the generator skips (an
/// init-only setter, an unsupported type, a new option) fails here instead of being silently left at its default in
/// the trimmed binary.
/// </summary>
public sealed class ConfigurationBindingTests
{
    /// <summary>Set in code only (the agent's last will), not from configuration.</summary>
    private static readonly HashSet<string> NotConfigurable = [$"{AgentOptions.SectionName}:Mqtt:Will"];

    [Fact]
    public async Task GeneratedBinding_ReadsEveryAgentOption()
    {
        var expected = new Dictionary<string, string?>();
        Fill(typeof(AgentOptions), AgentOptions.SectionName, expected);
        await using var provider = Provider(expected);

        var options = Configured<AgentOptions>(provider);

        AssertBound(options, AgentOptions.SectionName, expected);
    }

    [Fact]
    public async Task GeneratedBinding_ReadsEverySupervisorOption()
    {
        var expected = new Dictionary<string, string?>();
        Fill(typeof(SupervisorOptions), SupervisorOptions.SectionName, expected);
        await using var provider = Provider(expected);

        var options = Configured<SupervisorOptions>(provider);

        AssertBound(options, SupervisorOptions.SectionName, expected);
    }

    [Fact]
    public async Task AllowedEnvironment_Configured_ReplacesTheDefaultInsteadOfAppendingToIt()
    {
        // Binding appends to a non-empty default list: a default of ["*"] turned "APP_*" into ["*", "APP_*"].
        await using var provider = Provider(new Dictionary<string, string?> { ["Supervisor:AllowedEnvironment:0"] = "APP_*" });

        var options = Configured<SupervisorOptions>(provider);

        Assert.Equal(["APP_*"], options.EffectiveAllowedEnvironment);
        Assert.Equal(["*"], new SupervisorOptions().EffectiveAllowedEnvironment);
    }

    [Fact]
    public void OptionsTypes_HaveNoInitOnlySetters()
    {
        // The generator cannot set init-only properties (dotnet/runtime#107856): it would leave them at their defaults.
        var offenders = new[] { typeof(AgentOptions), typeof(SupervisorOptions), typeof(CapacityOptions), typeof(PricingOptions), typeof(DotnetCountersOptions), typeof(MqttConnectionOptions) }
            .Concat(typeof(AgentOptions).Assembly.GetTypes().Where(t => t.Namespace == typeof(AgentOptions).Namespace && t.Name.EndsWith("Options", StringComparison.Ordinal)))
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            .Where(p => p.SetMethod?.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(System.Runtime.CompilerServices.IsExternalInit)) == true)
            .Select(p => $"{p.DeclaringType!.Name}.{p.Name}")
            .Distinct()
            .ToList();

        Assert.Empty(offenders);
    }

    private static ServiceProvider Provider(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddEdgeSupervision(configuration);
        return services.BuildServiceProvider();
    }

    /// <summary>Applies the registered binding (the agent's own <c>Bind</c> calls) without the validators, which would refuse the test values.</summary>
    private static T Configured<T>(ServiceProvider provider)
        where T : class, new()
    {
        var options = new T();
        foreach (var configure in provider.GetServices<IConfigureOptions<T>>())
        {
            configure.Configure(options);
        }

        return options;
    }

    /// <summary>Adds a non-default configuration value for every settable property of <paramref name="type"/>.</summary>
    private static void Fill(Type type, string prefix, Dictionary<string, string?> values)
    {
        var defaults = Activator.CreateInstance(type);
        foreach (var property in Settable(type))
        {
            var key = $"{prefix}:{property.Name}";
            if (NotConfigurable.Contains(key))
            {
                continue;
            }

            var t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (t == typeof(string))
            {
                values[key] = $"/bound/{property.Name.ToLowerInvariant()}";
            }
            else if (t == typeof(bool))
            {
                values[key] = (!(bool)(property.GetValue(defaults) ?? false)).ToString();
            }
            else if (t == typeof(int) || t == typeof(long) || t == typeof(uint) || t == typeof(double))
            {
                values[key] = (7919 + Convert.ToInt64(property.GetValue(defaults) ?? 0L, CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture);
            }
            else if (t == typeof(TimeSpan))
            {
                values[key] = ((TimeSpan)(property.GetValue(defaults) ?? TimeSpan.Zero) + TimeSpan.FromMilliseconds(1234)).ToString("c", CultureInfo.InvariantCulture);
            }
            else if (t.IsEnum)
            {
                var current = property.GetValue(defaults);
                values[key] = Enum.GetNames(t).First(n => !Equals(Enum.Parse(t, n), current));
            }
            else if (t == typeof(Dictionary<string, string>))
            {
                values[$"{key}:bound-key"] = "bound-value";
            }
            else if (t == typeof(IReadOnlyList<string>) || t == typeof(string[]) || t == typeof(List<string>))
            {
                values[$"{key}:0"] = "/bound/first/";
                values[$"{key}:1"] = "/bound/second";
            }
            else if (t.IsClass && t.Namespace?.StartsWith("Edge.", StringComparison.Ordinal) == true)
            {
                Fill(t, key, values);
            }
            else
            {
                Assert.Fail($"{key}: no test value for type {t.Name}; add one so the option is checked");
            }
        }
    }

    private static void AssertBound(object options, string prefix, Dictionary<string, string?> expected)
    {
        foreach (var property in Settable(options.GetType()))
        {
            var key = $"{prefix}:{property.Name}";
            if (NotConfigurable.Contains(key))
            {
                continue;
            }

            var value = property.GetValue(options);
            var t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            switch (value)
            {
                case IDictionary<string, string> dictionary:
                    Assert.True(dictionary.TryGetValue("bound-key", out var v) && v == "bound-value", $"{key} was not bound");
                    break;
                case IEnumerable<string> list when t != typeof(string):
                    Assert.Equal(["/bound/first/", "/bound/second"], list);
                    break;
                case not null when t.IsClass && t != typeof(string) && value is not IEnumerable && t.Namespace?.StartsWith("Edge.", StringComparison.Ordinal) == true:
                    AssertBound(value, key, expected);
                    break;
                default:
                    Assert.True(expected.ContainsKey(key), $"{key} had no test value");
                    Assert.Equal(expected[key], Format(value));
                    break;
            }
        }
    }

    private static string? Format(object? value) => value switch
    {
        TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
        bool b => b.ToString(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString(),
    };

    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.SetMethod!.IsPublic);
}
