namespace Explant.Web.Tests.Infrastructure;

internal static class TestFiles
{
    public static string Seed => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "procedures", "22852-removal-of-posterior-segmental-instrumentation.txt"));

    /// <summary>The repository's root (where Explant.slnx is), for tests that write files the repository keeps.</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Explant.slnx")))
            {
                dir = dir.Parent;
            }
            return dir?.FullName ?? throw new InvalidOperationException("Explant.slnx not found above " + AppContext.BaseDirectory);
        }
    }
}
