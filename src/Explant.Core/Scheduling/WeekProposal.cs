using System.Globalization;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Readiness;
using Explant.Planner;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Scheduling;

/// <summary>
/// The schedule proposal (issue #14 §3): the optimiser over the Ready cases in the rooms' free time, with the pathway's
/// rules for each case — never today or earlier; never a day before every medication hold can still be honoured (a
/// patient still taking a held drug can stop today at the earliest); never past the expiry of a readiness item; the
/// planned date (and time) kept when that day is free. Every deviation carries its reason. Surgeon blocks, surgeon
/// availability and existing bookings stand. Nothing is booked here: accepted proposals go through <see cref="BookCase"/>.
/// </summary>
public static class WeekProposal
{
    public const int MaxDays = 28;

    // ---- the contract (GET /api/schedule/proposal) ------------------------------------------------------------

    public sealed record ProposedBooking(int Case, string Patient, string RoomId, string Date, string Start, int Minutes, string? PlannedDate, string Reason)
    {
        /// <summary>True when the proposal keeps the case's planned time exactly (accepting it changes nothing for the patient); not part of the JSON contract.</summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public bool KeepsPlannedTime { get; init; }
    }

    public sealed record UnplacedCase(int Case, string Reason);

    public sealed record Result(IReadOnlyList<ProposedBooking> Bookings, IReadOnlyList<UnplacedCase> Unplaced);

    // ---- the inputs (hand-built in tests) ---------------------------------------------------------------------

    /// <summary>A held drug: its last dose is <paramref name="DaysBefore"/> days before surgery; a stop recorded for a surgery date counts for that date.</summary>
    public sealed record Hold(string Drug, int DaysBefore, DateOnly? StoppedOn = null, DateOnly? StoppedForSurgeryOn = null);

    /// <summary>A readiness item that is met until <paramref name="Until"/> (a test or an H&amp;P window).</summary>
    public sealed record Expiry(string Item, DateOnly Until);

    public sealed record ReadyCase(int Number, string Patient, string Surgeon, int Minutes, DateTime? PlannedLocal, IReadOnlyList<Hold> Holds, IReadOnlyList<Expiry> Expiries);

    public sealed record ExistingBooking(string RoomId, DateOnly Date, string Surgeon, TimeOnly Start, int Minutes);

    public sealed record Situation(DateOnly Today, DateOnly From, int Days, IReadOnlyList<OperatingRoom> Rooms, IReadOnlyList<ExistingBooking> Booked,
        IReadOnlyList<StaffMember> Staff, IReadOnlyList<ReadyCase> Cases, SchedulingOptions Options);

    /// <summary>A proposal is the scheduler's tool (it shows every Ready patient's name and planned date).</summary>
    public static void RequireScheduler(Cases.CaseActor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsIn([Auth.Roles.Scheduler]))
        {
            throw new DomainRuleException("role:proposal", "the schedule proposal needs role scheduler", forbidden: true);
        }
    }

    /// <summary>Refuses a window outside 1–28 days (400 naming the field).</summary>
    public static void CheckWindow(string? from, string? days, out DateOnly start, out int count)
    {
        var errors = new Dictionary<string, string[]>();
        start = default;
        count = 0;
        if (string.IsNullOrWhiteSpace(from) || !DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out start))
        {
            errors["from"] = [$"'{from}' is not a date (YYYY-MM-DD)"];
        }
        if (string.IsNullOrWhiteSpace(days) || !int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxDays)
        {
            errors["days"] = [$"'{days}' is not a number of days from 1 to {MaxDays}"];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
    }

    /// <summary>Gathers the situation from the database and plans it.</summary>
    public static async Task<Result> Build(ExplantDbContext db, ReadinessService readiness, HospitalTime time, SchedulingOptions options, DateOnly from, int days, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(readiness);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        var rooms = await db.OperatingRooms.AsNoTracking().OrderBy(r => r.Id).ToListAsync(ct);
        var until = from.AddDays(days);
        var booked = (await db.RoomDays.AsNoTracking().Where(r => r.Date >= from && r.Date < until).ToListAsync(ct))
            .SelectMany(r => r.Bookings.Select(b => new ExistingBooking(r.RoomId, r.Date, b.Surgeon, b.Start, b.DurationMinutes))).ToList();
        var staff = await db.Staff.AsNoTracking().ToListAsync(ct);
        var ready = (await db.Cases.AsNoTracking().Where(c => c.State == CaseState.Ready).ToListAsync(ct)).OrderBy(c => c.Number).ToList();
        var estimates = await CaseDurations.Estimate(db, ready, options.Duration, ct);
        var cases = new List<ReadyCase>();
        foreach (var c in ready)
        {
            var patient = await db.Patients.AsNoTracking().FirstAsync(p => p.Id == c.PatientId, ct);
            var report = await readiness.Evaluate(c, patient, ct);
            var holds = report.Holds.Where(h => h.LastDoseDate is not null).Select(h =>
            {
                var med = patient.Medications.FirstOrDefault(m => string.Equals(m.Name.Trim(), h.Drug.Trim(), StringComparison.OrdinalIgnoreCase));
                return new Hold(h.Info.Agent, report.EvaluatedFor.DayNumber - h.LastDoseDate!.Value.DayNumber, med?.StoppedOn, med?.StoppedForSurgeryOn);
            }).ToList();
            // Blocking items met until a date (tests, H&P): the surgery cannot be later. Medication items carry the last-dose day instead.
            var expiries = report.Items.Where(i => i.Blocking && i.Status == ItemStatus.Met && i.Date is not null && !i.RuleId.StartsWith("medication:", StringComparison.Ordinal))
                .Select(i => new Expiry(i.Title, i.Date!.Value)).ToList();
            cases.Add(new ReadyCase(c.Number, patient.DisplayName, c.Surgeon, Math.Min(estimates[c.Id].BookingMinutes, 24 * 60),
                c.PlannedSurgeryUtc is { } p ? time.ToLocal(p) : null, holds, expiries));
        }
        return Plan(new Situation(time.Today, from, days, rooms, booked, staff, cases, options), options.ProposalSeconds);
    }

    /// <summary>Why a case may not have surgery on <paramref name="day"/>, or null when it may.</summary>
    public static string? NotOn(ReadyCase c, DateOnly day, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (day <= today)
        {
            return $"never today or earlier (today is {today:yyyy-MM-dd})";
        }
        foreach (var h in c.Holds)
        {
            var lastDose = day.AddDays(-h.DaysBefore);
            var stoppedForThisDay = h.StoppedOn is { } s && h.StoppedForSurgeryOn == day && s <= lastDose;
            if (lastDose < today && !stoppedForThisDay)
            {
                return $"{h.Drug} stops {h.DaysBefore} day{(h.DaysBefore == 1 ? "" : "s")} before surgery and the patient can stop today at the earliest: not before {today.AddDays(h.DaysBefore):yyyy-MM-dd}";
            }
        }
        foreach (var e in c.Expiries.OrderBy(e => e.Until))
        {
            if (day > e.Until)
            {
                return $"{e.Item} is valid until {e.Until:yyyy-MM-dd}";
            }
        }
        return null;
    }

    /// <summary>The first day the rules allow (the bound from today and the holds), ignoring expiry.</summary>
    public static DateOnly Earliest(ReadyCase c, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(c);
        return c.Holds.Select(h => today.AddDays(h.DaysBefore)).Append(today.AddDays(1)).Max();
    }

    /// <summary>The last day the rules allow (the first readiness expiry), or null.</summary>
    public static DateOnly? Latest(ReadyCase c) => c.Expiries.Count == 0 ? null : c.Expiries.Min(e => e.Until);

    private sealed record Placed(ReadyCase Case, string RoomId, DateOnly Date, TimeOnly Start, int Minutes, string Reason, bool KeepsTime);

    public static Result Plan(Situation s, double seconds)
    {
        ArgumentNullException.ThrowIfNull(s);
        var options = s.Options;
        var rooms = s.Rooms.Where(r => options.RequiredCapabilities.All(r.Capabilities.Contains)).OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
        var dates = Enumerable.Range(0, s.Days).Select(s.From.AddDays).ToList();
        var busy = s.Booked.Select(b => (b.RoomId, b.Date, b.Surgeon, b.Start, End: b.Start.AddMinutes(b.Minutes), b.Minutes)).ToList();
        var placed = new List<Placed>();
        var unplaced = new List<UnplacedCase>();
        var toPlan = new List<(ReadyCase Case, string Why)>();

        string? SurgeonAway(string surgeon, DateOnly d) =>
            s.Staff.FirstOrDefault(m => string.Equals(m.Id, surgeon, StringComparison.OrdinalIgnoreCase))?.UnavailableOn(d);

        // Can the case go in this room at this time? Hours, other bookings (with turnover), blocks, the surgeon's day.
        bool Fits(ReadyCase c, OperatingRoom room, DateOnly d, TimeOnly start)
        {
            var end = start.AddMinutes(c.Minutes);
            if (room.OpenOn(d) is not { } open || start < open.Opens || end > open.Closes || end <= start)
            {
                return false;
            }
            if (room.BlockConflict(d, c.Surgeon, start, end) is not null || SurgeonAway(c.Surgeon, d) is not null)
            {
                return false;
            }
            var turnover = room.TurnoverMinutes;
            if (busy.Any(b => b.RoomId == room.Id && b.Date == d && start < b.End.AddMinutes(turnover) && b.Start < end.AddMinutes(turnover)))
            {
                return false;
            }
            if (busy.Any(b => b.Date == d && string.Equals(b.Surgeon, c.Surgeon, StringComparison.OrdinalIgnoreCase) && start < b.End && b.Start < end))
            {
                return false;
            }
            return busy.Where(b => b.Date == d && string.Equals(b.Surgeon, c.Surgeon, StringComparison.OrdinalIgnoreCase)).Sum(b => b.Minutes) + c.Minutes
                <= options.SurgeonDailyLimitMinutes;
        }

        void Take(Placed p)
        {
            placed.Add(p);
            busy.Add((p.RoomId, p.Date, p.Case.Surgeon, p.Start, p.Start.AddMinutes(p.Minutes), p.Minutes));
        }

        // 1. The planned date kept when that day is free: at the planned time if a room is free then, else the first free start that day.
        foreach (var c in s.Cases.OrderBy(c => c.PlannedLocal ?? DateTime.MaxValue).ThenBy(c => c.Number))
        {
            if (c.PlannedLocal is not { } planned)
            {
                toPlan.Add((c, "no planned date yet"));
                continue;
            }
            var day = DateOnly.FromDateTime(planned);
            var at = TimeOnly.FromDateTime(planned);
            if (day < s.From || day >= s.From.AddDays(s.Days))
            {
                toPlan.Add((c, $"planned {day:yyyy-MM-dd} is outside {s.From:yyyy-MM-dd}–{s.From.AddDays(s.Days - 1):yyyy-MM-dd}"));
                continue;
            }
            if (NotOn(c, day, s.Today) is { } why)
            {
                toPlan.Add((c, $"planned {day:yyyy-MM-dd} is not possible: {why}"));
                continue;
            }
            if (rooms.FirstOrDefault(r => Fits(c, r, day, at)) is { } exact)
            {
                Take(new Placed(c, exact.Id, day, at, c.Minutes, "planned date and time kept", KeepsTime: true));
                continue;
            }
            var first = rooms.SelectMany(r => FreeStarts(r, day).Where(t => Fits(c, r, day, t)).Take(1).Select(t => (Room: r, Start: t)))
                .OrderBy(x => x.Start).ThenBy(x => x.Room.Id, StringComparer.Ordinal).FirstOrDefault();
            if (first.Room is not null)
            {
                Take(new Placed(c, first.Room.Id, day, first.Start, c.Minutes, $"planned date kept; {at:HH:mm} is taken, first free start that day", KeepsTime: false));
                continue;
            }
            toPlan.Add((c, $"planned {day:yyyy-MM-dd} has no free room time for {c.Minutes} min"));
        }

        // 2. The rest: the optimiser over the free room time, each case within the days its rules allow.
        if (toPlan.Count > 0)
        {
            PlanRest(s, rooms, dates, toPlan, busy, placed, unplaced, Fits, Take, SurgeonAway, seconds);
        }

        return new Result(
            [.. placed.OrderBy(p => p.Date).ThenBy(p => p.RoomId, StringComparer.Ordinal).ThenBy(p => p.Start).Select(p => new ProposedBooking(p.Case.Number, p.Case.Patient, p.RoomId,
                p.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), p.Start.ToString("HH:mm", CultureInfo.InvariantCulture), p.Minutes,
                p.Case.PlannedLocal?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), p.Reason) { KeepsPlannedTime = p.KeepsTime })],
            [.. unplaced.OrderBy(u => u.Case)]);

        // Starts worth trying on a day: opening, and the end of each booking plus turnover.
        IEnumerable<TimeOnly> FreeStarts(OperatingRoom r, DateOnly d)
        {
            if (r.OpenOn(d) is not { } open)
            {
                return [];
            }
            return busy.Where(b => b.RoomId == r.Id && b.Date == d).Select(b => b.End.AddMinutes(r.TurnoverMinutes))
                .Concat(r.Blocks.Where(b => b.Day == d.DayOfWeek).Select(b => b.Opens)).Prepend(open.Opens).Where(t => t >= open.Opens).Distinct().Order();
        }
    }

    /// <summary>
    /// The optimiser part. A room-day with blocks is split into one planner room per block, open to its surgeon only
    /// (capability "@surgeon"); a room-day without blocks is open to every surgeon. Each planner room's time starts
    /// after the last booking in it (plus turnover). The result is checked slot by slot against the same rules as the
    /// planned-date pass, so a proposal never breaks a block, a booking or the surgeon's day.
    /// </summary>
    private static void PlanRest(Situation s, List<OperatingRoom> rooms, List<DateOnly> dates, List<(ReadyCase Case, string Why)> toPlan,
        List<(string RoomId, DateOnly Date, string Surgeon, TimeOnly Start, TimeOnly End, int Minutes)> busy, List<Placed> placed, List<UnplacedCase> unplaced,
        Func<ReadyCase, OperatingRoom, DateOnly, TimeOnly, bool> fits, Action<Placed> take, Func<string, DateOnly, string?> away, double seconds)
    {
        var options = s.Options;
        var surgeons = toPlan.Select(x => x.Case.Surgeon).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var everyone = surgeons.Select(x => "@" + x.ToLowerInvariant()).ToList();
        // Planner rooms: (room, block surgeon or null, block window) → start of free time and minutes per day.
        var lanes = new List<(OperatingRoom Room, string? Surgeon, TimeOnly[] Starts, int[] Minutes)>();
        foreach (var room in rooms)
        {
            var open = new TimeOnly[dates.Count];
            var minutes = new int[dates.Count];
            var blockLanes = new Dictionary<(string Surgeon, TimeOnly Opens), (TimeOnly[] Starts, int[] Minutes)>();
            for (var i = 0; i < dates.Count; i++)
            {
                var d = dates[i];
                if (room.OpenOn(d) is not { } hours)
                {
                    continue;
                }
                var blocks = room.Blocks.Where(b => b.Day == d.DayOfWeek).ToList();
                if (blocks.Count == 0)
                {
                    (open[i], minutes[i]) = Free(room, d, hours.Opens, hours.Closes);
                    continue;
                }
                foreach (var b in blocks)
                {
                    var key = (b.Surgeon.ToLowerInvariant(), b.Opens);
                    if (!blockLanes.TryGetValue(key, out var lane))
                    {
                        blockLanes[key] = lane = (new TimeOnly[dates.Count], new int[dates.Count]);
                    }
                    (lane.Starts[i], lane.Minutes[i]) = Free(room, d, b.Opens, b.Closes);
                }
            }
            lanes.Add((room, null, open, minutes));
            lanes.AddRange(blockLanes.Select(kv => (room, (string?)kv.Key.Surgeon, kv.Value.Starts, kv.Value.Minutes)));
        }

        var planCases = new List<PlanCase>();
        foreach (var (c, why) in toPlan)
        {
            var earliest = Earliest(c, s.Today);
            var latest = Latest(c);
            var first = dates.FindIndex(d => d >= earliest);
            var last = latest is { } l ? dates.FindLastIndex(d => d <= l) : dates.Count - 1;
            if (first < 0 || last < 0 || first > last)
            {
                var limit = first < 0 ? $"the first possible day is {earliest:yyyy-MM-dd}{Because(c, earliest.AddDays(-1), s.Today)}, after this window"
                    : $"{c.Expiries.MinBy(e => e.Until)!.Item} is valid until {latest:yyyy-MM-dd}, before the first possible day {earliest:yyyy-MM-dd} in this window";
                unplaced.Add(new UnplacedCase(c.Number, $"{why}; {limit}"));
                continue;
            }
            planCases.Add(new PlanCase(c.Number.ToString(CultureInfo.InvariantCulture), c.Surgeon.ToLowerInvariant(), c.Minutes, first, last == dates.Count - 1 ? null : last,
                Mandatory: false, ["@" + c.Surgeon.ToLowerInvariant()]));
        }
        if (planCases.Count == 0)
        {
            return;
        }
        var problem = new Problem(dates.Count, rooms.Count == 0 ? 0 : rooms.Max(r => r.TurnoverMinutes),
            [.. lanes.Select((l, i) => new Room(i.ToString(CultureInfo.InvariantCulture), l.Surgeon is null ? everyone : ["@" + l.Surgeon], l.Minutes))],
            [.. surgeons.Select(x => new Surgeon(x.ToLowerInvariant(), [.. dates.Select(d => away(x, d) is not null ? 0
                : Math.Max(0, options.SurgeonDailyLimitMinutes - busy.Where(b => b.Date == d && string.Equals(b.Surgeon, x, StringComparison.OrdinalIgnoreCase)).Sum(b => b.Minutes)))]))
                .DistinctBy(x => x.Id)],
            planCases,
            new Weights(options.ProposalWeights.UnscheduledOptional, options.ProposalWeights.DelayPerDay, options.ProposalWeights.OpenRoomDay, options.ProposalWeights.SurgeonRoomSwitch));
        var plan = lanes.Count == 0 ? new Explant.Planner.Plan(PlanStatus.Feasible, 0, 0, [], [.. planCases.Select(p => p.Id)])
            : CpSatPlanner.Solve(problem, new SolverSettings(seconds, 2, 1));
        var byNumber = toPlan.ToDictionary(x => x.Case.Number.ToString(CultureInfo.InvariantCulture));
        foreach (var a in plan.Assignments.OrderBy(a => a.Day).ThenBy(a => a.RoomId, StringComparer.Ordinal).ThenBy(a => a.StartMinute))
        {
            var (c, why) = byNumber[a.CaseId];
            var lane = lanes[int.Parse(a.RoomId, CultureInfo.InvariantCulture)];
            var date = dates[a.Day];
            var start = lane.Starts[a.Day].AddMinutes(a.StartMinute);
            // The turnover of the planner is the widest of all rooms; the real room may need less, never more.
            if (!fits(c, lane.Room, date, start) || NotOn(c, date, s.Today) is not null)
            {
                unplaced.Add(new UnplacedCase(c.Number, $"{why}; the optimiser's slot {lane.Room.Id} {date:yyyy-MM-dd} {start:HH:mm} clashes with the surgeon's day or a booking"));
                continue;
            }
            var earliest = Earliest(c, s.Today);
            var later = date > earliest && dates.IndexOf(earliest) >= 0 ? $"; {earliest:yyyy-MM-dd}–{date.AddDays(-1):yyyy-MM-dd} had no free room time for the surgeon" : "";
            take(new Placed(c, lane.Room.Id, date, start, c.Minutes, $"{why}; first possible day {earliest:yyyy-MM-dd}{Because(c, earliest.AddDays(-1), s.Today)}{later}", KeepsTime: false));
        }
        foreach (var id in plan.Unscheduled)
        {
            var (c, why) = byNumber[id];
            var latest = Latest(c);
            unplaced.Add(new UnplacedCase(c.Number, $"{why}; no free room time for {c.Minutes} min with the surgeon available between {Earliest(c, s.Today):yyyy-MM-dd} and "
                + $"{(latest is { } l && l < dates[^1] ? l : dates[^1]):yyyy-MM-dd}"));
        }

        // Free time in [from, to) after the last booking in it (plus turnover).
        (TimeOnly Start, int Minutes) Free(OperatingRoom room, DateOnly d, TimeOnly from, TimeOnly to)
        {
            var last = busy.Where(b => b.RoomId == room.Id && b.Date == d && b.Start < to && b.End > from).Select(b => (TimeOnly?)b.End).Max();
            var start = last is { } e ? e.AddMinutes(room.TurnoverMinutes) : from;
            return start >= to || start < from ? (from, 0) : (start, (int)(to - start).TotalMinutes);
        }
    }

    /// <summary>" (why the day before is not possible)" when a rule — today or a hold — sets the first possible day.</summary>
    private static string Because(ReadyCase c, DateOnly dayBefore, DateOnly today) => NotOn(c, dayBefore, today) is { } why ? $" ({why})" : "";
}
