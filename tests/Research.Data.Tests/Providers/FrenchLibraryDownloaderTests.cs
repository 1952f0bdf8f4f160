using System.Net;
using System.Net.Sockets;
using Research.Data.Providers.FamaFrench;
using Research.Data.Sync;
using Research.Data.Tests.Warehouse;
using Research.Testing;

namespace Research.Data.Tests.Providers;

/// <summary>The library download path, against a local HTTP server that serves the recorded 2025-10 library files.</summary>
public sealed class FrenchLibraryDownloaderTests
{
    private static string October => Path.Combine(TestEnvironment.RequireRealData(), "french", "202510");

    /// <summary>Serves files from a folder (404 for anything else) until disposed.</summary>
    private sealed class FileServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;

        public FileServer(string folder, Func<string, byte[], byte[]>? tamper = null)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            BaseUri = new Uri($"http://127.0.0.1:{port}/ftp/");
            _listener.Prefixes.Add(BaseUri.ToString());
            _listener.Start();
            _loop = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await _listener.GetContextAsync();
                    }
                    catch (HttpListenerException)
                    {
                        return;
                    }
                    catch (ObjectDisposedException)
                    {
                        return;
                    }

                    var name = Path.GetFileName(context.Request.Url!.AbsolutePath);
                    var file = Path.Combine(folder, name);
                    if (File.Exists(file))
                    {
                        var bytes = File.ReadAllBytes(file);
                        bytes = tamper?.Invoke(name, bytes) ?? bytes;
                        context.Response.ContentLength64 = bytes.Length;
                        await context.Response.OutputStream.WriteAsync(bytes);
                    }
                    else
                    {
                        context.Response.StatusCode = 404;
                    }

                    context.Response.Close();
                }
            });
        }

        public Uri BaseUri { get; }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
    }

    [Fact]
    public async Task Downloaded_library_files_sync_to_the_same_bytes_as_the_files_on_disk_and_missing_ones_are_reported()
    {
        using var server = new FileServer(October);
        using var http = new HttpClient();
        using var downloads = TestEnvironment.CreateTempDirectory("ff-download");
        var missing = await new FrenchLibraryDownloader(http) { BaseUri = server.BaseUri }
            .DownloadAsync(FrenchFilesSyncSource.LibraryFiles, downloads.Path, null, TestContext.Current.CancellationToken);
        Assert.Contains("30_Industry_Portfolios", missing);
        Assert.DoesNotContain("F-F_Research_Data_Factors_daily", missing);
        Assert.Empty(Directory.EnumerateFiles(downloads.Path, ".download-*"));

        using var w = new TestWarehouse();
        var manager = new SyncManager(w.Layout, w.Clock);
        var fromDownload = await manager.SyncAsync("famafrench/factors_daily", SyncMode.Full, new FrenchFilesSyncSource(downloads.Path), "tests");
        w.Clock.Advance(TimeSpan.FromMinutes(1));
        var fromDisk = await manager.SyncAsync("famafrench/factors_daily", SyncMode.Full, new FrenchFilesSyncSource(October), "tests");
        Assert.Equal(fromDisk.Manifest.Files.Select(f => f.Sha256), fromDownload.Manifest.Files.Select(f => f.Sha256));
    }

    [Fact]
    public async Task A_truncated_download_is_an_error_naming_the_url_and_leaves_no_file()
    {
        using var server = new FileServer(October, (name, bytes) => name.StartsWith("F-F_Momentum", StringComparison.Ordinal) ? bytes[..(bytes.Length / 3)] : bytes);
        using var http = new HttpClient();
        using var downloads = TestEnvironment.CreateTempDirectory("ff-download-bad");
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => new FrenchLibraryDownloader(http) { BaseUri = server.BaseUri }
            .DownloadAsync(["F-F_Momentum_Factor_daily"], downloads.Path, null, TestContext.Current.CancellationToken));
        Assert.Contains(server.BaseUri + "F-F_Momentum_Factor_daily_CSV.zip", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(downloads.Path));
    }
}
