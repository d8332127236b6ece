using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Implants;
using Explant.Core.Outcomes;
using Explant.Core.Patients;
using Explant.Core.Readiness;
using Explant.Core.Recovery;
using Explant.Core.Scheduling;
using Explant.Core.Theatre;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Explant.Core.Demo;

/// <summary>
/// A synthetic history of N years (default two; `demo seed --years N`, issue #17 §4) for the service dashboard (issue #8 §5), so every chart shows something on first
/// run. SYNTHETIC, NOT CLINICAL DATA: every number below is an assumption chosen to look plausible, not a
/// benchmark. Each case is walked through the aggregates' own methods with a simulated "now" on its historical
/// dates, so the pathway rules hold for every seeded case exactly as for a live one.
/// <list type="bullet">
/// <item>Deterministic: <c>System.Random(2026)</c>; surgery dates on weekdays in the 12 × N months before today (the
/// last week left empty so every case is discharged); lists in the existing rooms (OR1/OR2), a room-day holds a list
/// with probability 0.14 and 1–3 cases that fit its hours with turnover; at most 150 cases a year (about 125–150).</item>
/// <item>Patients: fictitious names flagged "(DEMO)", facility <see cref="DemoPathway.Facility"/>, MRN "DC0001"…;
/// age 25–80; one posterior segmental construct (22852) of 2–6 instrumented levels, bilateral pedicle screws and two
/// rods, implanted 2–10 years earlier.</item>
/// <item>Surgeons: three names (the demo surgeon account and two fictitious colleagues), one per list; nothing needs
/// them to be user accounts for historical data.</item>
/// <item>Indications: hardware pain 55 %, end of support with CT-proven fusion 15 %, malfunction 12 %, infection
/// 10 % (CRP/ESR and a culture plan recorded), skin breakdown 8 %.</item>
/// <item>Pathway timing: referred 70 days, decided 56, consented and dated 42, work-up (H&amp;P, ASA, CBC,
/// creatinine, radiographs) and baseline PROM 14 days before surgery; attested ready 14 and booked 10 days before.
/// Readiness is evaluated on those dates; anything the simulation does not model is closed with a documented
/// override ("synthetic demo history").</item>
/// <item>Durations: booked 60 + 25 min per instrumented level (rounded to 15); actual in-room = booked × a normal
/// factor (mean 1.03, SD 0.15), at least 75 min; start 0–15 min late.</item>
/// <item>Reconciliation: every planned component removed, except 3 % of cases with one screw retained ("fused solid,
/// left in situ") and 4 % with a broken screw tip left (8 mm).</item>
/// <item>Length of stay: 1 day 35 %, 2 days 35 %, 3 days 17 %, 4–7 days 13 %.</item>
/// <item>Complications (independent): surgical-site infection 3 % (deep, Clavien–Dindo IIIb, day 14–40), dural
/// tear 2 % (day 0, grade I), hematoma 1 % (day 1, IIIb), readmission 3 % (2–25 days after discharge, grade II).</item>
/// <item>PROMs: baseline ODI ~ N(50, 8) % (30–70), back pain NRS ~ N(6.5, 1.5), leg pain ~ N(4, 2); at each later PROM
/// point ODI falls by N(12 + 6 × years since surgery (≤1), 10) points, back pain by N(2.5, 2), leg pain by N(1.5, 2);
/// 90 % of patients answer each follow-up PROM. Every due visit is attended (0–5 days late); the follow-up closes
/// when the plan is complete.</item>
/// </list>
/// Idempotent: nothing is created when any cohort patient exists. Stored in batches of whole lists (about
/// <see cref="SaveBatch"/> cases), each in one transaction with its audit rows, on a second thread while the next is
/// built. On SQLite a batch is written by <see cref="GraphInserter"/> (the same rows and audit rows as SaveChanges, without
/// the change tracker: at 20 years the tracker's save was 25 s of a 28 s seed); on PostgreSQL it goes through SaveChanges.
/// </summary>
internal static class DemoCohort
{
    // The pre-operative work-up is filed by the roles that file it on a ward: results and readiness by a nurse, the ASA
    // class by an anaesthesiologist (issue #13 §8). Theatre and ward steps keep the case's surgeon as the recorder.
    private static readonly CaseActor Nurse = new($"{Roles.Nurse}@{DemoSeed.EmailDomain}", [Roles.Nurse]);
    private static readonly CaseActor Anaesthetist = new($"{Roles.Anesthesiologist}@{DemoSeed.EmailDomain}", [Roles.Anesthesiologist]);

    public const string MrnPrefix = "DC";
    public const int CasesPerYear = 150;
    public const int DefaultYears = 2;
    public const int MaxYears = 50;
    private const int SaveBatch = 40;

    /// <summary>The cap on the cohort of <paramref name="years"/> years (300 for the default two).</summary>
    public static int MaxCases(int years) => CasesPerYear * years;
    private const string Override = "synthetic demo history: item not simulated";

    private static readonly string[] Given = ["Anna", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kira", "Liam", "Maya", "Nils", "Olga", "Pavel", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wim", "Yara", "Zeno"];
    private static readonly string[] Family = ["Adler", "Bauer", "Costa", "Dahl", "Eriksen", "Fontaine", "Garcia", "Horvat", "Ito", "Jansen", "Kowalski", "Larsen", "Mendes", "Nagy", "Olsen", "Petrov", "Quinn", "Rossi", "Silva", "Tanaka", "Urban", "Varga", "Weber", "Young"];
    private static readonly string[][] Spans =
    [
        ["L4", "L5"], ["L5", "S1"], ["L4", "L5", "S1"], ["L3", "L4", "L5"], ["L3", "L4", "L5", "S1"], ["L2", "L3", "L4", "L5"],
        ["T11", "T12", "L1"], ["T10", "T11", "L1", "L2"], ["L1", "L2", "L3", "L4", "L5", "S1"],
    ];

    /// <summary>The cohort of <paramref name="years"/> years on the scope's context, with the configured options.</summary>
    public static Task<int> SeedAsync(IServiceProvider scope, string demoSurgeon, int years, CancellationToken ct,
        BatchWriter? write = null) =>
        SeedAsync(scope.GetRequiredService<ExplantDbContext>(), scope.GetRequiredService<HospitalTime>(), scope.GetRequiredService<ReadinessService>().Options,
            scope.GetRequiredService<IOptions<TheatreOptions>>().Value, scope.GetRequiredService<IOptions<RecoveryOptions>>().Value,
            scope.GetRequiredService<IOptions<OutcomeOptions>>().Value, scope.GetRequiredService<Audit.AuditInterceptor>(), demoSurgeon, ct, years, write);

    /// <param name="write">
    /// Stores one batch of new aggregates. Default: <see cref="GraphInserter"/> on SQLite (the embedded demo: same rows,
    /// a fraction of the time), the change tracker (<see cref="SaveThroughTrackerAsync"/>) on PostgreSQL.
    /// </param>
    public static async Task<int> SeedAsync(ExplantDbContext db, HospitalTime time, ReadinessOptions readinessOptions, TheatreOptions theatre,
        RecoveryOptions recoveryOptions, OutcomeOptions outcomes, Audit.AuditInterceptor audit, string demoSurgeon, CancellationToken ct, int years = DefaultYears,
        BatchWriter? write = null)
    {
        if (write is null && db.Database.IsSqlite())
        {
            var graph = new GraphInserter(db, audit);
            write = items =>
            {
                var rows = graph.Prepare(items);
                return token => graph.WriteAsync(rows, token);
            };
        }
        write ??= items => token => SaveThroughTrackerAsync(db, items, token);
        ArgumentOutOfRangeException.ThrowIfLessThan(years, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(years, MaxYears);
        var maxCases = MaxCases(years);
        if (await db.Patients.AnyAsync(p => p.Facility == DemoPathway.Facility && p.Mrn.StartsWith(MrnPrefix), ct))
        {
            return 0;
        }
        var definition = await Procedures.ProcedureQueries.Find(db, "22852", null, ct) ?? throw new InvalidOperationException("procedure 22852 missing");
        var doc = definition.Parse();
        var steps = doc.Section(Procedures.SectionHeadings.ProcedureDescription)?.AllLines.Select(l => l.Text).ToList() ?? [];
        var risks = doc.Facts.Risks.Select(r => r.Key).ToList();
        var requiredRoles = doc.Facts.Personnel.Select(x => x.Key).Where(TeamRoles.All.Contains).Distinct().ToList();
        // The fictitious theatre team of DemoPathway, when present, staffs the historical lists too.
        var staff = await db.Staff.AsNoTracking().OrderBy(x => x.Id).ToListAsync(ct);
        var team = requiredRoles.Where(role => role != TeamRoles.Surgeon).Select(role => staff.FirstOrDefault(x => x.Roles.Contains(role)) is { } m
            ? new { Role = role, m.Id, m.Name } : null).Where(x => x is not null).Select(x => x!).ToList();
        var rooms = await db.OperatingRooms.AsNoTracking().OrderBy(r => r.Id).ToListAsync(ct);
        rooms = rooms.Any(r => r.Id is "OR1" or "OR2") ? [.. rooms.Where(r => r.Id is "OR1" or "OR2")] : [.. rooms.Take(2)];
        if (rooms.Count == 0)
        {
            return 0;
        }
        var nowUtc = time.UtcNow;
        var today = time.Today;
        var first = today.AddMonths(-12 * years).AddDays(1);
        var last = today.AddDays(-7);
        var taken = (await db.RoomDays.AsNoTracking().Where(d => d.Date >= first && d.Date <= last).Select(d => new { d.RoomId, d.Date }).ToListAsync(ct))
            .Select(d => (d.RoomId, d.Date)).ToHashSet();
        var number = await db.Cases.MaxAsync(x => (int?)x.Number, ct) ?? 0;
        string[] surgeons = [demoSurgeon, $"k.osei@{DemoSeed.EmailDomain}", $"l.berg@{DemoSeed.EmailDomain}"];

        var rng = new Random(2026);
        double Normal(double mean, double sd) => mean + sd * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        int Clamp(double v, int lo, int hi) => (int)Math.Clamp(Math.Round(v), lo, hi);
        DateTime Utc(DateOnly d, int hour, int minute = 0) => Fasting.ToUtc(d.ToDateTime(new TimeOnly(hour, minute)), time.Zone);
        List<int?> OdiAnswers(int percent)
        {
            var answers = new int[Odi.SectionCount];
            var total = Clamp(percent / 100.0 * 5 * Odi.SectionCount, 0, 5 * Odi.SectionCount);
            for (var k = 0; k < total; k++)
            {
                var open = Enumerable.Range(0, answers.Length).Where(i => answers[i] < 5).ToList();
                answers[open[rng.Next(open.Count)]]++;
            }
            return [.. answers.Select(a => (int?)a)];
        }

        var created = 0;
        var pending = 0;
        var batch = new List<object>();
        // Disposed on the way out: a failed build waits for the save in flight before the caller disposes the context.
        await using var saver = new BatchSaver(write, ct);
        for (var day = first; day <= last && created < maxCases; day = day.AddDays(1))
        {
            if (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                continue;
            }
            var daySurgeons = surgeons.OrderBy(_ => rng.Next()).ToList();
            for (var ri = 0; ri < rooms.Count && created < maxCases; ri++)
            {
                var room = rooms[ri];
                if (rng.NextDouble() >= 0.14 || taken.Contains((room.Id, day)) || room.OpenOn(day) is not { } hours)
                {
                    continue;
                }
                var surgeon = daySurgeons[ri % daySurgeons.Count];
                var actor = new CaseActor(surgeon, Roles.All);
                var roomDay = RoomDay.For(room.Id, day);
                batch.Add(roomDay);
                var slot = hours.Opens;
                var previousOut = DateTime.MinValue;
                var wanted = rng.Next(1, 4);
                for (var k = 0; k < wanted && created < maxCases; k++)
                {
                    var levels = Spans[rng.Next(Spans.Length)];
                    var booked = (int)Math.Round((60 + 25 * levels.Length) / 15.0) * 15;
                    if (slot.AddMinutes(booked) > hours.Closes || slot.AddMinutes(booked) <= slot)
                    {
                        break;
                    }
                    number++;
                    created++;
                    pending++;
                    previousOut = SeedCase(number, created, day, slot, booked, levels, surgeon, actor, roomDay, previousOut);
                    slot = slot.AddMinutes(booked + room.TurnoverMinutes);
                }
                if (pending >= SaveBatch)
                {
                    await saver.HandOverAsync(batch);
                    batch = [];
                    pending = 0;
                }
            }
        }
        await saver.HandOverAsync(batch);
        await saver.FinishAsync();
        return created;

        // Returns when the patient left the room, so the next case on the list starts after turnover.
        DateTime SeedCase(int caseNumber, int index, DateOnly d, TimeOnly start, int booked, string[] levels, string surgeon, CaseActor actor, RoomDay roomDay,
            DateTime previousOut)
        {
            // ---- patient and construct ----
            var born = d.AddYears(-rng.Next(25, 81)).AddDays(-rng.Next(0, 365));
            var sex = rng.Next(2) == 0 ? Sex.Female : Sex.Male;
            var referred = d.AddDays(-70);
            var p = Patient.Register(new(DemoPathway.Facility, $"{MrnPrefix}{index:0000}", $"{Family[rng.Next(Family.Length)]} (DEMO)", Given[rng.Next(Given.Length)],
                born, sex, Clamp(Normal(sex == Sex.Female ? 68 : 84, 12), 45, 140), Clamp(Normal(sex == Sex.Female ? 165 : 178, 7), 145, 200), [], []), referred);
            batch.Add(p);
            var span = $"{levels[0]}-{levels[^1]}";
            var construct = Construct.Record(p.Id, new(d.AddYears(-rng.Next(2, 11)), "Explant demo hospital", Approach.Posterior,
                $"{levels[0]}–{levels[^1]} posterior fusion", "Demo Spine", "Demo pedicle system", "synthetic demo cohort"), referred);
            foreach (var level in levels)
            {
                foreach (var side in new[] { Side.Left, Side.Right })
                {
                    construct.AddComponent(new(ComponentKind.PedicleScrew, level, null, side, 6.5m, 45, Material.Titanium, null, null, null, null));
                }
            }
            construct.AddComponent(new(ComponentKind.Rod, null, span, Side.Left, 5.5m, null, Material.Titanium, null, null, null, null));
            construct.AddComponent(new(ComponentKind.Rod, null, span, Side.Right, 5.5m, null, Material.Titanium, null, null, null, null));
            batch.Add(construct);
            var imaging = new List<ImagingStudy>();

            // ---- referral, assessment, decision, consent ----
            var c = SurgicalCase.Open(caseNumber, p.Id, construct, definition, surgeon, Utc(referred, 10));
            batch.Add(c);
            var pick = rng.NextDouble();
            var indication = pick < 0.55 ? "pain" : pick < 0.70 ? "support-complete" : pick < 0.82 ? "malfunction" : pick < 0.92 ? "infection" : "skin-breakdown";
            var assessed = d.AddDays(-56);
            switch (indication)
            {
                case "pain":
                    c.AddIndication("pain", "T84.84XA", "pain over the screw heads", actor);
                    break;
                case "support-complete":
                    c.AddIndication("support-complete", "Z47.2", null, actor);
                    var ct5 = ImagingStudy.Record(p.Id, assessed.AddDays(-7), Modality.CT, [new(construct.Span!.Value.ToString(), FusionStatus.Solid)], [], "fine-cut CT", surgeon, assessed);
                    imaging.Add(ct5);
                    c.LinkFusionEvidence(ct5, construct, [Modality.CT], actor);
                    break;
                case "malfunction":
                    c.AddIndication("malfunction", "T84.216A", $"broken {levels[^1]} screw", actor);
                    break;
                case "infection":
                    c.AddIndication("infection", "T84.63XA", "late low-grade infection", actor);
                    c.RecordInfectionEvidence(Clamp(Normal(40, 20), 5, 150), Clamp(Normal(45, 15), 5, 120), assessed.AddDays(-3), "5 tissue samples and implant sonication", actor);
                    break;
                default:
                    c.AddIndication("skin-breakdown", "T84.89XA", "skin thinning over a screw head", actor);
                    break;
            }
            c.Fire(CaseTrigger.Assess, actor, Utc(assessed, 10));
            c.RecordDecision(c.DefinitionAlternatives, SurgicalCase.RemovalChoice, "synthetic demo case", actor, Utc(assessed, 10, 30));
            var consentedOn = d.AddDays(-42);
            var consent = c.GenerateConsent(Consent.ConsentDocument.Build(c, p, construct, doc, consentedOn), actor, Utc(consentedOn, 10));
            c.SignConsentAsPatient(consent.Version, $"{p.GivenName} {p.FamilyName}", actor, Utc(consentedOn, 10, 15));
            c.SignConsentAsSurgeon(consent.Version, actor, Utc(consentedOn, 10, 20));
            var inRoomPlanned = Utc(d, start.Hour, start.Minute);
            c.SetPlannedSurgery(inRoomPlanned, actor, Utc(consentedOn, 10, 30));

            // ---- pre-operative work-up, baseline PROM, readiness, booking ----
            var workUp = d.AddDays(-14);
            c.RecordHistoryPhysical(workUp, actor, workUp);
            c.RecordAsa(rng.NextDouble() < 0.6 ? "II" : rng.NextDouble() < 0.7 ? "I" : "III", Anaesthetist);
            c.RecordResult(LabKind.Cbc, null, null, workUp, Nurse, workUp);
            c.RecordResult(LabKind.Creatinine, Math.Round((decimal)Normal(0.9, 0.15), 2) is var cr && cr > 0.4m ? cr : 0.5m, "mg/dL", workUp, Nurse, workUp);
            if (indication == "infection")
            {
                c.RecordResult(LabKind.Crp, c.Infection.CrpMgL, "mg/L", workUp, Nurse, workUp);
                c.RecordResult(LabKind.Esr, c.Infection.EsrMmH, "mm/h", workUp, Nurse, workUp);
            }
            imaging.Add(ImagingStudy.Record(p.Id, workUp, Modality.XRay, [], [], "standing PA and lateral", surgeon, workUp));
            batch.AddRange(imaging);
            var baselineOdi = Clamp(Normal(50, 8), 30, 70);
            var baseBack = Clamp(Normal(6.5, 1.5), 2, 10);
            var baseLeg = Clamp(Normal(4, 2), 0, 10);
            batch.Add(PromResponse.Record(c.Id, RecoveryService.Baseline, workUp, baseBack, baseLeg, OdiAnswers(baselineOdi), outcomes.Odi, PromSource.Clinic, actor.Name));
            ReadinessReport Evaluate(DateOnly on)
            {
                var report = ReadinessEngine.Evaluate(new ReadinessInput(c, p, construct, imaging, doc, readinessOptions, time.Zone, on));
                if (report.OpenBlocking.Count == 0)
                {
                    return report;
                }
                foreach (var item in report.OpenBlocking)
                {
                    c.OverrideReadiness(item.RuleId, Override, actor, Utc(on, 11));
                }
                return ReadinessEngine.Evaluate(new ReadinessInput(c, p, construct, imaging, doc, readinessOptions, time.Zone, on));
            }
            c.Fire(CaseTrigger.AttestReady, Nurse, Utc(workUp, 12), new TransitionRequest("pre-op clinic complete", Readiness: Evaluate(workUp)));
            var bookedOn = d.AddDays(-10);
            c.FireStep(CaseTrigger.Schedule, actor, Utc(bookedOn, 9), new TransitionRequest($"booked {roomDay.RoomId} {d:yyyy-MM-dd}", Readiness: Evaluate(bookedOn)));
            roomDay.Add(new Booking { CaseId = c.Id, CaseNumber = c.Number, Surgeon = surgeon, Start = start, DurationMinutes = booked, BookedBy = actor.Name,
                RequiredRoles = [.. requiredRoles], Team = [.. team.Select(t => new TeamAssignment { Role = t.Role, StaffId = t.Id, Name = t.Name })] });
            c.RecordHistoryPhysicalUpdate(actor, inRoomPlanned.AddHours(-14));

            // ---- day of surgery ----
            var inRoom = inRoomPlanned.AddMinutes(rng.Next(0, 16));
            if (inRoom < previousOut.AddMinutes(15))
            {
                inRoom = previousOut.AddMinutes(15);
            }
            var actual = Math.Max(75, (int)Math.Round(booked * Math.Max(0.6, Normal(1.03, 0.15))));
            var outOfRoom = inRoom.AddMinutes(actual);
            var r = IntraOpRecord.Start(c, construct, steps);
            var checkIn = inRoom.AddMinutes(-40);
            r.RecordCheckIn(actor, checkIn, "wristband read: name and MRN match", d, d);
            c.FireStep(CaseTrigger.CheckIn, actor, checkIn, new TransitionRequest("checked in: identity, fasting and holds confirmed"));
            var retainedKind = rng.NextDouble() is var rk && rk < 0.03 ? ExplantOutcome.Retained : rk < 0.07 ? ExplantOutcome.FragmentRetained : ExplantOutcome.Removed;
            var duralTear = rng.NextDouble() < 0.02;
            void Mark(Milestone m, DateTime at) => r.RecordMilestone(m, at, actor, at, theatre);
            void Phase(ChecklistPhase phase, DateTime at)
            {
                foreach (var item in r.Checklist.Where(i => i.Phase == phase).ToList())
                {
                    switch (item.Evidence)
                    {
                        case ItemEvidence.LevelsConfirmed when r.ConfirmedLevels is null:
                            r.ConfirmLevels(r.PlannedLevels, "localisation fluoroscopy", actor);
                            break;
                        case ItemEvidence.CountsRecorded when r.CountsCorrect is null:
                            r.RecordCounts(true, null, actor);
                            break;
                        default:
                            break;
                    }
                    r.TickItem(item.Id, TickAnswer.Yes, null, actor, at);
                    at = at.AddSeconds(30);
                }
            }
            Mark(Milestone.InRoom, inRoom);
            c.FireStep(CaseTrigger.EnterTheatre, actor, inRoom);
            Phase(ChecklistPhase.SignIn, inRoom.AddMinutes(2));
            Mark(Milestone.AnesthesiaStart, inRoom.AddMinutes(10));
            Mark(Milestone.Positioned, inRoom.AddMinutes(25));
            r.RecordProphylaxis("cefazolin", inRoom.AddMinutes(20), null, null, actor, inRoom.AddMinutes(21), theatre);
            Phase(ChecklistPhase.TimeOut, inRoom.AddMinutes(28));
            Mark(Milestone.Incision, inRoom.AddMinutes(35));
            var closure = outOfRoom.AddMinutes(-30);
            r.RecordFindings(new IntraOpRecord.Findings([], indication == "malfunction", indication == "malfunction", indication == "infection", duralTear,
                Clamp(Normal(250 + 50 * levels.Length, 100), 50, 2000), duralTear ? "incidental durotomy, repaired primarily" : null), actor);
            var odd = r.Explants.Where(l => l.Description.Contains("screw", StringComparison.OrdinalIgnoreCase)).Select(l => l.Id).FirstOrDefault();
            foreach (var line in r.Explants.Where(l => l.Planned).ToList())
            {
                var outcome = line.Id == odd ? retainedKind : ExplantOutcome.Removed;
                var detail = outcome switch
                {
                    ExplantOutcome.Retained => "fused solid, left in situ",
                    ExplantOutcome.FragmentRetained => $"broken screw tip {line.Level} {line.Side} left, 8 mm",
                    _ => null,
                };
                var condition = outcome == ExplantOutcome.FragmentRetained || indication == "malfunction" && line.Id == odd ? ComponentCondition.Broken
                    : indication == "infection" ? ComponentCondition.Loose : ComponentCondition.Intact;
                r.Account(line.Id, new IntraOpRecord.Accounting(outcome, condition, detail, false, outcome == ExplantOutcome.Removed ? "discarded" : null), actor, closure.AddMinutes(-5));
            }
            Mark(Milestone.ClosureStart, closure);
            Mark(Milestone.ClosureEnd, outOfRoom.AddMinutes(-12));
            Phase(ChecklistPhase.SignOut, outOfRoom.AddMinutes(-10));
            Mark(Milestone.OutOfRoom, outOfRoom);
            c.FireStep(CaseTrigger.LeaveTheatre, actor, outOfRoom);
            batch.Add(r);
            if (OperationDuration.Of(c, r, construct) is { } duration)
            {
                batch.Add(duration);
            }

            // ---- ward stay and discharge ----
            var stay = doc.Facts.StayDays;
            var rec = RecoveryRecord.Start(c, d, stay?.Min, stay?.Max);
            var losPick = rng.NextDouble();
            var los = losPick < 0.35 ? 1 : losPick < 0.70 ? 2 : losPick < 0.87 ? 3 : rng.Next(4, 8);
            var discharged = d.AddDays(los);
            foreach (var criterion in recoveryOptions.DischargeCriteria)
            {
                rec.TickCriterion(criterion, recoveryOptions, actor, Utc(discharged, 9));
            }
            rec.DischargePatient(new(discharged, "keep the dressing dry for 5 days", "no lifting over 5 kg for 6 weeks", "paracetamol and ibuprofen", rng.NextDouble() < 0.5),
                recoveryOptions, outcomes.FollowUp, actor, today);
            c.FireStep(CaseTrigger.Discharge, actor, Utc(discharged, 11), new TransitionRequest($"discharged {discharged:yyyy-MM-dd}"));
            c.FireStep(CaseTrigger.StartFollowUp, actor, Utc(discharged, 11), new TransitionRequest("follow-up plan generated at discharge"));
            rec.MarkPromPointDone(RecoveryService.Baseline, workUp);
            batch.Add(rec);

            // ---- complications ----
            void Complicate(string key, DateOnly on, ClavienDindoGrade grade, SsiDepth? depth, string text)
            {
                if (on <= today)
                {
                    batch.Add(Complication.Record(c, risks, key, on, new ClavienDindo(grade), depth, text, d, today, actor));
                }
            }
            if (rng.NextDouble() < 0.03 && risks.Contains("infection"))
            {
                Complicate("infection", d.AddDays(rng.Next(14, 41)), ClavienDindoGrade.IIIb, SsiDepth.DeepIncisional, "deep wound infection, washout");
            }
            if (duralTear)
            {
                Complicate("dural-tear", d, ClavienDindoGrade.I, null, "incidental durotomy, repaired primarily");
            }
            if (rng.NextDouble() < 0.01)
            {
                Complicate("hematoma", d.AddDays(1), ClavienDindoGrade.IIIb, null, "wound hematoma, evacuated");
            }
            if (rng.NextDouble() < 0.03)
            {
                Complicate("readmission", discharged.AddDays(rng.Next(2, 26)), ClavienDindoGrade.II, null, "readmitted for pain control");
            }

            // ---- follow-up visits and PROMs ----
            DateOnly? lastDone = null;
            foreach (var point in rec.Plan.Where(x => x.Code != RecoveryService.Baseline && x.DueDate <= today).OrderBy(x => x.DueDate).ToList())
            {
                var on = point.DueDate.AddDays(rng.Next(0, 6));
                on = on > today ? today : on;
                if (point.IsVisit)
                {
                    rec.RecordVisit(new(point.Code, on, WoundStatus.Healed, NeurologyStatus.Unchanged, null, "synthetic demo visit"), actor, today);
                }
                if (point.Proms.Count > 0 && rng.NextDouble() < 0.9)
                {
                    var years = Math.Min(1.0, (on.DayNumber - d.DayNumber) / 365.0);
                    var odi = Clamp(baselineOdi - Normal(12 + 6 * years, 10), 0, 100);
                    batch.Add(PromResponse.Record(c.Id, point.Code, on, Clamp(baseBack - Normal(2.5, 2), 0, 10), Clamp(baseLeg - Normal(1.5, 2), 0, 10),
                        OdiAnswers(odi), outcomes.Odi, PromSource.Clinic, actor.Name));
                }
                rec.MarkPromPointDone(point.Code, on);
                lastDone = on;
            }
            if (rec.PlanComplete && lastDone is { } closedOn)
            {
                rec.Close(recoveryOptions, actor);
                c.FireStep(CaseTrigger.Close, actor, Utc(closedOn, 16), new TransitionRequest(rec.ClosedReason));
            }
            return outOfRoom;
        }
    }

    /// <summary>
    /// Stores a batch of new aggregates: called on the building thread with the batch, it prepares what needs no database
    /// and returns the write, which runs on the saving thread while the next batch is built.
    /// </summary>
    internal delegate Func<CancellationToken, Task> BatchWriter(IReadOnlyList<object> batch);

    /// <summary>One batch through the change tracker: SaveChanges and its audit interceptor, then a clean tracker.</summary>
    internal static async Task SaveThroughTrackerAsync(ExplantDbContext db, IReadOnlyList<object> items, CancellationToken ct)
    {
        db.AddRange(items);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    /// <summary>
    /// Saves the cohort's batches on another thread while the next batch is built (the domain's work on each case): EF's
    /// graph attach, change detection and INSERTs on one core, the build on the other. The context is still used by one
    /// thread at a time, because each save is awaited before the next starts and building never touches the context. A
    /// batch holds only finished aggregates: nothing in it changes after the hand-over (a room day's bookings are complete
    /// before its batch is handed over). Same random draws in the same order: the cohort is the one it was.
    /// </summary>
    private sealed class BatchSaver(BatchWriter write, CancellationToken ct) : IAsyncDisposable
    {
        private Task saving = Task.CompletedTask;

        /// <summary>Waits for the previous save (its failure surfaces here), then starts saving <paramref name="items"/>.</summary>
        public async Task HandOverAsync(List<object> items)
        {
            // Prepared here, on the building thread, which otherwise waits for the save: the writer's own thread is left
            // with the statements.
            var store = write(items);
            await saving;
            saving = Task.Run(() => store(ct), ct);
        }

        public Task FinishAsync() => saving;

        /// <summary>
        /// On the way out of a failed build: the save in flight ends before the context goes back to the caller, and the
        /// build's exception is the one reported (a save's own failure would have surfaced at the next hand-over).
        /// </summary>
        public async ValueTask DisposeAsync() =>
            await saving.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }
}
