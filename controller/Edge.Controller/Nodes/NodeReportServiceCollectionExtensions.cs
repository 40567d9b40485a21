using Microsoft.Extensions.Options;

namespace Edge.Controller.Nodes;

/// <summary>Registers the checks on node reports and their options (section <c>Controller:NodeReports</c>).</summary>
internal static class NodeReportServiceCollectionExtensions
{
    public static IServiceCollection AddNodeReportGuard(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NodeReportOptions>().Bind(configuration.GetSection(NodeReportOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NodeReportOptions>, NodeReportOptionsValidator>();
        services.AddSingleton<NodeReportRefusals>();
        services.AddSingleton<NodeReportGuard>();
        return services;
    }
}
