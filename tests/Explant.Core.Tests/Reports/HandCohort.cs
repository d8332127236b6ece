using Explant.Core.Outcomes;
using Explant.Core.Reports;
using Explant.Core.Theatre;

namespace Explant.Core.Tests.Reports;

/// <summary>
/// A cohort small enough to compute every figure by hand (the expected values in the tests are worked out in their
/// comments). Case 99 is outside the period: its complication and PROM must be ignored.
/// </summary>
internal static class HandCohort
{
    public static readonly DateOnly Monday = new(2025, 1, 6);

    public static ReportData Data() => new(Monday, Monday.AddDays(6),
        [
            new("OR1", Monday, 480, 300, 320),
            new("OR1", Monday.AddDays(1), 240, 90, 100),
            new("OR2", Monday.AddDays(2), 480, 60, 0),
            new("OR2", Monday.AddDays(3), 480, 0, 0),
        ],
        [
            new(1, Monday, "22852", ["pain"], 120, 150, 2, 1, 3),
            new(2, Monday, "22852", ["infection"], 180, 170, 5, 1, 3),
            new(3, Monday.AddDays(1), "22852", ["pain", "malfunction"], 90, 100, 1, 1, 3),
            new(4, Monday.AddDays(2), "22852", ["support-complete"], 60, null, 0, 1, 3),
            new(5, Monday.AddDays(3), "22852", ["pain"], null, 80, null, 1, 3),
        ],
        [
            new(2, "infection", ClavienDindoGrade.IIIb),
            new(2, "infection", ClavienDindoGrade.II),
            new(3, "hematoma", ClavienDindoGrade.I),
            new(99, "infection", ClavienDindoGrade.IIIb),
        ],
        [
            new(1, "baseline", Monday.AddDays(-7), 8, 6, 50m),
            new(2, "baseline", Monday.AddDays(-7), 6, 3, 40m),
            new(3, "baseline", Monday.AddDays(-6), 4, 2, 20m),
            new(1, "6wk", Monday.AddDays(42), 6, 4, 40m),
            new(1, "3mo", Monday.AddDays(95), 5, 2, 30m),
            new(2, "3mo", Monday.AddDays(90), 2, 1, 20m), // superseded by the later answer below
            new(2, "3mo", Monday.AddDays(100), 6, 3, 35m),
            new(3, "3mo", Monday.AddDays(96), 3, 1, 14m),
            new(4, "3mo", Monday.AddDays(97), 7, 5, 60m),
            new(99, "3mo", Monday.AddDays(97), 0, 0, 0m),
        ],
        [
            new(1, "L4 screw", true, ExplantOutcome.Removed, null),
            new(1, "L5 screw", true, ExplantOutcome.Removed, null),
            new(1, "rod", true, ExplantOutcome.Retained, "rod incorporated in fusion mass"),
            new(2, "S1 screw", true, ExplantOutcome.FragmentRetained, "broken screw tip in S1 body, 8 mm"),
            new(2, "L5 screw", true, ExplantOutcome.Removed, null),
            new(2, "crosslink", false, ExplantOutcome.Removed, null),
            new(3, "L3 screw", true, ExplantOutcome.Retained, "Rod incorporated in fusion mass "),
            new(3, "L4 screw", true, null, null),
        ]);

    public static ServiceReport Report() => ServiceReport.Build(Data(), new McidOptions());
}
