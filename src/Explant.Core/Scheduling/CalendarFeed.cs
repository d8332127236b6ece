using Explant.Core.Data;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Scheduling;

/// <summary>
/// iCalendar feeds of bookings per room and per surgeon. Events carry the case number and room only — no
/// patient name or MRN — because calendar feeds end up on phones and in shared calendars.
/// </summary>
public static class CalendarFeed
{
    public static async Task<string> ForRoom(ExplantDbContext db, HospitalTime time, string roomId, DateOnly from, CancellationToken ct = default) =>
        Write(time, await Bookings(db, from, ct), b => b.Room == roomId, $"Explant {roomId}");

    public static async Task<string> ForSurgeon(ExplantDbContext db, HospitalTime time, string surgeon, DateOnly from, CancellationToken ct = default) =>
        Write(time, await Bookings(db, from, ct), b => string.Equals(b.Booking.Surgeon, surgeon, StringComparison.OrdinalIgnoreCase), $"Explant {surgeon}");

    private static async Task<List<(string Room, DateOnly Date, Booking Booking)>> Bookings(ExplantDbContext db, DateOnly from, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var days = await db.RoomDays.AsNoTracking().Where(r => r.Date >= from).ToListAsync(ct);
        return [.. days.SelectMany(d => d.Bookings.Select(b => (d.RoomId, d.Date, b)))];
    }

    private static string Write(HospitalTime time, IEnumerable<(string Room, DateOnly Date, Booking Booking)> bookings,
        Func<(string Room, DateOnly Date, Booking Booking), bool> filter, string name)
    {
        ArgumentNullException.ThrowIfNull(time);
        var calendar = new Ical.Net.Calendar { ProductId = "-//Explant//Theatre bookings//EN" };
        calendar.AddProperty("X-WR-CALNAME", name);
        foreach (var x in bookings.Where(filter).OrderBy(x => x.Date).ThenBy(x => x.Booking.Start))
        {
            var start = x.Date.ToDateTime(x.Booking.Start);
            calendar.Events.Add(new CalendarEvent
            {
                Uid = $"{x.Booking.CaseId}@explant",
                Summary = $"Case {x.Booking.CaseNumber} — {x.Room}",
                Description = $"Surgeon {x.Booking.Surgeon}; {x.Booking.DurationMinutes} min",
                Location = x.Room,
                DtStart = new CalDateTime(start, time.Zone.Id, true),
                DtEnd = new CalDateTime(start.AddMinutes(x.Booking.DurationMinutes), time.Zone.Id, true),
            });
        }
        return new CalendarSerializer().SerializeToString(calendar) ?? "";
    }
}
