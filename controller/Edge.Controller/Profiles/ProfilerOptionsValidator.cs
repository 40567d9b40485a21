using Edge.Controller.Hosting;
using Edge.Models;
using Edge.Models.Profiling;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Profiles;

/// <summary>Reports every problem in <c>Controller:Forecast</c> at start, with the offending value.</summary>
internal sealed class ProfilerOptionsValidator : IValidateOptions<ComponentProfilerOptions>
{
    public ValidateOptionsResult Validate(string? name, ComponentProfilerOptions options)
    {
        var errors = options.Validate().Select(e => $"{ControllerHost.ForecastSection}:{e}").ToList();
        if (RecommenderRegistry.CreateDefault().Find(options.Recommender) is null)
        {
            errors.Add($"{ControllerHost.ForecastSection}:Recommender '{options.Recommender}' is not a known recommender");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
