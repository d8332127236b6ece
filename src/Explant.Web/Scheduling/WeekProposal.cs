using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Implants;
using Explant.Core.Procedures;
using Explant.Core.Scheduling;
using Explant.Planner;
using Microsoft.EntityFrameworkCore;

namespace Explant.Web.Scheduling;

/// <summary>
/// "Propose week": the planner over the Ready cases and the rooms' free time after what is already booked.
/// Nothing is booked here; the scheduler accepts proposals one by one and each goes through the full conflict
/// check of <see cref="BookCase"/>.
/// </summary>
internal static class WeekProposal
{
    public sealed record Proposed(int CaseNumber, string Surgeon, string RoomId, DateOnly Date, TimeOnly Start, int Minutes, string Basis);

    /// <summary>A booking already on the schedule in the proposal's window; the proposal leaves it where it is.</summary>
    public sealed record Existing(int CaseNumber, string Surgeon, string RoomId, DateOnly Date, TimeOnly Start, int Minutes);

    public sealed record Result(DateOnly From, int Days, IReadOnlyList<Proposed> Bookings, IReadOnlyList<int> Unplaced, string Status, IReadOnlyList<Existing> Kept);

    public static async Task<Result> Build(ExplantDbContext db, SchedulingOptions options, DurationOptions durations, DateOnly from, int days, double seconds, CancellationToken ct)
    {
        var rooms = (await db.OperatingRooms.AsNoTracking().OrderBy(r => r.Id).ToListAsync(ct))
            .Where(r => options.RequiredCapabilities.All(r.Capabilities.Contains)).ToList();
        var dates = Enumerable.Range(0, days).Select(from.AddDays).ToList();
        var booked = await db.RoomDays.AsNoTracking().Where(r => r.Date >= from && r.Date < from.AddDays(days)).ToListAsync(ct);
        var ready = (await db.Cases.AsNoTracking().Where(c => c.State == CaseState.Ready).ToListAsync(ct)).OrderBy(c => c.Number).ToList();
        List<Existing> kept = [.. booked.SelectMany(r => r.Bookings.Select(b => new Existing(b.CaseNumber, b.Surgeon, r.RoomId, r.Date, b.Start, b.DurationMinutes)))
            .OrderBy(e => e.Date).ThenBy(e => e.RoomId).ThenBy(e => e.Start)];
        if (ready.Count == 0 || rooms.Count == 0)
        {
            return new Result(from, days, [], [.. ready.Select(c => c.Number)], "nothing to plan", kept);
        }

        // Free time per room-day starts after the last existing booking plus turnover.
        int FreeFrom(OperatingRoom r, DateOnly d)
        {
            var open = r.OpenOn(d);
            if (open is null)
            {
                return 0;
            }
            var last = booked.FirstOrDefault(x => x.RoomId == r.Id && x.Date == d)?.Bookings.Max(b => (TimeOnly?)b.End);
            return last is { } end ? (int)(end - open.Value.Opens).TotalMinutes + r.TurnoverMinutes : 0;
        }
        int Capacity(OperatingRoom r, DateOnly d) =>
            r.OpenOn(d) is { } o ? Math.Max(0, (int)(o.Closes - o.Opens).TotalMinutes - FreeFrom(r, d)) : 0;

        var estimates = await CaseDurations.Estimate(db, ready, durations, ct);
        var surgeonBooked = booked.SelectMany(r => r.Bookings.Select(b => (r.Date, b.Surgeon, b.DurationMinutes))).ToList();
        var problem = new Problem(days, rooms.Max(r => r.TurnoverMinutes),
            [.. rooms.Select(r => new Room(r.Id, r.Capabilities, [.. dates.Select(d => Capacity(r, d))]))],
            [.. ready.Select(c => c.Surgeon).Distinct().Select(s => new Surgeon(s, [.. dates.Select(d =>
                Math.Max(0, options.SurgeonDailyLimitMinutes - surgeonBooked.Where(x => x.Date == d && x.Surgeon == s).Sum(x => x.DurationMinutes)))]))],
            [.. ready.Select(c => new PlanCase(c.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), c.Surgeon,
                Math.Min(estimates[c.Id].BookingMinutes, 24 * 60), 0, null, Mandatory: false, []))],
            new Weights(options.ProposalWeights.UnscheduledOptional, options.ProposalWeights.DelayPerDay, options.ProposalWeights.OpenRoomDay, options.ProposalWeights.SurgeonRoomSwitch));
        var plan = CpSatPlanner.Solve(problem, new SolverSettings(seconds, 2, 1));
        var byNumber = ready.ToDictionary(c => c.Number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var proposals = plan.Assignments.Select(a =>
        {
            var room = rooms.First(r => r.Id == a.RoomId);
            var date = dates[a.Day];
            var start = room.OpenOn(date)!.Value.Opens.AddMinutes(FreeFrom(room, date) + a.StartMinute);
            var c = byNumber[a.CaseId];
            var minutes = problem.Cases.First(x => x.Id == a.CaseId).DurationMinutes;
            return new Proposed(c.Number, c.Surgeon, a.RoomId, date, start, minutes, estimates[c.Id].Basis);
        }).OrderBy(p => p.Date).ThenBy(p => p.RoomId).ThenBy(p => p.Start).ToList();
        return new Result(from, days, proposals, [.. plan.Unscheduled.Select(id => byNumber[id].Number)], plan.Status.ToString().ToLowerInvariant(), kept);
    }
}
