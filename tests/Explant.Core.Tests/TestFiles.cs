namespace Explant.Core.Tests;

internal static class TestFiles
{
    public static string ProceduresDir => Path.Combine(AppContext.BaseDirectory, "procedures");
    public static string SeedPath => Path.Combine(ProceduresDir, "22852-removal-of-posterior-segmental-instrumentation.txt");
    public static string Seed => File.ReadAllText(SeedPath);
}
