using System.Globalization;
using System.Text;

namespace Edge.Ctl.Backtest;

/// <summary>A minimal SVG line chart: named polylines over shared axes, with a legend. No external dependency.</summary>
internal sealed class SvgChart(string title, string xLabel, string yLabel)
{
    private const int Width = 760;
    private const int Height = 420;
    private const int Left = 64;
    private const int Right = 170;
    private const int Top = 36;
    private const int Bottom = 48;

    private static readonly string[] Palette =
        ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#000000"];

    private readonly List<(string Name, IReadOnlyList<(double X, double Y)> Points, bool Markers)> _series = [];

    public double? MaxX { get; init; }

    public double? MaxY { get; init; }

    public void Add(string name, IReadOnlyList<(double X, double Y)> points, bool markers) =>
        _series.Add((name, points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList(), markers));

    public string Render()
    {
        var all = _series.SelectMany(s => s.Points).ToList();
        var minX = all.Count == 0 ? 0 : Math.Min(0, all.Min(p => p.X));
        var maxX = MaxX ?? (all.Count == 0 ? 1 : all.Max(p => p.X));
        var maxY = MaxY ?? (all.Count == 0 ? 1 : all.Max(p => p.Y));
        maxX = maxX <= minX ? minX + 1 : maxX;
        maxY = maxY <= 0 ? 1 : maxY * 1.05;
        double Px(double x) => Left + ((Math.Min(x, maxX) - minX) / (maxX - minX) * (Width - Left - Right));
        double Py(double y) => Height - Bottom - (Math.Min(y, maxY) / maxY * (Height - Top - Bottom));

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">{Escape(title)}</text>\n");
        Axes(svg, minX, maxX, maxY, Px, Py);
        for (var i = 0; i < _series.Count; i++)
        {
            var (name, points, markers) = _series[i];
            var color = Palette[i % Palette.Length];
            var path = string.Join(' ', points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{Px(p.X):F1},{Py(p.Y):F1}")));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\" points=\"{path}\"/>\n");
            if (markers)
            {
                foreach (var p in points)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{Px(p.X):F1}\" cy=\"{Py(p.Y):F1}\" r=\"2.5\" fill=\"{color}\"/>\n");
                }
            }

            var ly = Top + 10 + (i * 18);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Width - Right + 12}\" y1=\"{ly}\" x2=\"{Width - Right + 32}\" y2=\"{ly}\" stroke=\"{color}\" stroke-width=\"3\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right + 38}\" y=\"{ly + 4}\">{Escape(name)}</text>\n");
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private void Axes(StringBuilder svg, double minX, double maxX, double maxY, Func<double, double> px, Func<double, double> py)
    {
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Right}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>\n");
        for (var k = 0; k <= 5; k++)
        {
            var x = minX + ((maxX - minX) * k / 5);
            var y = maxY * k / 5;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{px(x):F1}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\">{Tick(x)}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{py(y) + 4:F1}\" text-anchor=\"end\">{Tick(y)}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{py(y):F1}\" x2=\"{Width - Right}\" y2=\"{py(y):F1}\" stroke=\"#eee\"/>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 10}\" text-anchor=\"middle\">{Escape(xLabel)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"16\" y=\"{(Top + Height - Bottom) / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {(Top + Height - Bottom) / 2})\">{Escape(yLabel)}</text>\n");
    }

    private static string Tick(double v) =>
        Math.Abs(v) >= 100 ? v.ToString("F0", CultureInfo.InvariantCulture) : v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
