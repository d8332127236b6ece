namespace Explant.Core.Auth;

/// <summary>The clinical roles (README, "Who may write what"). Role names are stored lower-case.</summary>
public static class Roles
{
    public const string Surgeon = "surgeon";
    public const string Anesthesiologist = "anesthesiologist";
    public const string Nurse = "nurse";
    public const string Scheduler = "scheduler";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Surgeon, Anesthesiologist, Nurse, Scheduler, Admin];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);
}

/// <summary>Named authorization policies; every endpoint names one of these (deny by default otherwise).</summary>
public static class Policies
{
    /// <summary>Any signed-in member of staff in one of the known roles.</summary>
    public const string Staff = "staff";
    public const string Admin = "admin";
}
