using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Implants;
using Explant.Core.Patients;
using Explant.Core.Scheduling;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Demo;

/// <summary>
/// Demo patients and constructs (fictitious): various spans, one infection, one pseudarthrosis, one partial
/// removal, one non-segmental construct, one case with CT-proven fusion. Created once (facility "DEMO"),
/// through the same aggregate methods the UI uses, so every demo case obeys the pathway rules.
/// </summary>
internal static class DemoPathway
{
    public const string Facility = "DEMO";

    private static Construct.ComponentInput Screw(string level, Side side, decimal dia = 6.5m, decimal len = 45, Material m = Material.Titanium) =>
        new(ComponentKind.PedicleScrew, level, null, side, dia, len, m, null, null, null, null);

    private static Construct.ComponentInput Rod(string span, Side side, Material m = Material.Titanium) =>
        new(ComponentKind.Rod, null, span, side, 5.5m, null, m, null, null, null, null);

    private static IEnumerable<Construct.ComponentInput> Bilateral(string[] levels, decimal dia = 6.5m, Material m = Material.Titanium) =>
        levels.SelectMany(l => new[] { Screw(l, Side.Left, dia, 45, m), Screw(l, Side.Right, dia, 45, m) });

    public static async Task<int> SeedAsync(ExplantDbContext db, Readiness.ReadinessService readiness, HospitalTime time, SchedulingOptions scheduling, string surgeon, CancellationToken ct)
    {
        if (await db.Patients.AnyAsync(p => p.Facility == Facility, ct))
        {
            return 0;
        }
        var now = time.UtcNow;
        var today = time.Today; // the hospital's date, never the UTC date (issue #12 §9)
        // Each record is made by the role that makes it on a real ward (issue #13 §8): the surgeon assesses, decides,
        // consents and plans; the nurse files results and attests readiness; the anaesthesiologist grades ASA; the
        // scheduler books (the booking below uses `doctor`).
        var doctor = new CaseActor(surgeon, [Roles.Surgeon]);
        var nurse = new CaseActor($"{Roles.Nurse}@{DemoSeed.EmailDomain}", [Roles.Nurse]);
        var anaesthetist = new CaseActor($"{Roles.Anesthesiologist}@{DemoSeed.EmailDomain}", [Roles.Anesthesiologist]);
        var actor = new CaseActor($"{Roles.Scheduler}@{DemoSeed.EmailDomain}", [Roles.Scheduler]);

        async Task<(Patient, Construct)> Patient(string mrn, string family, string given, DateOnly born, Sex sex, decimal kg, decimal cm,
            string[] allergies, Medication[] meds, Construct.Details construct, IEnumerable<Construct.ComponentInput> parts)
        {
            var p = Patients.Patient.Register(new(Facility, mrn, family, given, born, sex, kg, cm, allergies, meds), today);
            db.Patients.Add(p);
            var c = Construct.Record(p.Id, construct, today);
            foreach (var part in parts)
            {
                c.AddComponent(part);
            }
            db.Constructs.Add(c);
            await db.SaveChangesAsync(ct);
            return (p, c);
        }

        async Task<SurgicalCase> Case(Patient p, Construct c, string code)
        {
            var definition = await Procedures.ProcedureQueries.Find(db, code, null, ct) ?? throw new InvalidOperationException($"procedure {code} missing");
            var number = (await db.Cases.MaxAsync(x => (int?)x.Number, ct) ?? 0) + 1;
            var sc = SurgicalCase.Open(number, p.Id, c, definition, surgeon, now);
            db.Cases.Add(sc);
            await db.SaveChangesAsync(ct);
            return sc;
        }

        void Decide(SurgicalCase sc) => sc.RecordDecision(sc.DefinitionAlternatives, SurgicalCase.RemovalChoice, "demo", doctor, now);

        void Consent(SurgicalCase sc, Patient p, Construct c, Procedures.ProcedureDocument doc)
        {
            var consent = sc.GenerateConsent(Explant.Core.Consent.ConsentDocument.Build(sc, p, c, doc, today), doctor, now);
            sc.SignConsentAsPatient(consent.Version, $"{p.GivenName} {p.FamilyName}", doctor, now);
            sc.SignConsentAsSurgeon(consent.Version, doctor, now);
        }

        var doc22852 = (await Procedures.ProcedureQueries.Find(db, "22852", null, ct))!.Parse();

        // 1. Hardware pain after a solid L3–L5 fusion: referred, waiting for assessment.
        var (p1, c1) = await Patient("D1001", "Lindqvist", "Marta", new(1968, 3, 14), Sex.Female, 71, 166, [], [new() { Name = "paracetamol", Dose = "1 g qds" }],
            new(new(2019, 5, 2), "St Elsewhere", Approach.Posterior, "L3–L5 posterolateral fusion", "Medtronic", "CD Horizon Solera", null),
            [.. Bilateral(["L3", "L4", "L5"]), Rod("L3-L5", Side.Left), Rod("L3-L5", Side.Right)]);
        var s1 = await Case(p1, c1, "22852");
        s1.AddIndication("pain", "T84.84XA", "pain on palpation over the L5 heads", doctor);

        // 2. Late infection of a T10–L2 construct: decided, waiting for consent.
        var (p2, c2) = await Patient("D1002", "Okafor", "Daniel", new(1975, 11, 2), Sex.Male, 92, 181, ["penicillin"], [new() { Name = "apixaban", Dose = "5 mg bd" }],
            new(new(2021, 9, 20), "Explant demo hospital", Approach.Posterior, "T10–L2 fixation for fracture", "DePuy Synthes", "Expedium", null),
            [.. Bilateral(["T10", "T11", "L1", "L2"], 6.0m, Material.Titanium), Rod("T10-L2", Side.Left), Rod("T10-L2", Side.Right),
             new(ComponentKind.Crosslink, null, null, Side.Midline, null, null, Material.Titanium, null, null, null, null)]);
        db.ImagingStudies.Add(ImagingStudy.Record(p2.Id, today.AddDays(-10), Modality.MRI, [], [new(HardwareFindingKind.Loosening, "T10", "halo around both T10 screws")], "fluid collection at T11–T12", surgeon, today));
        var s2 = await Case(p2, c2, "22852");
        s2.AddIndication("infection", "T84.63XA", "draining sinus", doctor);
        s2.RecordInfectionEvidence(86m, 64m, today.AddDays(-7), "5 tissue samples and implant sonication; hold prophylaxis until cultures", doctor);
        s2.Fire(CaseTrigger.Assess, doctor, now);
        Decide(s2);

        // 3. Pseudarthrosis at L5–S1 with a broken S1 screw: assessed.
        var (p3, c3) = await Patient("D1003", "Brennan", "Siobhan", new(1959, 6, 30), Sex.Female, 64, 160, [], [new() { Name = "metformin", Dose = "1 g bd" }],
            new(new(2020, 2, 11), "Explant demo hospital", Approach.Posterior, "L4–S1 fusion", "Globus", "Creo", null),
            [.. Bilateral(["L4", "L5", "S1"], 7.0m), Rod("L4-S1", Side.Left, Material.CobaltChromium), Rod("L4-S1", Side.Right, Material.CobaltChromium)]);
        db.ImagingStudies.Add(ImagingStudy.Record(p3.Id, today.AddDays(-20), Modality.CT,
            [new("L4-L5", FusionStatus.Solid), new("L5-S1", FusionStatus.Pseudarthrosis)], [new(HardwareFindingKind.Breakage, "S1", "left S1 screw broken")], null, surgeon, today));
        var s3 = await Case(p3, c3, "22852");
        s3.AddIndication("malfunction", "T84.216A", "broken left S1 screw", doctor);
        s3.Fire(CaseTrigger.Assess, doctor, now);

        // 4. Partial removal: one prominent screw under thin skin; consented.
        var (p4, c4) = await Patient("D1004", "Haddad", "Yusuf", new(1990, 1, 8), Sex.Male, 58, 175, ["latex"], [],
            new(new(2018, 7, 1), "City Spine Centre", Approach.Posterior, "L2–L5 fusion", "Stryker", "Xia 3", null),
            [.. Bilateral(["L2", "L3", "L4", "L5"], 6.5m, Material.StainlessSteel), Rod("L2-L5", Side.Left, Material.StainlessSteel), Rod("L2-L5", Side.Right, Material.StainlessSteel)]);
        var s4 = await Case(p4, c4, "22852");
        var prominent = c4.Components.First(x => x.Kind == ComponentKind.PedicleScrew && x.Level == "L5" && x.Side == Side.Left);
        s4.SetPlan(false, [prominent.Id], c4, doctor, now);
        s4.AddIndication("skin-breakdown", "T84.89XA", "skin thinning over the left L5 screw head", doctor);
        s4.Fire(CaseTrigger.Assess, doctor, now);
        Decide(s4);
        Consent(s4, p4, c4, doc22852);

        // 5. End of the support period with CT-proven solid fusion; ready for scheduling.
        var (p5, c5) = await Patient("D1005", "Novak", "Petra", new(2001, 4, 22), Sex.Female, 55, 168, [], [],
            new(new(2016, 8, 15), "Children's Hospital", Approach.Posterior, "T4–L1 posterior spinal fusion for AIS", "Zimmer Biomet", "Polaris", null),
            [.. Bilateral(["T4", "T6", "T8", "T10", "T12", "L1"], 5.5m), Rod("T4-L1", Side.Left, Material.CobaltChromium), Rod("T4-L1", Side.Right, Material.CobaltChromium)]);
        var ct5 = ImagingStudy.Record(p5.Id, today.AddDays(-30), Modality.CT, [new("T4-L1", FusionStatus.Solid)], [], "fine-cut CT with MPR", surgeon, today);
        db.ImagingStudies.Add(ct5);
        var s5 = await Case(p5, c5, "22852");
        s5.AddIndication("support-complete", "Z47.2", null, doctor);
        s5.LinkFusionEvidence(ct5, c5, [Modality.CT], doctor);
        s5.Fire(CaseTrigger.Assess, doctor, now);
        Decide(s5);
        Consent(s5, p5, c5, doc22852);
        // Pre-operative work-up complete: surgery in 10 days at 08:00 hospital time.
        var operatingDay = today.AddDays(10);
        while (operatingDay.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            operatingDay = operatingDay.AddDays(1);
        }
        s5.SetPlannedSurgery(Readiness.Fasting.ToUtc(operatingDay.ToDateTime(new TimeOnly(8, 0)), time.Zone), doctor, now);
        s5.RecordHistoryPhysical(today, doctor, today);
        s5.RecordAsa("I", anaesthetist);
        s5.RecordResult(LabKind.Cbc, null, null, today, nurse, today);
        s5.RecordResult(LabKind.Creatinine, 0.7m, "mg/dL", today, nurse, today);
        db.ImagingStudies.Add(ImagingStudy.Record(p5.Id, today, Modality.XRay, [], [], "standing PA and lateral", surgeon, today));
        s4.SetPlannedSurgery(Readiness.Fasting.ToUtc(today.AddDays(21).ToDateTime(new TimeOnly(13, 30)), time.Zone), doctor, now);
        s2.SetPlannedSurgery(Readiness.Fasting.ToUtc(today.AddDays(5).ToDateTime(new TimeOnly(8, 0)), time.Zone), doctor, now);
        await db.SaveChangesAsync(ct);
        s5.Fire(CaseTrigger.AttestReady, nurse, now, new TransitionRequest("pre-op clinic complete", Readiness: await readiness.Evaluate(s5, ct)));

        // 6. Harrington-type non-segmental construct (hooks at the ends only): 22850.
        var (p6, c6) = await Patient("D1006", "Ferreira", "Joao", new(1962, 9, 9), Sex.Male, 80, 172, [], [new() { Name = "clopidogrel", Dose = "75 mg od" }],
            new(new(1984, 3, 3), "Regional Hospital", Approach.Posterior, "Harrington instrumentation for scoliosis", null, "Harrington rod", null),
            [new(ComponentKind.Hook, "T4", null, Side.Right, null, null, Material.StainlessSteel, HookType.Laminar, null, null, null),
             new(ComponentKind.Hook, "L1", null, Side.Right, null, null, Material.StainlessSteel, HookType.Laminar, null, null, null),
             Rod("T4-L1", Side.Right, Material.StainlessSteel)]);
        var s6 = await Case(p6, c6, "22850");
        s6.AddIndication("pain", "T84.84XA", null, doctor);

        await db.SaveChangesAsync(ct);

        // Two rooms (fictitious hours), and the ready case booked, so the board and the daily list show something.
        if (!await db.OperatingRooms.AnyAsync(ct))
        {
            // Each room owns its own hours (owned entities are never shared between rooms).
            static WeeklyHours[] Weekdays() => [.. new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }
                .Select(d => new WeeklyHours { Day = d, Opens = new TimeOnly(8, 0), Closes = new TimeOnly(16, 0) })];
            db.OperatingRooms.Add(OperatingRoom.Create("OR1", "Theatre 1 (spine)", ["fluoroscopy", "radiolucent-table"], Weekdays(), scheduling.DefaultTurnoverMinutes));
            db.OperatingRooms.Add(OperatingRoom.Create("OR2", "Theatre 2", ["fluoroscopy", "neuromonitoring", "radiolucent-table"], Weekdays(), scheduling.DefaultTurnoverMinutes));
            await db.SaveChangesAsync(ct);
        }
        // A fictitious theatre team (names invented), so bookings can be staffed on first run.
        if (!await db.Staff.AnyAsync(ct))
        {
            DayOfWeek[] weekdays = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];
            db.Staff.Add(StaffMember.Create(surgeon, "Demo surgeon", [TeamRoles.Surgeon], weekdays));
            db.Staff.Add(StaffMember.Create("AN1", "Dr Ana Lindqvist (DEMO)", [TeamRoles.Anesthesiologist], weekdays));
            db.Staff.Add(StaffMember.Create("ST1", "Sam Okafor (DEMO)", [TeamRoles.ScrubTechnologist], weekdays));
            db.Staff.Add(StaffMember.Create("CN1", "Chris Moreau (DEMO)", [TeamRoles.CirculatingNurse, TeamRoles.ScrubTechnologist], weekdays));
            db.Staff.Add(StaffMember.Create("RG1", "Robin Haas (DEMO)", [TeamRoles.Radiographer], weekdays));
            await db.SaveChangesAsync(ct);
        }
        await BookCase.Handle(db, readiness, time, scheduling,
            new BookCase.Command(s5.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), "OR1", operatingDay, new TimeOnly(8, 0), null, null,
                [new(TeamRoles.Anesthesiologist, "AN1"), new(TeamRoles.ScrubTechnologist, "ST1"), new(TeamRoles.CirculatingNurse, "CN1")]),
            actor, now, ct);
        return 6;
    }
}
