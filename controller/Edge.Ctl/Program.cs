namespace Edge.Ctl;

internal static class Program
{
    public static int Main() => 0;
}
