using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Procedures;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Explant.Core.Demo;

/// <summary>
/// Demo data: the shipped definitions and one account per role. Passwords are generated on every run and
/// printed by the caller; demo mode is the only place accounts are created without an administrator.
/// </summary>
public static class DemoSeed
{
    public const string EmailDomain = "demo.explant.local";

    /// <summary>Cohort years without `--years` / "Demo:Years", and the most allowed.</summary>
    public const int DefaultYears = DemoCohort.DefaultYears, MaxYears = DemoCohort.MaxYears;

    public sealed record Credential(string Role, string Email, string Password);

    /// <param name="CohortCases">Cases of the synthetic cohort created by this run (0 when it was present or left out).</param>
    public sealed record Report(IReadOnlyList<string> Procedures, IReadOnlyList<Credential> Users, int PatientsCreated, int CohortCases = 0);

    /// <param name="progress">Told what the seed is doing (the first start takes a while; people should see why).</param>
    /// <param name="years">Years of synthetic history (`demo seed --years N`); null: the setting "Demo:Years", else 2.</param>
    public static async Task<Report> RunAsync(IServiceProvider services, CancellationToken ct = default, Action<string>? progress = null, int? years = null)
    {
        progress ??= _ => { };
        years ??= YearsSetting(services.GetService<Microsoft.Extensions.Configuration.IConfiguration>()?["Demo:Years"]);
        progress($"Preparing the demo database: {Describe(services)}");
        await Migrator.MigrateAsync(services, ct);
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<ExplantDbContext>();
        var clock = sp.GetRequiredService<TimeProvider>();

        progress("Loading the shipped procedure definitions");
        var procedures = new List<string>();
        foreach (var shipped in ShippedProcedures.All())
        {
            var result = await ImportProcedure.Handle(new(shipped.Text, shipped.FileName), db, clock, "demo-seed", ct);
            procedures.Add(result switch
            {
                ImportProcedure.Result.Created c => $"{c.Definition.Code} v{c.Definition.Version} imported",
                ImportProcedure.Result.Unchanged u => $"{u.Definition.Code} v{u.Definition.Version} unchanged",
                ImportProcedure.Result.Invalid i => throw new InvalidOperationException(
                    $"shipped definition {shipped.FileName} is invalid: {string.Join("; ", i.Errors.Select(e => $"{e.Line}: {e.Message}"))}"),
                _ => throw new InvalidOperationException("unexpected import result"),
            });
        }

        progress("Creating one account per role");
        var users = sp.GetRequiredService<UserManager<ExplantUser>>();
        var roles = sp.GetRequiredService<RoleManager<IdentityRole>>();
        var credentials = new List<Credential>();
        foreach (var role in Roles.All)
        {
            var email = $"{role}@{EmailDomain}";
            var password = AddUser.GeneratePassword();
            var existing = await users.FindByEmailAsync(email);
            if (existing is null)
            {
                var created = await AddUser.Handle(new(email, role, password, $"Demo {role}"), users, roles);
                if (created is AddUser.Result.Rejected r)
                {
                    throw new InvalidOperationException($"demo user {email}: {r.Message}");
                }
            }
            else
            {
                // Reset so the printed password is the one that works, without ever storing it anywhere.
                await users.RemovePasswordAsync(existing);
                var reset = await users.AddPasswordAsync(existing, password);
                if (!reset.Succeeded)
                {
                    throw new InvalidOperationException($"demo user {email}: {string.Join("; ", reset.Errors.Select(e => e.Description))}");
                }
            }
            credentials.Add(new Credential(role, email, password));
        }
        progress("Adding the demo patients");
        var patients = await DemoPathway.SeedAsync(db, sp.GetRequiredService<Readiness.ReadinessService>(), sp.GetRequiredService<HospitalTime>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Scheduling.SchedulingOptions>>().Value, $"{Roles.Surgeon}@{EmailDomain}", ct);
        // A synthetic two-year history for the dashboard (see DemoCohort for every assumption); skipped when present.
        // "Demo:Cohort=false" leaves it out (a few seconds on SQLite), e.g. for tests that only need the demo patients.
        var cohortCases = 0;
        if (!string.Equals(sp.GetService<Microsoft.Extensions.Configuration.IConfiguration>()?["Demo:Cohort"], "false", StringComparison.OrdinalIgnoreCase))
        {
            progress($"Adding the {years}-year demo cohort (skipped when present; a few seconds per year the first time)");
            cohortCases = await DemoCohort.SeedAsync(sp, $"{Roles.Surgeon}@{EmailDomain}", years.Value, ct);
        }
        return new Report(procedures, credentials, patients, cohortCases);
    }

    /// <summary>Parses the number of cohort years ("Demo:Years" or `--years`): a whole number from 1 to 50, default 2.</summary>
    public static int YearsSetting(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return DemoCohort.DefaultYears;
        }
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= DemoCohort.MaxYears
            ? n
            : throw new ValidationException(new Dictionary<string, string[]> { ["years"] = [$"'{text}' is not a whole number of years from 1 to {DemoCohort.MaxYears}"] });
    }

    /// <summary>Where the data goes, without the password of a PostgreSQL connection string.</summary>
    private static string Describe(IServiceProvider services)
    {
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DatabaseOptions>>().Value;
        if (options.Provider == DatabaseProvider.Postgres)
        {
            return "PostgreSQL (ConnectionStrings:Explant)";
        }
        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(options.ResolveConnectionString());
        return Path.GetFullPath(builder.DataSource);
    }
}
