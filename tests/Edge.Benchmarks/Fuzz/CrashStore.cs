using System.Security.Cryptography;
using System.Text;

namespace Edge.Benchmarks.Fuzz;

/// <summary>
/// Writes the first input of each distinct crash (signature = target, kind and the first line of the detail,
/// values blanked) to <c>{directory}/{target}-{hash}.input</c> with the detail beside it in <c>.txt</c>.
/// </summary>
internal sealed class CrashStore(string directory)
{
    private readonly Lock _gate = new();

    public string Save(string target, FuzzOutcome crash, byte[] input, IReadOnlyList<byte[]> recent)
    {
        var firstLine = (crash.Crash ?? "").Split('\n')[0];
        var signature = OutcomeClass.Of(crash.Class, firstLine);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(target + signature)))[..12];
        var stem = Path.Combine(directory, $"{Safe(target)}-{hash}");
        lock (_gate)
        {
            if (!File.Exists(stem + ".txt"))
            {
                Directory.CreateDirectory(directory);
                File.WriteAllBytes(stem + ".input", input);
                var text = new StringBuilder()
                    .AppendLine($"target: {target}")
                    .AppendLine($"class: {crash.Class}")
                    .AppendLine($"input: {Path.GetFileName(stem)}.input ({input.Length} bytes)")
                    .AppendLine($"recent inputs before it: {recent.Count} (first 200 bytes each below)")
                    .AppendLine()
                    .AppendLine(crash.Crash);
                foreach (var earlier in recent)
                {
                    text.AppendLine("--- " + Encoding.UTF8.GetString(earlier, 0, Math.Min(200, earlier.Length)));
                }

                File.WriteAllText(stem + ".txt", text.ToString());
            }
        }

        return signature;
    }

    private static string Safe(string name) =>
        string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '_'));
}
