using Explant.Core.Readiness;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Explant.Core.Tests.Readiness;

/// <summary>
/// Properties of the readiness windows: postponing surgery never makes stale evidence valid again (Expired never
/// becomes Met), checked on <see cref="ReadinessEngine.Window"/> and through the whole engine for the H&amp;P item;
/// plus the hold arithmetic and the real-hours fasting promise for arbitrary dates.
/// </summary>
public sealed class ReadinessProperties
{
    private static readonly DateOnly Base = new(2026, 1, 1);

    /// <summary>A result taken on <see cref="Taken"/>, a window, and a surgery moved from <see cref="First"/> to the later <see cref="Second"/>.</summary>
    public sealed record Postponement(DateOnly Taken, int WindowDays, DateOnly First, DateOnly Second);

    private static Gen<Postponement> Postponements() =>
        from takenOffset in Gen.Choose(0, 1000)
        from window in Gen.Frequency((1, Gen.Choose(0, 3)), (4, Gen.Choose(1, 120)), (1, Gen.Elements(30, 90)))
        // Often near the boundary, where it matters.
        from firstAfterTaken in Gen.Frequency((3, Gen.Choose(-5, 200)), (2, Gen.Choose(window - 2, window + 2)))
        from delay in Gen.Frequency((1, Gen.Constant(0)), (2, Gen.Choose(1, 5)), (3, Gen.Choose(1, 400)))
        let taken = Base.AddDays(takenOffset)
        let first = taken.AddDays(firstAfterTaken)
        select new Postponement(taken, window, first, first.AddDays(delay));

    [Property(MaxTest = 1000)]
    public Property Window_moving_surgery_later_never_turns_expired_into_met() =>
        Prop.ForAll(Arb.From(Postponements()), p =>
        {
            var before = ReadinessEngine.Window(p.Taken, p.First, p.WindowDays, out var firstDate);
            var after = ReadinessEngine.Window(p.Taken, p.Second, p.WindowDays, out var secondDate);
            if (before == ItemStatus.Expired)
            {
                Assert.NotEqual(ItemStatus.Met, after);
                Assert.Equal(ItemStatus.Expired, after);
                // The expiry date is a fact of the evidence, not of the surgery date.
                Assert.Equal(firstDate, secondDate);
                Assert.True(secondDate < p.Second);
            }
        });

    [Property(MaxTest = 1000)]
    public Property Window_status_is_met_exactly_when_taken_within_window_days_on_or_before_surgery() =>
        Prop.ForAll(Arb.From(Postponements()), p =>
        {
            var status = ReadinessEngine.Window(p.Taken, p.First, p.WindowDays, out var date);
            var age = p.First.DayNumber - p.Taken.DayNumber;
            var expected = age < 0 ? ItemStatus.Missing : age <= p.WindowDays ? ItemStatus.Met : ItemStatus.Expired;
            Assert.Equal(expected, status);
            Assert.Equal(age < 0 ? p.First : p.Taken.AddDays(p.WindowDays), date);
        });

    /// <summary>Zones with clock changes at different hours, and both hemispheres.</summary>
    private static readonly TimeZoneInfo[] Zones =
    [
        TimeZoneInfo.FindSystemTimeZoneById("America/Chicago"),
        TimeZoneInfo.FindSystemTimeZoneById("Europe/London"),
        TimeZoneInfo.FindSystemTimeZoneById("Pacific/Auckland"),
        TimeZoneInfo.Utc,
    ];

    public sealed record EnginePostponement(Postponement P, TimeZoneInfo Zone, int FirstHour, int SecondHour)
    {
        public override string ToString() => $"{P} in {Zone.Id} at {FirstHour}:15 then {SecondHour}:15";
    }

    private static bool Exists(TimeZoneInfo zone, DateOnly date, int hour) => !zone.IsInvalidTime(date.ToDateTime(new TimeOnly(hour, 15)));

    private static Gen<EnginePostponement> EnginePostponements() =>
        (from p in Postponements()
         from zone in Gen.Elements(Zones)
         from h1 in Gen.Choose(0, 23)
         from h2 in Gen.Choose(0, 23)
         select new EnginePostponement(p, zone, h1, h2))
        .Where(e => Exists(e.Zone, e.P.First, e.FirstHour) && Exists(e.Zone, e.P.Second, e.SecondHour));

    [Property(MaxTest = 150)]
    public Property Engine_moving_surgery_later_never_turns_an_expired_HP_into_met() =>
        Prop.ForAll(Arb.From(EnginePostponements()), e =>
        {
            var rig = new ReadinessRig { Zone = e.Zone, Today = e.P.Taken };
            rig.Options.HistoryPhysicalWindowDays = e.P.WindowDays;
            rig.HistoryPhysical(e.P.Taken);
            rig.PlanSurgery(e.P.First, e.FirstHour, 15);
            var before = rig.Item("history-physical");
            Assert.Equal(ReadinessEngine.Window(e.P.Taken, e.P.First, e.P.WindowDays, out _), before.Status);
            rig.PlanSurgery(e.P.Second, e.SecondHour, 15);
            var after = rig.Item("history-physical");
            if (before.Status == ItemStatus.Expired)
            {
                Assert.NotEqual(ItemStatus.Met, after.Status);
                Assert.True(after.IsOpen);
                Assert.Equal(before.Date, after.Date);
            }
        });

    // ---- holds and fasting for arbitrary dates ---------------------------------------------------------

    private static readonly string[] HeldDrugs =
        ["warfarin", "apixaban", "Xarelto", "edoxaban", "clopidogrel", "ticagrelor", "prasugrel", "canagliflozin", "ertugliflozin",
         "metformin", "glipizide", "Ozempic", "Rybelsus", "Lovenox", "dabigatran"];

    [Property(MaxTest = 500)]
    public Property Last_dose_is_always_the_surgery_date_minus_omitted_days_plus_one() =>
        Prop.ForAll(Arb.From(
            from offset in Gen.Choose(-400, 4000)
            from drug in Gen.Elements(HeldDrugs)
            from crcl in Gen.Choose(5, 200)
            select (Surgery: Base.AddDays(offset), Drug: drug, CrCl: (decimal)crcl)), x =>
        {
            var h = HoldRules.For(x.Drug, x.Surgery, BleedRisk.High, x.CrCl, new ReadinessOptions());
            Assert.NotNull(h.OmittedDays);
            Assert.Equal(x.Surgery.AddDays(-(h.OmittedDays.Value + 1)), h.LastDoseDate);
            Assert.True(h.LastDoseDate < x.Surgery);
            Assert.False(h.NeedsReview);
        });

    [Property(MaxTest = 500)]
    public Property Every_fasting_line_is_its_hours_of_real_time_before_surgery() =>
        Prop.ForAll(Arb.From(
            (from day in Gen.Choose(0, 3 * 365)
             from minute in Gen.Choose(0, 24 * 60 - 1)
             from zone in Gen.Elements(Zones)
             select (Local: Base.AddDays(day).ToDateTime(TimeOnly.MinValue).AddMinutes(minute), Zone: zone))
            .Where(x => !x.Zone.IsInvalidTime(x.Local))), x =>
        {
            var surgeryUtc = Fasting.ToUtc(x.Local, x.Zone);
            foreach (var line in Fasting.Plan(x.Local, x.Zone, new ReadinessOptions(), 8))
            {
                var lastUtc = surgeryUtc.AddHours(-line.Hours);
                Assert.Equal(TimeZoneInfo.ConvertTimeFromUtc(lastUtc, x.Zone), line.LastIntakeLocal);
                Assert.True(line.Hours >= new ReadinessOptions().FastingHours[line.Category]);
            }
        });
}
