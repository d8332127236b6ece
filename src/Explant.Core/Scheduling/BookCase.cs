using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Procedures;
using Explant.Core.Readiness;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Scheduling;

public sealed class SchedulingOptions
{
    /// <summary>Maximum operating minutes per surgeon per day (docs/clinical-rules.md §6 ⚠ local setting); exceeding it is a soft conflict.</summary>
    public int SurgeonDailyLimitMinutes { get; set; } = 480;

    /// <summary>Turnover for a new room when none is given (docs/clinical-rules.md §6: default 30 min ⚠, set per room).</summary>
    public int DefaultTurnoverMinutes { get; set; } = 30;

    /// <summary>Room capabilities every removal needs: an intra-operative level image (rule 30, [S45]) needs fluoroscopy.</summary>
    public List<string> RequiredCapabilities { get; set; } = ["fluoroscopy"];

    /// <summary>
    /// When true a booking without a person for every role the definition's Personnel section lists is a soft
    /// conflict. Off by default: many theatres assign nurses the day before, so gaps are shown on the board and the
    /// daily list ("team incomplete") instead of refusing the booking.
    /// </summary>
    public bool RequireFullTeamAtBooking { get; set; }

    /// <summary>The optimiser's objective weights for "propose week" (issue #6 §4; local preference).</summary>
    public ProposalWeights ProposalWeights { get; set; } = new();

    /// <summary>The duration model (section Scheduling:Duration, §8.1 booking quantile ⚠): a blank booking length is its estimate.</summary>
    public Planner.DurationOptions Duration { get; set; } = new();

    /// <summary>Seconds the optimiser may spend on a proposal (issue #14 §1: never worse than the greedy at any limit).</summary>
    public double ProposalSeconds { get; set; } = 5;
}

public sealed class ProposalWeights
{
    public int UnscheduledOptional { get; set; } = 100;
    public int DelayPerDay { get; set; } = 5;
    public int OpenRoomDay { get; set; } = 20;
    public int SurgeonRoomSwitch { get; set; } = 1;
}

/// <summary>A booking refused for its conflicts; soft ones can be overridden by a scheduler with a reason.</summary>
public sealed class BookingConflictException(IReadOnlyList<Conflict> conflicts)
    : Exception("booking refused: " + string.Join("; ", conflicts.Select(c => $"{c.Rule}: {c.Message}{(c.Soft ? " (soft: override with a reason)" : "")}")))
{
    public IReadOnlyList<Conflict> Conflicts { get; } = conflicts;
}

/// <summary>
/// Books a Ready case into a room at a local date and time — or moves a Scheduled case's booking — refusing every
/// conflict of the scheduling issue §3: room, turnover, hours, closure, capability, block, person double-booked or
/// unavailable, role, surgeon's daily limit, case state.
/// </summary>
public static class BookCase
{
    public sealed record TeamMember(string Role, string StaffId);

    /// <summary>
    /// A booking request. <paramref name="DurationMinutes"/> null books the case's estimate (at the booking quantile), the
    /// same rule for the API, the board and the proposal; a slot shorter than the estimate's median needs
    /// <paramref name="ShortSlotReason"/>. A start other than the case's planned surgery time is refused (409
    /// planned-time-differs) unless <paramref name="ConfirmTimeChange"/>: then the planned time moves, the patient's
    /// instructions are re-issued and readiness item patient-informed opens.
    /// </summary>
    public sealed record Command(string Case, string RoomId, DateOnly Date, TimeOnly Start, int? DurationMinutes, string? OverrideReason,
        IReadOnlyList<TeamMember>? Team = null, bool ConfirmTimeChange = false, string? ShortSlotReason = null);

    /// <summary>
    /// The raw fields of a booking as a person or a client typed them (the board's form, the JSON body): parsed here so
    /// every route refuses the same input with the same words and field names.
    /// </summary>
    public sealed record Input(string? Case, string? RoomId, string? Date, string? Start, string? DurationMinutes, string? OverrideReason,
        IReadOnlyList<TeamMember>? Team = null, bool ConfirmTimeChange = false, string? ShortSlotReason = null);

    public static Command Parse(Input input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var check = new Validation.Check();
        var caseRef = check.Text("case", input.Case, Validation.InputLimits.ShortText, required: true);
        var room = check.Text("roomId", input.RoomId, Validation.InputLimits.ShortText, required: true);
        DateOnly date = default;
        if (string.IsNullOrWhiteSpace(input.Date))
        {
            check.Add("date", "required (YYYY-MM-DD)");
        }
        else if (!DateOnly.TryParseExact(input.Date.Trim(), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out date))
        {
            check.Add("date", $"'{input.Date}' is not a date (YYYY-MM-DD)");
        }
        TimeOnly start = default;
        if (string.IsNullOrWhiteSpace(input.Start))
        {
            check.Add("start", "required (HH:mm)");
        }
        else if (!TimeOnly.TryParseExact(input.Start.Trim(), ["HH:mm", "HH:mm:ss"], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out start))
        {
            check.Add("start", $"'{input.Start}' is not a time (HH:mm)");
        }
        int? minutes = null;
        if (!string.IsNullOrWhiteSpace(input.DurationMinutes))
        {
            if (int.TryParse(input.DurationMinutes.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var m))
            {
                minutes = m;
            }
            else
            {
                check.Add("durationMinutes", $"'{input.DurationMinutes}' is not a whole number of minutes");
            }
        }
        check.ThrowIfAny();
        return new Command(caseRef!, room!, date, start, minutes, input.OverrideReason, input.Team, input.ConfirmTimeChange, input.ShortSlotReason);
    }

    /// <summary>What a confirmed time change did, for the caller's message (null when the time did not change).</summary>
    public sealed record Outcome(SurgicalCase Case, DateTime? MovedFromUtc);

    public static async Task<SurgicalCase> Handle(ExplantDbContext db, ReadinessService readiness, HospitalTime time, SchedulingOptions options,
        Command command, CaseActor actor, DateTime nowUtc, CancellationToken ct = default) =>
        (await Book(db, readiness, time, options, command, actor, nowUtc, ct)).Case;

    public static async Task<Outcome> Book(ExplantDbContext db, ReadinessService readiness, HospitalTime time, SchedulingOptions options,
        Command command, CaseActor actor, DateTime nowUtc, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(readiness);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsIn([Roles.Scheduler]))
        {
            throw new DomainRuleException("role:book", "booking needs role scheduler", forbidden: true);
        }
        if (command.DurationMinutes is <= 0 or > 24 * 60)
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["durationMinutes"] = ["must be between 1 and 1440"] });
        }
        var check = new Validation.Check();
        var shortReason = check.Text("shortSlotReason", command.ShortSlotReason, Validation.InputLimits.Note);
        check.ThrowIfAny();
        var c = await CaseHandlers.Find(db, command.Case, ct) ?? throw new NotFoundException($"case {command.Case}");
        var estimate = (await CaseDurations.Estimate(db, [c], options.Duration, ct))[c.Id];
        var minutes = command.DurationMinutes ?? Math.Min(estimate.BookingMinutes, 24 * 60);
        if (minutes < estimate.MedianMinutes && shortReason is null)
        {
            throw new ValidationException(new Dictionary<string, string[]>
            {
                ["shortSlotReason"] = [$"{minutes} min is shorter than the estimate's median of {estimate.MedianMinutes} min for case {c.Number} ({estimate.Basis}): give a reason for the short slot"],
            });
        }
        command = command with { DurationMinutes = minutes };
        var room = await db.OperatingRooms.FirstOrDefaultAsync(r => r.Id == command.RoomId, ct) ?? throw new NotFoundException($"room {command.RoomId}");
        var team = await ResolveTeam(db, command.Team ?? [], ct);
        // Read the people's day rows before the bookings they guard (see PersonDay): a booking saved by someone else
        // after this read makes our save fail, one saved before it is in the bookings read next.
        var people = new[] { c.Surgeon }.Concat(team.Select(t => t.Staff.Id)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var personDays = await db.PersonDays.Where(p => p.Date == command.Date && people.Contains(p.Person)).ToListAsync(ct);
        var moving = c.State == CaseState.Scheduled;
        var sameDay = await db.RoomDays.Where(r => r.Date == command.Date).ToListAsync(ct);
        var roomDay = sameDay.FirstOrDefault(r => r.RoomId == room.Id);
        var conflicts = new List<Conflict>();
        if (!moving && c.State != CaseState.Ready)
        {
            conflicts.Add(new("case-not-ready", $"case {c.Number} is {c.State}; only Ready cases are booked and only Scheduled ones moved", Soft: false));
        }
        var missing = options.RequiredCapabilities.Except(room.Capabilities).ToList();
        if (missing.Count > 0)
        {
            conflicts.Add(new("missing-capability", $"{room.Id} lacks {string.Join(", ", missing)}", Soft: false));
        }
        conflicts.AddRange((roomDay ?? RoomDay.For(room.Id, command.Date)).RoomConflicts(room, command.Start, minutes, c.Id));

        var end = command.Start.AddMinutes(minutes);
        if (room.BlockConflict(command.Date, c.Surgeon, command.Start, end) is { } block)
        {
            conflicts.Add(block);
        }
        var others = sameDay.SelectMany(r => r.Bookings.Where(b => b.CaseId != c.Id).Select(b => (Room: r.RoomId, Booking: b))).ToList();
        foreach (var (otherRoom, b) in others.Where(x => x.Room != room.Id && x.Booking.Surgeon == c.Surgeon && command.Start < x.Booking.End && x.Booking.Start < end))
        {
            conflicts.Add(new("surgeon-double-booked", $"{c.Surgeon} operates case {b.CaseNumber} in {otherRoom} {b.Start:HH:mm}–{b.End:HH:mm}", Soft: false));
        }
        var total = others.Where(x => x.Booking.Surgeon == c.Surgeon).Sum(x => x.Booking.DurationMinutes) + minutes;
        if (total > options.SurgeonDailyLimitMinutes)
        {
            conflicts.Add(new("surgeon-over-limit", $"{c.Surgeon} would operate {total} min on {command.Date:yyyy-MM-dd} (limit {options.SurgeonDailyLimitMinutes})", Soft: true));
        }
        conflicts.AddRange(await PeopleConflicts(db, c, team, others, command.Date, command.Start, end, ct));

        var definition = await ProcedureQueries.Find(db, c.ProcedureCode, c.ProcedureVersion, ct);
        var required = definition?.Parse().Facts.Personnel.Select(p => p.Key).Where(TeamRoles.All.Contains).Distinct().ToList() ?? [];
        var booking = new Booking
        {
            CaseId = c.Id, CaseNumber = c.Number, Surgeon = c.Surgeon, Start = command.Start, DurationMinutes = minutes, ShortSlotReason = shortReason,
            BookedBy = actor.Name, RequiredRoles = required,
            Team = [.. team.Select(t => new TeamAssignment { Role = t.Role, StaffId = t.Staff.Id, Name = t.Staff.Name })],
        };
        if (options.RequireFullTeamAtBooking && booking.TeamGaps.Count > 0)
        {
            conflicts.Add(new("missing-role", $"nobody assigned as {string.Join(", ", booking.TeamGaps.Select(TeamRoles.Label))}", Soft: true));
        }
        if (conflicts.Any(x => !x.Soft) || (conflicts.Count > 0 && string.IsNullOrWhiteSpace(command.OverrideReason)))
        {
            throw new BookingConflictException(conflicts);
        }
        booking.OverrideReason = conflicts.Count > 0 ? command.OverrideReason!.Trim() : null;

        // Issue #14 §2: the patient was given a time; a booking at another one is a decision someone confirms, never a side effect.
        var surgeryUtc = Fasting.ToUtc(command.Date.ToDateTime(command.Start), time.Zone);
        var plannedUtc = c.PlannedSurgeryUtc;
        if (plannedUtc is { } was && was != surgeryUtc && !command.ConfirmTimeChange)
        {
            throw new DomainRuleException("planned-time-differs",
                $"case {c.Number} is planned for {time.ToLocal(was):yyyy-MM-dd HH:mm}, this booking starts {command.Date:yyyy-MM-dd} {command.Start:HH:mm}: "
                + "confirm the time change (confirmTimeChange) to move the planned time, re-issue the patient's instructions and have a nurse tell the patient");
        }
        var previousLines = plannedUtc is not null && plannedUtc != surgeryUtc ? await InstructionLines(db, readiness, time, c, ct) : null;

        if (moving)
        {
            // A move takes the case out of its old room-day in the same save, so it is never in two places.
            foreach (var old in await DaysHolding(db, c, ct))
            {
                if (old != roomDay)
                {
                    old.Remove(c.Id);
                }
            }
        }
        if (roomDay is null)
        {
            roomDay = RoomDay.For(room.Id, command.Date);
            db.RoomDays.Add(roomDay);
        }
        roomDay.Add(booking);
        foreach (var person in people)
        {
            if (personDays.FirstOrDefault(p => string.Equals(p.Person, person, StringComparison.OrdinalIgnoreCase)) is { } day)
            {
                day.Touch();
            }
            else
            {
                db.PersonDays.Add(PersonDay.For(person, command.Date));
            }
        }
        if (moving)
        {
            c.MoveBookedSurgery(surgeryUtc, actor, nowUtc);
            await Reissue(db, readiness, time, c, plannedUtc, previousLines, actor, nowUtc, ct);
            // Holds and test windows are judged against the surgery date, so a moved case must still be ready on the new one
            // (patient-informed, opened by this move, blocks check-in instead).
            var report = await readiness.Evaluate(c, ct);
            var open = report.OpenBlocking.Where(i => i.RuleId != ReadinessEngine.PatientInformedRule).ToList();
            if (open.Count > 0)
            {
                throw new BookingConflictException([new("readiness", $"on {command.Date:yyyy-MM-dd} readiness has blocking items: {string.Join("; ", open.Select(i => i.Title))}", Soft: false)]);
            }
            await db.SaveChangesAsync(ct);
            return new Outcome(c, previousLines is null ? null : plannedUtc);
        }
        c.SetPlannedSurgery(surgeryUtc, actor, nowUtc);
        await Reissue(db, readiness, time, c, plannedUtc, previousLines, actor, nowUtc, ct);
        // Readiness is judged against the booked date; the room-day, the date and the transition save together.
        return new Outcome(await readiness.FireStep(c.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), CaseTrigger.Schedule,
            new TransitionRequest(conflicts.Count > 0 ? $"booked with override: {command.OverrideReason}" : $"booked {room.Id} {command.Date:yyyy-MM-dd} {command.Start:HH:mm}"),
            actor, ct), previousLines is null ? null : plannedUtc);
    }

    /// <summary>After a confirmed change of time: the old instructions kept, the new ones issued, patient-informed opened.</summary>
    private static async Task Reissue(ExplantDbContext db, ReadinessService readiness, HospitalTime time, SurgicalCase c, DateTime? fromUtc,
        IReadOnlyList<string>? previousLines, CaseActor actor, DateTime nowUtc, CancellationToken ct)
    {
        if (fromUtc is not { } from || previousLines is null)
        {
            return;
        }
        var lines = await InstructionLines(db, readiness, time, c, ct);
        c.IssueInstructionsForTimeChange(from, previousLines, lines,
            $"surgery moved from {time.ToLocal(from):yyyy-MM-dd HH:mm} to {time.ToLocal(c.PlannedSurgeryUtc!.Value):yyyy-MM-dd HH:mm} by booking ({actor.Name})", actor, nowUtc);
    }

    /// <summary>The patient's instructions for the case's current planned time, as text lines (what a version keeps).</summary>
    private static async Task<List<string>> InstructionLines(ExplantDbContext db, ReadinessService readiness, HospitalTime time, SurgicalCase c, CancellationToken ct)
    {
        var patient = await db.Patients.AsNoTracking().FirstAsync(p => p.Id == c.PatientId, ct);
        var instructions = PatientInstructions.From(await readiness.Evaluate(c, patient, ct), patient, time.HospitalName, time.Zone);
        return [.. instructions.Lines.Select(l => $"{l.Heading}: {l.Text}{(l.Detail is null ? "" : $" ({l.Detail})")}"),
            .. instructions.AskYourTeam.Select(a => $"Please ask your care team: {a}")];
    }

    private static async Task<List<(string Role, StaffMember Staff)>> ResolveTeam(ExplantDbContext db, IReadOnlyList<TeamMember> team, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var resolved = new List<(string Role, StaffMember Staff)>();
        for (var i = 0; i < team.Count; i++)
        {
            var role = team[i].Role?.Trim().ToLowerInvariant() ?? "";
            if (!TeamRoles.All.Contains(role))
            {
                errors[$"team[{i}].role"] = [$"'{team[i].Role}' is not a team role; choose one of {string.Join(", ", TeamRoles.All)}"];
                continue;
            }
            var id = team[i].StaffId?.Trim() ?? "";
            var staff = await db.Staff.FirstOrDefaultAsync(s => s.Id == id, ct);
            if (staff is null)
            {
                errors[$"team[{i}].staffId"] = [$"nobody on the staff list is '{team[i].StaffId}'"];
                continue;
            }
            if (resolved.FirstOrDefault(r => r.Staff.Id == staff.Id) is { Staff: not null } already)
            {
                errors[$"team[{i}].staffId"] = [$"{staff.Name} is already on this team as {TeamRoles.Label(already.Role)}; one person takes one role"];
                continue;
            }
            resolved.Add((role, staff));
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        return resolved;
    }

    /// <summary>Each person once at a time, on a day they work, in a role they hold; the surgeon too when registered as staff.</summary>
    private static async Task<List<Conflict>> PeopleConflicts(ExplantDbContext db, SurgicalCase c, List<(string Role, StaffMember Staff)> team,
        List<(string Room, Booking Booking)> others, DateOnly date, TimeOnly start, TimeOnly end, CancellationToken ct)
    {
        var conflicts = new List<Conflict>();
        if (await db.Staff.FirstOrDefaultAsync(s => s.Id == c.Surgeon, ct) is { } surgeon && surgeon.UnavailableOn(date) is { } away)
        {
            conflicts.Add(new("surgeon-unavailable", away, Soft: false));
        }
        foreach (var (role, staff) in team)
        {
            if (!staff.Roles.Contains(role))
            {
                conflicts.Add(new("staff-role", $"{staff.Name} does not hold the role {TeamRoles.Label(role)} (holds {string.Join(", ", staff.Roles.Select(TeamRoles.Label))})", Soft: false));
            }
            if (staff.UnavailableOn(date) is { } why)
            {
                conflicts.Add(new("staff-unavailable", why, Soft: false));
            }
            foreach (var (room, b) in others.Where(x => x.Booking.Team.Any(t => t.StaffId == staff.Id) && start < x.Booking.End && x.Booking.Start < end))
            {
                conflicts.Add(new("person-double-booked", $"{staff.Name} is on case {b.CaseNumber} in {room} {b.Start:HH:mm}–{b.End:HH:mm}", Soft: false));
            }
        }
        return conflicts;
    }

    /// <summary>
    /// Frees the room time of a case that left the schedule (postponed, cancelled, consent withdrawn, plan changed):
    /// a cancelled case must not stay on the daily list or block the slot.
    /// </summary>
    public static async Task ReleaseBookings(ExplantDbContext db, SurgicalCase c, CancellationToken ct)
    {
        foreach (var day in await DaysHolding(db, c, ct))
        {
            day.Remove(c.Id);
        }
    }

    // A booking sits on the local date of the case's planned surgery (set together at booking), which is within a
    // day of its UTC date whatever the zone; owned JSON collections cannot be filtered in SQL on both providers,
    // so the dates narrow the rows loaded.
    private static async Task<List<RoomDay>> DaysHolding(ExplantDbContext db, SurgicalCase c, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(c);
        List<RoomDay> days;
        if (c.PlannedSurgeryUtc is { } utc)
        {
            var d = DateOnly.FromDateTime(utc);
            days = await db.RoomDays.Where(r => r.Date >= d.AddDays(-1) && r.Date <= d.AddDays(1)).ToListAsync(ct);
        }
        else
        {
            days = await db.RoomDays.ToListAsync(ct);
        }
        return [.. days.Where(d => d.Bookings.Any(b => b.CaseId == c.Id))];
    }
}
