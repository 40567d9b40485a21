namespace Edge.Ctl.Cli;

/// <summary>Exit codes of edgectl's API commands (docs/cli.md).</summary>
internal static class CliExit
{
    public const int Ok = 0;

    /// <summary>Refused, failed, or the controller could not be reached.</summary>
    public const int Error = 1;

    /// <summary>The command line is wrong (unknown command or option, bad value).</summary>
    public const int Usage = 2;

    /// <summary>The controller refused the token (401) or its role (403).</summary>
    public const int Auth = 3;

    /// <summary>What was named does not exist (404).</summary>
    public const int NotFound = 4;
}
