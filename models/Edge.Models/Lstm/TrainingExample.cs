namespace Edge.Models.Lstm;

/// <summary>One training example: the context of series <see cref="Series"/> ends just before sample <see cref="Cut"/>.</summary>
internal readonly record struct TrainingExample(int Series, int Cut);
