namespace Research.Grains.Client;

/// <summary>Where the cluster keeps its membership, grain state and reminders.</summary>
public enum HostingProfile
{
    /// <summary>One local silo: localhost clustering, SQLite grain state under the data root, in-memory reminders.</summary>
    Development,

    /// <summary>ADO.NET clustering, grain state and reminders on PostgreSQL (<c>ConnectionStrings:Orleans</c>).</summary>
    Production,
}
