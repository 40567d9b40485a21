using Microsoft.Extensions.Options;

namespace Edge.Agent.Configuration;

/// <summary>
/// Creates an options record by constructing it from configuration (<c>section.Get&lt;T&gt;()</c>, passed in as
/// <paramref name="create"/> from a call site with the concrete type) and then runs every registered validator,
/// reporting all failures at once like the default factory. Why not <c>OptionsBuilder.Bind</c>: it binds into an
/// existing instance, which the configuration-binding source generator (used by trimmed and Native AOT publish)
/// cannot do for <c>init</c> properties, so every setting would silently keep its default there. Construction with
/// an object initializer works in both the reflection binder and the generator.
/// </summary>
internal sealed class ConfiguredOptionsFactory<T>(Func<T> create, IEnumerable<IValidateOptions<T>> validators) : IOptionsFactory<T>
    where T : class
{
    public T Create(string name)
    {
        var options = create();
        var failures = new List<string>();
        foreach (var validator in validators)
        {
            var result = validator.Validate(name, options);
            if (result.Failed)
            {
                failures.AddRange(result.Failures);
            }
        }

        return failures.Count == 0 ? options : throw new OptionsValidationException(name, typeof(T), failures);
    }
}
