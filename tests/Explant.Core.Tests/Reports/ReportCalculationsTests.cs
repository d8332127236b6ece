using Explant.Core.Reports;

namespace Explant.Core.Tests.Reports;

/// <summary>Every report figure of <see cref="HandCohort"/>, computed by hand in the comments.</summary>
public sealed class ReportCalculationsTests
{
    private readonly ServiceReport report = HandCohort.Report();

    [Fact]
    public void Utilisation_is_actual_minutes_over_open_minutes_summed_per_room()
    {
        var u = report.Utilisation;
        // The OR2 day with nothing booked and nothing done is not a list day.
        Assert.Equal(3, u.Days.Count);
        var first = u.Days[0];
        Assert.Equal(("OR1", 300.0 / 480, 320.0 / 480), (first.RoomId, first.BookedShare!.Value, first.ActualShare!.Value));
        var or1 = u.Rooms.Single(r => r.RoomId == "OR1");
        // Σ 420 in-room ÷ Σ 720 open = 0.58333 (a mean of daily ratios would give 0.54167).
        Assert.Equal((2, 720, 390, 420), (or1.Days, or1.OpenMinutes, or1.BookedMinutes, or1.InRoomMinutes));
        Assert.Equal(420.0 / 720, or1.ActualShare!.Value, 10);
        Assert.Equal(390.0 / 720, or1.BookedShare!.Value, 10);
        var or2 = u.Rooms.Single(r => r.RoomId == "OR2");
        Assert.Equal((1, 0.125, 0.0), (or2.Days, or2.BookedShare, or2.ActualShare));
    }

    [Fact]
    public void Durations_compare_booked_with_actual_for_cases_with_both()
    {
        var d = report.Durations;
        // Cases 1 (+30), 2 (−10), 3 (+10); 4 has no OutOfRoom, 5 no booking.
        Assert.Equal([1, 2, 3], d.Rows.Select(r => r.CaseNumber));
        Assert.Equal([30, -10, 10], d.Rows.Select(r => r.DifferenceMinutes));
        // Sorted −10, 10, 30: Q1 = −10 + 0.5·20 = 0, median 10, Q3 = 10 + 0.5·20 = 20.
        Assert.Equal(new Spread(3, 0, 10, 20), d.Difference);
        Assert.Equal((2, 3), (d.Overran.Events, d.Overran.Total));
        Assert.Equal(50.0 / 3, d.MeanAbsoluteError!.Value, 10);
    }

    [Fact]
    public void Length_of_stay_is_placed_against_the_expected_range()
    {
        var s = report.Stay;
        Assert.Equal([StayPosition.Within, StayPosition.Above, StayPosition.Within, StayPosition.Below], s.Rows.Select(r => r.Position));
        // LOS 0, 1, 2, 5: Q1 = 0.75, median 1.5, Q3 = 2 + 0.25·3 = 2.75.
        Assert.Equal(new Spread(4, 0.75, 1.5, 2.75), s.Days);
        Assert.Equal((2, 4), (s.Within.Events, s.Within.Total));
        Assert.Equal((1, 1), (s.Below, s.Above));
        Assert.Equal([(0, 1), (1, 1), (2, 1), (5, 1)], s.Histogram);
    }

    [Fact]
    public void Complication_rates_count_cases_once_per_type_among_operated_cases_in_the_period()
    {
        var rates = report.Complications.ToDictionary(c => c.Key, c => c.Rate);
        // Case 2 has two infections (counted once); case 99 is outside the period.
        Assert.Equal((1, 5), (rates["infection"].Events, rates["infection"].Total));
        Assert.Equal((1, 5), (rates["hematoma"].Events, rates["hematoma"].Total));
        Assert.Equal((2, 5), (rates[ReportCalculations.AnyComplication].Events, rates[ReportCalculations.AnyComplication].Total));
        // Only case 2's IIIb is ≥ IIIa.
        Assert.Equal(1, rates[ReportCalculations.MajorComplication].Events);
        Assert.Equal(0.0362, rates["infection"].Lower, 4);
        Assert.Equal(0.6245, rates["infection"].Upper, 4);
        Assert.Equal(["hematoma", "infection", ReportCalculations.AnyComplication, ReportCalculations.MajorComplication], report.Complications.Select(c => c.Key));
    }

    [Fact]
    public void Prom_trajectories_give_median_iqr_and_mcid_share_per_time_point()
    {
        var points = report.Proms;
        Assert.Equal(["baseline", "6wk", "3mo"], points.Select(p => p.TimePoint));
        // Baseline ODI 20, 40, 50 → Q1 30, median 40, Q3 45; no MCID at baseline.
        Assert.Equal(new Spread(3, 30, 40, 45), points[0].Odi);
        Assert.Equal(0, points[0].OdiMcid.Total);
        // 3 months (case 2's later answer 35 replaces 20; case 99 excluded): 14, 30, 35, 60 → Q1 26, median 32.5, Q3 41.25.
        var m3 = points[2];
        Assert.Equal(new Spread(4, 26, 32.5, 41.25), m3.Odi);
        // Pairs with a baseline: 1 (50→30, 20 points: reached), 2 (40→35: 5 points, 12.5 %: not), 3 (20→14: 30 % exactly: reached).
        Assert.Equal((2, 3), (m3.OdiMcid.Events, m3.OdiMcid.Total));
        // Back NRS: 8→5 reached, 6→6 not, 4→3 (1 point, 25 %) not.
        Assert.Equal((1, 3), (m3.BackMcid.Events, m3.BackMcid.Total));
        // Back NRS at 3 months: 3, 5, 6, 7 → median 5.5.
        Assert.Equal(5.5, m3.BackPain.Median);
        Assert.Equal((1, 1), (points[1].OdiMcid.Events, points[1].OdiMcid.Total));
    }

    [Fact]
    public void Indication_mix_counts_each_indication_over_operated_cases()
    {
        Assert.Equal([("pain", 3), ("infection", 1), ("malfunction", 1), ("support-complete", 1)],
            report.Indications.Select(i => (i.Key, i.Share.Events)));
        Assert.All(report.Indications, i => Assert.Equal(5, i.Share.Total));
    }

    [Fact]
    public void Explant_outcomes_count_lines_and_group_retained_reasons()
    {
        var e = report.Explants;
        Assert.Equal([("Removed", 4), ("Retained", 2), ("FragmentRetained", 1), ("NotFound", 0), (ReportCalculations.NotRecorded, 1)],
            e.Outcomes.Select(o => (o.Outcome, o.Lines)));
        // Case 1's and case 3's reasons differ only in case and a trailing space.
        Assert.Equal(2, e.Retained.Count);
        Assert.Equal(("Retained", "rod incorporated in fusion mass", 2, 2), (e.Retained[0].Outcome, e.Retained[0].Reason, e.Retained[0].Lines, e.Retained[0].Cases));
        Assert.Equal(("FragmentRetained", "broken screw tip in S1 body, 8 mm"), (e.Retained[1].Outcome, e.Retained[1].Reason));
        Assert.Equal((3, 3), (e.CasesWithRetained.Events, e.CasesWithRetained.Total));
    }

    [Fact]
    public void Tables_state_the_hand_figures()
    {
        var t = report.Table("complications");
        Assert.Equal(["infection", "1", "5", "20.0", "3.6", "62.4"], t.Rows.Single(r => r[0] == "infection"));
        var u = report.Table("utilisation");
        Assert.Equal(["OR1", "2025-01-06", "480", "300", "320", "62.5", "66.7"], u.Rows[0]);
        Assert.Throws<Explant.Core.Data.NotFoundException>(() => report.Table("nope"));
        Assert.Contains(report.Headlines(), h => h.StartsWith("OR1: 2 list days, utilisation 58.3 % actual", StringComparison.Ordinal));
    }
}
