namespace Edge.Benchmarks.Fuzz;

/// <summary>Stacks one to four mutations on a corpus entry: mostly JSON-aware when the entry parses, else byte-level.</summary>
internal static class FuzzMutator
{
    /// <summary>Largest input handed to an entry point (past every payload limit, so "oversized" is exercised).</summary>
    public const int MaxInputBytes = 3 * 1024 * 1024;

    public static byte[] Next(FuzzCorpus corpus, Random random)
    {
        var input = corpus.Pick(random);
        var rounds = 1 + random.Next(4);
        if (random.Next(10) < 7 && JsonTree.TryParse(input) is { } tree)
        {
            for (var i = 0; i < rounds; i++)
            {
                JsonMutations.Mutate(tree, random, corpus.Entries);
            }

            input = tree.ToUtf8();
        }
        else
        {
            for (var i = 0; i < rounds; i++)
            {
                input = ByteMutations.Mutate(input, random, corpus.Entries);
            }
        }

        return input.Length <= MaxInputBytes ? input : input[..MaxInputBytes];
    }
}
