using Edge.Common.Contracts;
using Edge.Controller.Adjustment;
using Edge.Controller.Api;
using Edge.Controller.Placement;
using PlacementOptions = Edge.Controller.Placement.PlacementOptions;
using BrokerMetrics = Edge.Controller.Mqtt.BrokerMetrics;
using Edge.Controller.Control;
using Edge.Controller.History;
using Edge.Controller.Ingest;
using Edge.Controller.Leadership;
using Edge.Controller.Mqtt;
using Edge.Controller.Nodes;
using Edge.Controller.Operations;
using Edge.Controller.Options;
using Edge.Controller.Forecasters;
using Edge.Controller.Profiles;
using Edge.Controller.Security;
using Edge.Controller.State;
using Edge.Controller.Telemetry;
using Edge.Controller.Workflows;
using Edge.Models.Profiling;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Hosting;

/// <summary>
/// Builds the controller: configuration (appsettings.json, then <c>/etc/edge/controller.json</c> or the file named
/// by <c>--config</c> / <c>EDGE_CONTROLLER_CONFIG</c>, then <c>EDGE_</c> environment variables, then the command
/// line), validated options, the embedded broker, ingest, the history store and the HTTP API behind bearer tokens
/// (<see cref="ApiSecurity"/>).
/// </summary>
internal static class ControllerHost
{
    public const string DefaultConfigFile = "/etc/edge/controller.json";
    public const string ConfigEnvironmentVariable = "EDGE_CONTROLLER_CONFIG";

    /// <param name="args">Command-line arguments.</param>
    /// <param name="overrides">Configuration applied last (tests use it for ports and directories).</param>
    /// <param name="configure">Last changes to the builder before it builds (tests add log capture).</param>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? overrides = null, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        AddConfiguration(builder.Configuration, args, overrides);
        AddServices(builder.Services, builder.Configuration);
        var urls = builder.Configuration.GetSection($"{ControllerOptions.SectionName}:Http:Urls").Get<string[]>();
        builder.WebHost.UseUrls(urls is { Length: > 0 } ? urls : [HttpOptions.DefaultUrl]);

        // The slim builder leaves HTTPS out; https:// URLs take their certificate from Kestrel:Certificates:Default.
        builder.WebHost.UseKestrelHttpsConfiguration();
        configure?.Invoke(builder);
        var app = builder.Build();
        app.Services.GetRequiredService<StateHealth>(); // listening before the state store's first write
        app.UseApiSecurity();
        Leadership.FollowerGuard.UseFollowerGuard(app);
        ControllerApi.Map(app);
        app.MapBrokerEndpoints();
        app.MapWorkflowEndpoints();
        Signals.SignalEndpoints.MapSignalEndpoints(app);
        app.MapTokenEndpoints();
        app.MapEdgeMetrics();
        app.MapOperationsEndpoints();
        Dashboard.DashboardEndpoints.MapDashboard(app);
        return app;
    }

    private static void AddConfiguration(ConfigurationManager configuration, string[] args, IReadOnlyDictionary<string, string?>? overrides)
    {
        var explicitPath = configuration["config"] ?? Environment.GetEnvironmentVariable(ConfigEnvironmentVariable);
        configuration.AddJsonFile(explicitPath ?? DefaultConfigFile, optional: explicitPath is null, reloadOnChange: false);
        configuration.AddEnvironmentVariables("EDGE_");
        configuration.AddCommandLine(args);
        if (overrides is not null)
        {
            configuration.AddInMemoryCollection(overrides);
        }
    }

    private static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSystemd();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ControllerOptions>()
            .Bind(configuration.GetSection(ControllerOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ControllerOptions>, ControllerOptionsValidator>();
        services.AddApiSecurity();
        services.AddEdgeOpenApi();
        ApiSecurity.LimitKestrel(services);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default));
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(Dashboard.DashboardJsonContext.Default));

        services.AddSingleton(sp => new EdgeTopics(sp.GetRequiredService<IOptions<ControllerOptions>>().Value.TopicPrefix));
        services.AddSingleton(sp => CredentialsLoader.Load(sp.GetRequiredService<IOptions<ControllerOptions>>().Value, Environment.MachineName));
        services.AddSingleton<TopicAcl>();
        services.AddSingleton<BrokerMetrics>();
        services.AddSingleton<IngestMetrics>();
        services.AddSingleton<IngestQueue>();
        services.AddSingleton<NodeRegistry>();
        services.AddEdgeLeadership(configuration);
        services.TryAddSingleton<Leadership.ILeadership, Leadership.SingleControllerLeadership>();
        services.AddNodeReportGuard(configuration);
        services.AddSingleton<FasterHistoryStore>();
        services.AddSingleton<IHistoryStore>(sp => sp.GetRequiredService<FasterHistoryStore>());
        services.AddSingleton<StateHealth>();
        services.AddSingleton<EmbeddedBroker>();
        services.AddSingleton<MqttIngest>();
        services.AddSingleton<ControllerMqttLink>();
        services.AddSingleton<Signals.SignalBoard>();

        // Start order: store (recovered) and writer, then the broker, then the controller's own connection.
        // Stop runs in reverse: disconnect, stop the broker (saving retained messages), drain and checkpoint.
        services.AddHostedService<HistoryWriterService>();
        var bound = configuration.GetSection(ControllerOptions.SectionName).Get<ControllerOptions>() ?? new ControllerOptions();
        if (bound.UsesEmbeddedBroker)
        {
            services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBroker>());
        }

        services.AddEdgeOperations(configuration);
        services.AddHostedService(sp => sp.GetRequiredService<ControllerMqttLink>());
        AddControl(services, configuration, bound);
    }

    /// <summary>
    /// The control plane: forecaster and feedback, the allocator (allocations journaled under the data
    /// directory unless <c>Controller:Placement:StoreDirectory</c> says otherwise), workflows, and the loop that feeds
    /// them node status, events and usage. Started after the MQTT connection, so restored runs can send commands.
    /// </summary>
    private static void AddControl(IServiceCollection services, IConfiguration configuration, ControllerOptions bound)
    {
        var storeKey = $"{PlacementOptions.SectionName}:{nameof(PlacementOptions.StoreDirectory)}";
        if (string.IsNullOrEmpty(configuration[storeKey]))
        {
            configuration[storeKey] = Path.Combine(bound.DataDirectory, "placement");
        }

        services.AddSingleton<ControlChannel>();
        services.AddSingleton<ReconcileReports>();
        services.AddOptions<ComponentProfilerOptions>().Bind(configuration.GetSection(ForecastSection)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ComponentProfilerOptions>, ProfilerOptionsValidator>();
        services.AddOptions<LearningOptions>().Bind(configuration.GetSection(ForecastSection))
            .Validate(o => o.LearningRate is > 0 and <= 1, $"{ForecastSection}:LearningRate must be in (0, 1]")
            .Validate(o => o.RunBaseMinRuns is >= 1 and <= 10_000, $"{ForecastSection}:RunBaseMinRuns must be in [1, 10000]").ValidateOnStart();
        services.AddOptions<ForecasterChoiceOptions>().Bind(configuration.GetSection(ForecasterChoiceOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ForecasterChoiceOptions>>(new ForecastersValidator<ForecasterChoiceOptions>(o => o.Validate()));
        services.AddOptions<LiveLstmOptions>().Bind(configuration.GetSection(LiveLstmOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LiveLstmOptions>>(new ForecastersValidator<LiveLstmOptions>(o => o.Validate()));
        services.AddSingleton<Forecaster>();
        services.AddHostedService<ForecasterSelectionService>();
        services.AddHostedService<ForecastPrewarmService>();
        services.AddHostedService<LstmRetrainService>();
        services.AddOptions<RetrainOptions>().Bind(configuration.GetSection(RetrainOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<RetrainService>();
        services.AddOptions<ProfileFloorOptions>().Bind(configuration.GetSection(ProfileFloorOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IProfileSource, ComponentProfileSource>();
        services.AddSingleton<InstanceUsageTracker>();
        services.AddOptions<FeedbackOptions>().Bind(configuration.GetSection(FeedbackOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FeedbackOptions>, FeedbackOptionsValidator>();
        services.AddSingleton<FeedbackLedger>();
        services.AddSingleton<IRunHistory>(sp => new LazyRunHistory(sp.GetRequiredService<FeedbackLedger>));
        services.AddSingleton<FeedbackRecorder>();
        services.AddSingleton<InstanceEventLog>();
        services.AddOptions<CommandOptions>().Bind(configuration.GetSection(CommandOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CommandOptions>, CommandOptionsValidator>();
        services.AddSingleton<IValidateOptions<PlacementOptions>, MissingGraceValidator>();
        services.AddSingleton<CommandStamper>();
        services.AddSingleton<MqttCommandPublisher>();
        services.AddSingleton<ICommandPublisher>(sp => sp.GetRequiredService<MqttCommandPublisher>());
        services.AddSingleton<IDecisionPublisher, DecisionFanout>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<WorkflowOptions>>().Value.LaunchPolicy);
        services.AddEdgeState(configuration);
        services.AddEdgeAllocator(configuration);
        services.AddEdgeAdjuster(configuration);
        services.AddSingleton<IMetricObserver, AdjusterObserver>();

        services.AddOptions<WorkflowOptions>().Bind(configuration.GetSection(WorkflowOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WorkflowOptions>, WorkflowOptionsValidator>();
        services.AddSingleton(sp => new VolumeForecaster(sp.GetRequiredService<IOptions<WorkflowOptions>>().Value.Scheduled.Select(s => new ScheduledSubmission(s.WorkflowId, s.Every))));
        services.AddSingleton<WorkflowMetrics>();
        services.AddSingleton<WorkflowService>();
        services.AddSingleton<VolumeService>();
        services.AddHostedService<ControlLoop>();
        var clustered = configuration.GetSection(ClusterOptions.SectionName).Get<ClusterOptions>()?.Enabled == true;
        if (!clustered)
        {
            services.AddHostedService(sp => sp.GetRequiredService<VolumeService>());
        }

        services.AddEdgeTelemetry(configuration);
        if (clustered)
        {
            // Only the leader places, commands, adjusts, advances workflows and retrains (docs/ha.md).
            services.GateOnLeadership();
        }
    }

    /// <summary>The forecaster's settings (<see cref="ComponentProfilerOptions"/>).</summary>
    public const string ForecastSection = "Controller:Forecast";
}
