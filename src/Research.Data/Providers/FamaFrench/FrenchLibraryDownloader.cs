using System.Net;

namespace Research.Data.Providers.FamaFrench;

/// <summary>
/// Downloads Ken French data library files (<c>{name}_CSV.zip</c> under the library's ftp folder) into a local
/// folder for <see cref="FrenchFilesSyncSource"/>. Each file is written under a temporary name, checked by parsing
/// it (a truncated or corrupt download is an error naming the URL), then renamed; a file the library does not have
/// (HTTP 404) is skipped and reported, any other failure stops the download.
/// </summary>
public sealed class FrenchLibraryDownloader(HttpClient http)
{
    /// <summary>The library's download folder.</summary>
    public static Uri DefaultBaseUri { get; } = new("https://mba.tuck.dartmouth.edu/pages/faculty/ken.french/ftp/");

    public Uri BaseUri { get; init; } = DefaultBaseUri;

    /// <summary>Downloads <paramref name="baseNames"/> (e.g. <c>F-F_Research_Data_Factors_daily</c>) into <paramref name="folder"/>;
    /// returns the base names the library did not have.</summary>
    public async Task<IReadOnlyList<string>> DownloadAsync(IEnumerable<string> baseNames, string folder, IProgress<(string File, double Fraction)>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(baseNames);
        Directory.CreateDirectory(folder);
        var names = baseNames.ToList();
        var missing = new List<string>();
        for (var i = 0; i < names.Count; i++)
        {
            var fileName = names[i] + "_CSV.zip";
            progress?.Report((fileName, (double)i / names.Count));
            var uri = new Uri(BaseUri, fileName);
            using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                missing.Add(names[i]);
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"Downloading {uri} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
            }

            var target = Path.Combine(folder, fileName);
            var temp = Path.Combine(folder, ".download-" + fileName);
            var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None);
            await using (output.ConfigureAwait(false))
            {
                await response.Content.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                FrenchLibraryParser.ParseFile(temp);
            }
            catch (InvalidDataException e)
            {
                File.Delete(temp);
                throw new InvalidDataException($"The file downloaded from {uri} is not a readable library file: {e.Message}", e);
            }

            File.Move(temp, target, overwrite: true);
        }

        progress?.Report(("done", 1));
        return missing;
    }
}
