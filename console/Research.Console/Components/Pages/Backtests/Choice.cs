namespace Research.Console.Components.Pages.Backtests;

/// <summary>An option of a drop-down: the text shown and the value bound.</summary>
public sealed record Choice<T>(string Text, T Value);
