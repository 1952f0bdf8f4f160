using Npgsql;
using Research.Grains.Abstractions;
using Research.Grains.Hosting;

namespace Research.Grains.Tests.Hosting;

/// <summary>Which exceptions reach a caller as they are, and what the others become.</summary>
public sealed class PortableErrorFilterTests
{
    [Fact]
    public void Runtime_Orleans_and_platform_exceptions_travel_and_a_drivers_does_not_even_when_wrapped()
    {
        Assert.True(PortableErrorFilter.Travels(new ArgumentException("from: bad date")));
        Assert.True(PortableErrorFilter.Travels(new InvalidDataException("checksum", new IOException("disk"))));
        Assert.True(PortableErrorFilter.Travels(new OrleansException("silo gone")));
        Assert.True(PortableErrorFilter.Travels(new PlatformException("x")));
        Assert.False(PortableErrorFilter.Travels(new NpgsqlException("connection refused")));
        Assert.False(PortableErrorFilter.Travels(new InvalidOperationException("query failed", new NpgsqlException("connection refused"))));
    }

    [Fact]
    public void The_replacement_names_the_original_type_and_keeps_its_message()
    {
        var replaced = new PlatformException(new NpgsqlException("connection refused"));
        Assert.Equal("NpgsqlException: connection refused", replaced.Message);
        Assert.Equal("Npgsql.NpgsqlException", replaced.Kind);
    }
}
