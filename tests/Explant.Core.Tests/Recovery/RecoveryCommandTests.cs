using Explant.Core.Cases;
using Explant.Core.Coding;
using Explant.Core.Data;
using Explant.Core.Recovery;
using Explant.Core.Tests.Cases;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Explant.Core.Tests.Recovery;

/// <summary>
/// The recovery commands refuse before touching the database: role first, then every malformed or oversized field of
/// the shared input record, named by its JSON property. The service here has no database at all, so a command that
/// got past its checks would fail with an ArgumentNullException (no database) instead of the expected refusal.
/// </summary>
public sealed class RecoveryCommandTests
{
    private static RecoveryService Service() => new(null!, Options.Create(new RecoveryOptions()), Options.Create(new OutcomeOptions()), new CodingOptions(),
        new HospitalTime(Options.Create(new HospitalOptions { TimeZone = "America/Chicago" }), new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 15, 0, 0, TimeSpan.Zero))));

    public static TheoryData<string> Writes => ["tick", "discharge", "visit", "missed", "close", "prom", "link", "complication"];

    private static Task Write(RecoveryService s, string write, CaseActor actor) => write switch
    {
        "tick" => s.Tick("1", null, new("Voiding"), actor),
        "discharge" => s.Discharge("1", null, new(null, null, null, null, null), actor),
        "visit" => s.Visit("1", null, new("2wk", null, "Healed", "Unchanged", null, null), actor),
        "missed" => s.Missed("1", null, new(null, "no answer"), actor),
        "close" => s.Close("1", null, actor),
        "prom" => s.RecordProm("1", new("baseline", 3, 3, null), actor),
        "link" => s.IssueLink("1", new("baseline"), actor),
        "complication" => s.RecordComplication("1", new("hematoma", "2026-03-01", "II", null, null), actor),
        _ => throw new ArgumentOutOfRangeException(nameof(write)),
    };

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task Scheduler_and_admin_are_refused_every_recovery_write_with_403(string write)
    {
        foreach (var actor in new[] { Actors.Scheduler, Actors.Admin, Actors.Nobody })
        {
            var e = await Assert.ThrowsAsync<DomainRuleException>(() => Write(Service(), write, actor));
            Assert.True(e.Forbidden, $"{write} by {actor.Name}: {e.Rule}");
            Assert.StartsWith("role:", e.Rule, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_anesthesiologist_records_complications_but_not_ward_records()
    {
        var s = Service();
        Assert.Equal("role:discharge", (await Assert.ThrowsAsync<DomainRuleException>(() => Write(s, "discharge", Actors.Anesthesiologist))).Rule);
        Assert.Equal("role:visit", (await Assert.ThrowsAsync<DomainRuleException>(() => Write(s, "visit", Actors.Anesthesiologist))).Rule);
        // Past the role check, the command reaches the (absent) database: the role was accepted.
        await Assert.ThrowsAsync<ArgumentNullException>(() => Write(s, "complication", Actors.Anesthesiologist));
    }

    [Theory]
    [InlineData("99")]
    [InlineData("1")]
    [InlineData("Healed,Healing")]
    [InlineData("Oozing")]
    public async Task Enums_are_accepted_by_name_only(string wound)
    {
        var e = await Assert.ThrowsAsync<ValidationException>(() => Service().Visit("1", null, new("2wk", null, wound, "Unchanged", null, null), Actors.Nurse));
        Assert.Equal(["wound"], e.Errors.Keys.ToArray());
    }

    [Theory]
    [InlineData("2026-13-01")]
    [InlineData("03/01/2026")]
    [InlineData("2026-03-01T10:00")]
    [InlineData("yesterday")]
    public async Task A_malformed_date_is_refused_naming_its_field(string date)
    {
        var s = Service();
        Assert.Equal(["date"], (await Assert.ThrowsAsync<ValidationException>(() => s.Discharge("1", null, new(date, null, null, null, null), Actors.Nurse))).Errors.Keys.ToArray());
        Assert.Equal(["date"], (await Assert.ThrowsAsync<ValidationException>(() => s.Missed("1", null, new(date, null), Actors.Nurse))).Errors.Keys.ToArray());
        Assert.Equal(["occurredOn"], (await Assert.ThrowsAsync<ValidationException>(() =>
            s.RecordComplication("1", new("hematoma", date, "II", null, null), Actors.Surgeon))).Errors.Keys.ToArray());
    }

    [Fact]
    public async Task Text_longer_than_its_limit_is_refused_naming_every_field()
    {
        var note = new string('x', Validation.InputLimits.Note + 1);
        var e = await Assert.ThrowsAsync<ValidationException>(() => Service().Discharge("1", null, new(null, note, note, note, null), Actors.Nurse));
        Assert.Equal(["activityLimits", "painPlan", "woundCare"], e.Errors.Keys.Order(StringComparer.Ordinal).ToArray());

        var code = new string('c', Validation.InputLimits.ShortText + 1);
        var visit = await Assert.ThrowsAsync<ValidationException>(() => Service().Visit("1", null, new(code, null, "Healed", "Unchanged", null, note), Actors.Nurse));
        Assert.Equal(["code", "note"], visit.Errors.Keys.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task A_complication_needs_its_date_grade_and_key_and_refuses_an_unknown_ssi_depth()
    {
        var e = await Assert.ThrowsAsync<ValidationException>(() => Service().RecordComplication("1", new(null, null, "IIIc", "Deep", null), Actors.Surgeon));
        Assert.Equal(["grade", "key", "occurredOn", "ssiDepth"], e.Errors.Keys.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void Form_answers_name_the_json_field_of_a_malformed_number_and_read_skip_as_unanswered()
    {
        var form = new Dictionary<string, string?> { ["backPain"] = "7", ["legPain"] = "skip", ["odi3"] = "three", ["odi4"] = "99999999999" };
        var e = Assert.Throws<ValidationException>(() => PromAnswers.FromForm(k => form.GetValueOrDefault(k)));
        Assert.Equal(["odi[3]", "odi[4]"], e.Errors.Keys.Order(StringComparer.Ordinal).ToArray());

        form.Remove("odi3");
        form["odi4"] = "2";
        var ok = PromAnswers.FromForm(k => form.GetValueOrDefault(k));
        Assert.Equal((7, (int?)null, 2), (ok.BackPain, ok.LegPain, ok.Odi![4]));
        Assert.Equal(10, ok.Odi.Count);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("on", true)]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void A_checkbox_reads_on_true_and_absent(string? value, bool expected) =>
        Assert.Equal(expected, DischargeInput.FromForm(k => k == "physioReferral" ? value : null).PhysioReferral);

    [Fact]
    public void A_checkbox_with_any_other_value_is_refused()
    {
        var e = Assert.Throws<ValidationException>(() => DischargeInput.FromForm(k => k == "physioReferral" ? "maybe" : null));
        Assert.Equal(["physioReferral"], e.Errors.Keys.ToArray());
    }
}
