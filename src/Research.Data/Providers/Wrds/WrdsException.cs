namespace Research.Data.Providers.Wrds;

/// <summary>What went wrong talking to WRDS, so callers (and people) can act on it.</summary>
public enum WrdsErrorKind
{
    /// <summary>No usable credentials: none found, a file readable by others, a malformed file.</summary>
    Credentials,

    /// <summary>The server refused the user name or password.</summary>
    Authentication,

    /// <summary>The login waited for (or was refused by) Duo multi-factor approval.</summary>
    MultiFactor,

    /// <summary>The server could not be reached or did not answer in time.</summary>
    Unreachable,

    /// <summary>The table or view does not exist (or the subscription does not show it).</summary>
    MissingTable,

    /// <summary>The user may not read the table (not in the institution's subscription).</summary>
    Permission,

    /// <summary>The connection dropped during a query; worth retrying.</summary>
    ConnectionLost,

    /// <summary>The server reported an error while running the query.</summary>
    QueryFailed,

    /// <summary>The data did not have the expected shape (a column missing, a non-integral identifier).</summary>
    SchemaMismatch,
}

/// <summary>An error from the WRDS client with a message that names what failed and what to do. Never contains a password.</summary>
public sealed class WrdsException : Exception
{
    public WrdsException()
    {
    }

    public WrdsException(string message)
        : base(message)
    {
    }

    public WrdsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public WrdsException(WrdsErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    public WrdsErrorKind Kind { get; }

    /// <summary>Errors that a later attempt may not hit (a dropped connection, an unreachable server).</summary>
    public bool IsTransient => Kind is WrdsErrorKind.ConnectionLost or WrdsErrorKind.Unreachable;
}
