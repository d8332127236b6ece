using System.Text.Json;
using Explant.Cli;

namespace Explant.Core.Tests.Cli;

/// <summary>`udi parse`, `demo seed`, `case show`, `procedure import/list/show` and `users add` on a real SQLite file.</summary>
public sealed class PathwayCliTests() : CliHarness("explant-cli-db-")
{
    [Fact]
    public async Task Udi_parse_prints_the_fields_as_json()
    {
        var (exit, output, error) = await Run("udi", "parse", "(01)09504000059118(17)141120(10)7654321D(21)10987654d321", "--json");
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        var json = JsonDocument.Parse(output).RootElement;
        Assert.Equal("09504000059118", json.GetProperty("gtin").GetString());
        Assert.Equal("2014-11-20", json.GetProperty("expirationDate").GetString());
        Assert.Equal("7654321D", json.GetProperty("lot").GetString());
        Assert.Equal("10987654d321", json.GetProperty("serial").GetString());
    }

    [Fact]
    public async Task Udi_parse_of_a_bad_check_digit_exits_2_naming_the_position()
    {
        var (exit, output, error) = await Run("udi", "parse", "(01)09504000059119", "--json");
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("position 18", error, StringComparison.Ordinal);
        Assert.Contains("check digit", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_seed_then_case_show_reports_the_partial_removal_case()
    {
        var seed = await Run("demo", "seed");
        Assert.Equal(0, seed.Exit);
        Assert.Contains("demo patients created: 6", seed.Out, StringComparison.Ordinal);
        Assert.Equal(5, seed.Out.Split('\n').Count(l => l.Contains("@demo.explant.local", StringComparison.Ordinal)));

        var again = await Run("demo", "seed");
        Assert.Contains("demo patients already present", again.Out, StringComparison.Ordinal);

        var show = await Run("case", "show", "4", "--json");
        Assert.Equal(0, show.Exit);
        var view = JsonDocument.Parse(show.Out).RootElement;
        Assert.Equal("Consented", view.GetProperty("state").GetString());
        Assert.False(view.GetProperty("plan").GetProperty("removeAll").GetBoolean());
        Assert.Equal(1, view.GetProperty("plan").GetProperty("components").EnumerateArray().Count(c => c.GetProperty("planned").GetBoolean()));
        Assert.True(view.GetProperty("consentValid").GetBoolean());

        var text = await Run("case", "show", "2");
        Assert.Equal(0, text.Exit);
        Assert.Contains("infection (T84.63XA)", text.Out, StringComparison.Ordinal);

        var missing = await Run("case", "show", "999");
        Assert.Equal(1, missing.Exit);
        Assert.Contains("case 999 not found", missing.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_list_and_show_keep_versions()
    {
        Assert.Equal(0, (await Run("db", "migrate")).Exit);
        var import = await Run("procedure", "import", TestFiles.SeedPath, "--json");
        Assert.Equal(0, import.Exit);
        Assert.Equal("created", JsonDocument.Parse(import.Out).RootElement.GetProperty("status").GetString());
        var same = await Run("procedure", "import", TestFiles.SeedPath, "--json");
        Assert.Equal("unchanged", JsonDocument.Parse(same.Out).RootElement.GetProperty("status").GetString());

        var changed = Path.Combine(Dir, "changed.txt");
        await File.WriteAllTextAsync(changed, TestFiles.Seed.Replace("Blood loss", "Blood loss needing transfusion", StringComparison.Ordinal));
        var second = JsonDocument.Parse((await Run("procedure", "import", changed, "--json")).Out).RootElement;
        Assert.Equal(2, second.GetProperty("version").GetInt32());

        var list = JsonDocument.Parse((await Run("procedure", "list", "--json")).Out).RootElement;
        Assert.Equal(2, list.EnumerateArray().Single().GetProperty("version").GetInt32());
        var v1 = JsonDocument.Parse((await Run("procedure", "show", "22852", "--version", "1", "--json")).Out).RootElement;
        Assert.Contains("blood-loss", v1.GetProperty("procedure").GetProperty("facts").GetProperty("risks").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(1, (await Run("procedure", "show", "22999")).Exit);
    }

    [Fact]
    public async Task Users_add_generates_a_password_once_and_refuses_unknown_roles()
    {
        var added = await Run("users", "add", "--email", "a@b.org", "--role", "surgeon");
        Assert.Equal(0, added.Exit);
        Assert.Contains("password: ", added.Out, StringComparison.Ordinal);
        var duplicate = await Run("users", "add", "--email", "a@b.org", "--role", "surgeon");
        Assert.Equal(1, duplicate.Exit);
        var badRole = await Run("users", "add", "--email", "c@b.org", "--role", "janitor");
        Assert.Equal(2, badRole.Exit);
        Assert.Contains("--role", badRole.Err, StringComparison.Ordinal);
    }
}

/// <summary>`case transition`: a refused step exits 1 naming its rule; an allowed one moves the case.</summary>
public sealed class CaseTransitionCliTests() : CliHarness("explant-cli-transition-")
{
    [Fact]
    public async Task Refused_transition_exits_1_with_the_rule_and_an_allowed_one_moves_the_case()
    {
        Assert.Equal(0, (await Run("demo", "seed")).Exit);

        var wrongRole = await Run("case", "transition", "1", "Assess", "--user", "nurse@demo.explant.local");
        Assert.Equal(1, wrongRole.Exit);
        Assert.Contains("refused (role:Assess)", wrongRole.Err, StringComparison.Ordinal);

        var notInTable = await Run("case", "transition", "1", "Schedule", "--user", "scheduler@demo.explant.local");
        Assert.Equal(1, notInTable.Exit);
        Assert.Contains("refused (transition:Schedule)", notInTable.Err, StringComparison.Ordinal);

        // Demo case 5 is Scheduled: check-in is the theatre's step with the wristband, never a bare transition (issue #12 §1).
        var systemStep = await Run("case", "transition", "5", "CheckIn", "--user", "nurse@demo.explant.local");
        Assert.Equal(1, systemStep.Exit);
        Assert.Contains("refused (transition:CheckIn:system-step)", systemStep.Err, StringComparison.Ordinal);
        Assert.Contains("case 5: Scheduled", (await Run("case", "show", "5")).Out.Replace("  ", " ", StringComparison.Ordinal).Replace("case 5 Scheduled", "case 5: Scheduled", StringComparison.Ordinal), StringComparison.Ordinal);

        var guarded = await Run("case", "transition", "4", "AttestReady", "--user", "nurse@demo.explant.local");
        Assert.Equal(1, guarded.Exit);
        Assert.Contains("readiness has", guarded.Err, StringComparison.Ordinal);

        var ok = await Run("case", "transition", "1", "Assess", "--user", "surgeon@demo.explant.local");
        Assert.Equal(0, ok.Exit);
        Assert.Contains("case 1: Assessed", ok.Out, StringComparison.Ordinal);

        Assert.Equal(2, (await Run("case", "transition", "1", "Fly", "--user", "surgeon@demo.explant.local")).Exit);
        var longReason = await Run("case", "transition", "2", "Postpone", "--user", "surgeon@demo.explant.local", "--reason", new string('x', 5000));
        Assert.Equal(2, longReason.Exit);
        Assert.Contains("--reason: at most 4000 characters", longReason.Err, StringComparison.Ordinal);
        Assert.Equal(2, (await Run("case", "transition", "1", "Assess", "--user", "nobody@x.org")).Exit);
    }

    [Fact]
    public async Task A_stale_revision_exits_1_naming_optimistic_concurrency_and_changes_nothing()
    {
        Assert.Equal(0, (await Run("demo", "seed")).Exit);
        var revision = JsonDocument.Parse((await Run("case", "show", "1", "--json")).Out).RootElement.GetProperty("revision").GetInt64();

        var stale = await Run("case", "transition", "1", "Assess", "--user", "surgeon@demo.explant.local", "--revision", (revision + 3).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, stale.Exit);
        Assert.Equal("", stale.Out);
        Assert.Contains("refused (optimistic-concurrency)", stale.Err, StringComparison.Ordinal);
        Assert.Contains("has changed", stale.Err, StringComparison.Ordinal);
        Assert.Equal("Referred", JsonDocument.Parse((await Run("case", "show", "1", "--json")).Out).RootElement.GetProperty("state").GetString());

        var malformed = await Run("case", "transition", "1", "Assess", "--user", "surgeon@demo.explant.local", "--revision", "abc");
        Assert.Equal(2, malformed.Exit);
        Assert.Contains("--revision", malformed.Err, StringComparison.Ordinal);

        var current = await Run("case", "transition", "1", "Assess", "--user", "surgeon@demo.explant.local", "--revision", revision.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0, current.Exit);
        Assert.Contains("case 1: Assessed", current.Out, StringComparison.Ordinal);
    }
}

/// <summary>`users password`, `users disable` and `users list` (issue #16 §2).</summary>
public sealed class UserAdminCliTests() : CliHarness("explant-cli-users-")
{
    [Fact]
    public async Task Password_is_generated_once_or_taken_and_checked_against_the_rules()
    {
        Assert.Equal(0, (await Run("users", "add", "--email", "n@b.org", "--role", "nurse", "--password", "Initial-password-1")).Exit);

        var generated = await Run("users", "password", "--email", "n@b.org");
        Assert.Equal(0, generated.Exit);
        var line = Assert.Single(generated.Out.Split('\n'), l => l.StartsWith("password: ", StringComparison.Ordinal));
        Assert.Equal(20, line["password: ".Length..].Split(' ')[0].Length);

        var given = await Run("users", "password", "--email", "N@B.ORG", "--password", "Another-password-2");
        Assert.Equal(0, given.Exit);
        Assert.DoesNotContain("password: ", given.Out, StringComparison.Ordinal);
        Assert.Contains("revoked", given.Out, StringComparison.Ordinal);

        var tooShort = await Run("users", "password", "--email", "n@b.org", "--password", "short");
        Assert.Equal(2, tooShort.Exit);
        Assert.StartsWith("--password:", tooShort.Err, StringComparison.Ordinal);
        Assert.Contains("12", tooShort.Err, StringComparison.Ordinal);

        var unknown = await Run("users", "password", "--email", "nobody@b.org");
        Assert.Equal(1, unknown.Exit);
        Assert.Contains("no account with e-mail 'nobody@b.org'", unknown.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disable_marks_the_account_and_list_shows_roles_and_status()
    {
        Assert.Equal(0, (await Run("users", "add", "--email", "s@b.org", "--role", "surgeon")).Exit);
        Assert.Equal(0, (await Run("users", "add", "--email", "a@b.org", "--role", "admin")).Exit);
        // The CLI applies the web app's password rules too.
        Assert.Equal(2, (await Run("users", "add", "--email", "x@b.org", "--role", "nurse", "--password", "Short-1")).Exit);

        var disabled = await Run("users", "disable", "--email", "s@b.org");
        Assert.Equal(0, disabled.Exit);
        Assert.Contains("disabled s@b.org", disabled.Out, StringComparison.Ordinal);
        Assert.Equal(1, (await Run("users", "disable", "--email", "nobody@b.org")).Exit);

        var list = await Run("users", "list", "--json");
        Assert.Equal(0, list.Exit);
        var rows = JsonDocument.Parse(list.Out).RootElement.EnumerateArray().ToList();
        Assert.Equal(["a@b.org", "s@b.org"], rows.Select(r => r.GetProperty("email").GetString()));
        Assert.False(rows[0].GetProperty("disabled").GetBoolean());
        Assert.True(rows[1].GetProperty("disabled").GetBoolean());
        Assert.Equal("surgeon", Assert.Single(rows[1].GetProperty("roles").EnumerateArray()).GetString());

        var text = await Run("users", "list");
        Assert.Contains("disabled", text.Out.Split('\n').Single(l => l.StartsWith("s@b.org", StringComparison.Ordinal)), StringComparison.Ordinal);
    }
}
