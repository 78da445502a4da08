using Microsoft.Playwright;

namespace Hoard.Samples.Movies.Tests.Infrastructure;

/// <summary>
/// Screenshots taken by the browser tests: always into the test output (<c>screenshots/</c>), and into the
/// repository's <c>docs/images/</c> only when <c>HOARD_UPDATE_SCREENSHOTS=1</c>, so a CI run never changes
/// the work tree.
/// </summary>
public static class Screenshots
{
    public const string UpdateVariable = "HOARD_UPDATE_SCREENSHOTS";

    public static async Task<string> SaveAsync(IPage page, string fileName)
    {
        ArgumentNullException.ThrowIfNull(page);
        string directory = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, fileName);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            string docs = Path.Combine(RepositoryPaths.Root, "docs", "images");
            Directory.CreateDirectory(docs);
            File.Copy(path, Path.Combine(docs, fileName), overwrite: true);
        }
        return path;
    }
}
