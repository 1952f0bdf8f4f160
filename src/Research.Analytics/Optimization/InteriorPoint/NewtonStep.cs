namespace Research.Analytics.Optimization.InteriorPoint;

/// <summary>A search direction: variables, lower and upper slacks, their multipliers, and the equality multipliers.</summary>
public sealed record NewtonStep(double[] Dx, double[] Dsl, double[] Dsu, double[] Dzl, double[] Dzu, double[] Dy);
