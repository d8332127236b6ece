namespace Explant.Web.Tests.Infrastructure;

internal static class TestFiles
{
    public static string Seed => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "procedures", "22852-removal-of-posterior-segmental-instrumentation.txt"));
}
