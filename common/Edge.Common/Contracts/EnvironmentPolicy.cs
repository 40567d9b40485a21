using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Edge.Common.Contracts;

/// <summary>
/// Which environment variables a caller may hand to a component. The controller checks it before anything is
/// placed and the agent checks it again before anything starts, so neither side has to trust the other.
/// <para>
/// Names are POSIX-portable (<c>[A-Za-z_][A-Za-z0-9_]*</c>). Variables that make the dynamic loader, a language
/// runtime or a shell load or run code of the caller's choosing (<c>LD_*</c>, <c>DOTNET_*</c>, <c>CORECLR_*</c>,
/// <c>COMPlus_*</c>, <c>PYTHON*</c>, <c>NODE_OPTIONS</c>, <c>BASH_ENV</c>, ...) are denied, compared without regard
/// to case because several runtimes read them that way. An operator may let chosen names through by listing them
/// exactly in <see cref="Allowed"/>; when <see cref="Allowed"/> holds patterns (<c>APP_*</c>) or names, a variable
/// must match one of them; <c>*</c> (the default) accepts every name that is not denied.
/// </para>
/// </summary>
public sealed record EnvironmentPolicy
{
    /// <summary>Most variables one component may be given.</summary>
    public const int MaxVariables = 64;

    /// <summary>Longest variable name, in characters.</summary>
    public const int MaxNameLength = 128;

    /// <summary>Longest value, in UTF-8 bytes.</summary>
    public const int MaxValueBytes = 4096;

    /// <summary>Most bytes of names and values together.</summary>
    public const int MaxTotalBytes = 32 * 1024;

    /// <summary>
    /// Prefixes (compared ignoring case) of variables that load code or change how a runtime or the loader behaves.
    /// Sources: ld.so(8) (<c>LD_*</c>, <c>GCONV_PATH</c>, <c>GLIBC_TUNABLES</c>, <c>MALLOC_*</c>), the .NET runtime's
    /// configuration knobs (<c>DOTNET_</c>, <c>COMPlus_</c>, <c>CORECLR_</c> profilers), Mono, CPython
    /// (<c>PYTHON*</c>), Perl (<c>PERL5*</c>, <c>PERLLIB</c>), Ruby, Node.js, the JVM launcher, bash(1).
    /// </summary>
    public static readonly IReadOnlyList<string> DeniedPrefixes =
    [
        "LD_", "DOTNET_", "CORECLR_", "COMPLUS_", "CORE_", "MONO_", "PYTHON", "PERL5", "RUBY", "NODE_", "JAVA_",
        "_JAVA_", "JDK_", "MALLOC_", "GLIBC_", "BASH_FUNC_",
    ];

    /// <summary>Whole names (compared ignoring case) denied for the same reason.</summary>
    public static readonly IReadOnlyList<string> DeniedNames =
    [
        "PATH", "BASH_ENV", "ENV", "SHELLOPTS", "PS4", "IFS", "CDPATH", "GCONV_PATH", "HOSTALIASES", "LOCALDOMAIN",
        "RES_OPTIONS", "NLSPATH", "PERLLIB", "GEM_PATH", "GEM_HOME", "CLASSPATH", "OPENSSL_CONF", "OPENSSL_ENGINES",
        "SSL_CERT_FILE", "SSL_CERT_DIR", "TMPDIR", "HOME",
    ];

    /// <summary>The policy used when none is configured: every name that is not denied.</summary>
    public static EnvironmentPolicy Default { get; } = new();

    /// <summary>
    /// Names or patterns (a trailing <c>*</c> matches any rest) a variable must match. A name written out exactly
    /// here is accepted even when it is on the deny list (the operator's explicit choice, e.g. <c>DOTNET_gcServer</c>).
    /// </summary>
    public IReadOnlyList<string> Allowed { get; init; } = ["*"];

    /// <summary>Null when <paramref name="env"/> may be given to a component; else why not, naming the variable.</summary>
    public string? Check(IReadOnlyDictionary<string, string>? env)
    {
        if (env is null || env.Count == 0)
        {
            return null;
        }

        if (env.Count > MaxVariables)
        {
            return $"{env.Count} environment variables, more than {MaxVariables}";
        }

        var total = 0;
        foreach (var (name, value) in env)
        {
            if (!IsAllowed(name, out var error))
            {
                return error;
            }

            var bytes = Encoding.UTF8.GetByteCount(value ?? "");
            if (value is null || bytes > MaxValueBytes || value.Contains('\0', StringComparison.Ordinal))
            {
                return $"environment variable '{name}': its value is null, holds NUL or is {bytes} bytes (at most {MaxValueBytes})";
            }

            total += name.Length + bytes;
        }

        return total > MaxTotalBytes ? $"environment is {total} bytes, more than {MaxTotalBytes}" : null;
    }

    /// <summary>True when <paramref name="name"/> may be set; otherwise <paramref name="error"/> says why.</summary>
    public bool IsAllowed(string? name, [NotNullWhen(false)] out string? error)
    {
        if (!IsPortableName(name))
        {
            var shown = name is null ? "(null)" : name.Length > 64 ? name[..64] + "…" : name;
            error = $"environment variable name '{Printable(shown)}' is not [A-Za-z_][A-Za-z0-9_]* of at most {MaxNameLength} characters";
            return false;
        }

        if (Allowed.Contains(name, StringComparer.Ordinal))
        {
            error = null;
            return true;
        }

        if (IsDenied(name))
        {
            error = $"environment variable '{name}' is denied: it changes how the loader, a runtime or a shell loads code (allow it by name in the operator's environment allow-list if it must be set)";
            return false;
        }

        if (!Allowed.Any(p => p == "*" || (p.EndsWith('*') && name.StartsWith(p[..^1], StringComparison.Ordinal))))
        {
            error = $"environment variable '{name}' is not on the allow-list ({string.Join(", ", Allowed)})";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>True for a variable on the built-in deny list.</summary>
    public static bool IsDenied(string name) =>
        DeniedNames.Contains(name, StringComparer.OrdinalIgnoreCase)
        || DeniedPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>The same variables with every value replaced, for anything that shows a request back to a caller.</summary>
    public static IReadOnlyDictionary<string, string> Redact(IReadOnlyDictionary<string, string>? env) =>
        env is null || env.Count == 0
            ? new Dictionary<string, string>()
            : env.ToDictionary(kv => kv.Key, _ => Redacted, StringComparer.Ordinal);

    /// <summary>What a redacted value reads as.</summary>
    public const string Redacted = "(redacted)";

    private static bool IsPortableName([NotNullWhen(true)] string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static string Printable(string s) =>
        string.Concat(s.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
