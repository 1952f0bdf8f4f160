namespace Research.Data.Warehouse;

/// <summary>A dataset that has never been published under the warehouse root.</summary>
public sealed class DatasetNotFoundException : Exception
{
    public DatasetNotFoundException()
    {
    }

    public DatasetNotFoundException(string message)
        : base(message)
    {
    }

    public DatasetNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DatasetNotFoundException(string dataset, string root)
        : base($"Dataset '{dataset}' does not exist in the warehouse at {root}; 'research sync --full-sync --dataset ...' creates it.")
    {
    }
}
