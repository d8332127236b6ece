namespace Explant.Core.Demo;

/// <summary>
/// What `--demo` (web) and `--demo` / `demo seed` (CLI) change in the configuration. The demo has its own SQLite file
/// in this clone (<see cref="DatabasePath"/>), never the file or server real data lives in, so two clones never share a
/// demo and a demo never writes into real data. It runs in the demo hospital's zone (the web and the CLI show the same
/// times) with fictional phone numbers (allowed only here, see <see cref="Data.HospitalContact"/>).
/// </summary>
public static class DemoSettings
{
    public const string TimeZone = "America/Chicago";

    /// <summary>
    /// `.demo/explant-demo.db` in the clone the program was built from (the folder holding Explant.slnx above the
    /// program's own folder); a published build without the solution uses the user's data folder.
    /// </summary>
    public static string DatabasePath
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Explant.slnx")))
                {
                    return Path.Combine(dir.FullName, ".demo", "explant-demo.db");
                }
            }
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
                "explant", "demo", "explant-demo.db");
        }
    }

    /// <summary>Added last to the configuration, so they win over files and environment variables.</summary>
    public static IReadOnlyDictionary<string, string?> Values => new Dictionary<string, string?>
    {
        ["Hospital:Demo"] = "true",
        ["Hospital:Name"] = "Explant demo hospital",
        ["Hospital:TimeZone"] = TimeZone,
        // 555-0100…0199 numbers are reserved for fiction in North America: obviously not a real hospital's line.
        ["Hospital:PhoneDay"] = "+1 312 555 0142",
        ["Hospital:PhoneOutOfHours"] = "+1 312 555 0199",
        ["Database:Provider"] = "Sqlite",
        ["ConnectionStrings:Explant"] = "",
        ["Database:ConnectionString"] = "",
        ["Database:SqlitePath"] = DatabasePath,
    };
}
