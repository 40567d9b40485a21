using Edge.Common.Contracts;

namespace Edge.Common.Tests.Contracts;

public sealed class EnvironmentPolicyTests
{
    [Theory]
    [InlineData("LD_PRELOAD")]
    [InlineData("ld_preload")]
    [InlineData("DOTNET_EventPipeOutputPath")]
    [InlineData("CORECLR_PROFILER_PATH")]
    [InlineData("COMPlus_EnableDiagnostics")]
    [InlineData("complus_EnableDiagnostics")]
    [InlineData("MONO_ENV_OPTIONS")]
    [InlineData("PYTHONSTARTUP")]
    [InlineData("NODE_OPTIONS")]
    [InlineData("BASH_ENV")]
    [InlineData("PATH")]
    [InlineData("GLIBC_TUNABLES")]
    public void Check_LoaderOrRuntimeVariable_IsDeniedNamingIt(string name)
    {
        var error = EnvironmentPolicy.Default.Check(new Dictionary<string, string> { ["APP_MODE"] = "x", [name] = "/tmp/evil.so" });

        Assert.NotNull(error);
        Assert.Contains($"'{name}'", error, StringComparison.Ordinal);
        Assert.Contains("denied", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1ABC")]
    [InlineData("A=B")]
    [InlineData("A B")]
    [InlineData("A\0B")]
    [InlineData("Ä")]
    public void Check_NonPortableName_IsRefused(string name)
    {
        var error = EnvironmentPolicy.Default.Check(new Dictionary<string, string> { [name] = "x" });

        Assert.NotNull(error);
        Assert.Contains("is not [A-Za-z_][A-Za-z0-9_]*", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_OrdinaryVariables_AreAccepted()
    {
        Assert.Null(EnvironmentPolicy.Default.Check(new Dictionary<string, string> { ["APP_MODE"] = "fast", ["_X1"] = "" }));
        Assert.Null(EnvironmentPolicy.Default.Check(null));
    }

    [Fact]
    public void Check_DeniedNameListedExactlyByTheOperator_IsAccepted()
    {
        var policy = new EnvironmentPolicy { Allowed = ["APP_*", "DOTNET_gcServer"] };

        Assert.Null(policy.Check(new Dictionary<string, string> { ["DOTNET_gcServer"] = "1", ["APP_X"] = "y" }));
        Assert.Contains("'DOTNET_GCgen0size' is denied", policy.Check(new Dictionary<string, string> { ["DOTNET_GCgen0size"] = "1" }), StringComparison.Ordinal);
        Assert.Contains("'OTHER' is not on the allow-list", policy.Check(new Dictionary<string, string> { ["OTHER"] = "1" }), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_OversizedEnvironment_IsRefusedWithTheFigure()
    {
        var many = Enumerable.Range(0, EnvironmentPolicy.MaxVariables + 1).ToDictionary(i => $"V{i}", _ => "x");
        var big = new Dictionary<string, string> { ["BIG"] = new string('x', EnvironmentPolicy.MaxValueBytes + 1) };

        Assert.Contains($"{EnvironmentPolicy.MaxVariables + 1} environment variables", EnvironmentPolicy.Default.Check(many), StringComparison.Ordinal);
        Assert.Contains($"{EnvironmentPolicy.MaxValueBytes + 1} bytes", EnvironmentPolicy.Default.Check(big), StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_KeepsNamesAndHidesEveryValue()
    {
        var redacted = EnvironmentPolicy.Redact(new Dictionary<string, string> { ["TOKEN"] = "s3cret" });

        Assert.Equal(EnvironmentPolicy.Redacted, redacted["TOKEN"]);
        Assert.DoesNotContain("s3cret", redacted.Values);
    }
}
