using System.Globalization;
using System.Text.Json;
using Explant.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Audit;

/// <summary>A page of results: <c>{"items":[…],"page":1,"pageSize":50,"total":N}</c>.</summary>
public sealed record AuditPage<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total)
{
    public int Pages => Total == 0 ? 1 : (Total + PageSize - 1) / PageSize;
}

/// <summary>One change as an auditor reads it; before/after are the stored snapshots as JSON objects.</summary>
public sealed record AuditChange(long Id, DateTime AtUtc, string Actor, string Entity, string Key, string Action, JsonElement? Before, JsonElement? After);

public sealed record AccessRecord(long Id, DateTime AtUtc, string Actor, string Kind, string Method, string Path, string? Subject, int Status, string? Rule);

/// <summary>
/// Filters as they arrive (query strings, form fields), parsed here so the API and the admin page refuse the same
/// bad values with the same field names. A date (yyyy-MM-dd) is a hospital-local day: <c>from</c> is its start,
/// <c>to</c> includes the whole day; a date-time with an offset (…Z, …+01:00) is that instant.
/// </summary>
public sealed record AuditFilterText(string? Entity = null, string? Key = null, string? Actor = null, string? Subject = null,
    string? From = null, string? To = null, string? Page = null, string? PageSize = null);

public static class AuditQuery
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    private sealed record Parsed(string? Entity, string? Key, string? Actor, string? Subject, DateTime? FromUtc, DateTime? ToUtc, int Page, int PageSize);

    private static Parsed Parse(AuditFilterText f, HospitalTime time)
    {
        var errors = new Dictionary<string, string[]>();
        var from = ParseTime(f.From, "from", time, endOfDay: false, errors);
        var to = ParseTime(f.To, "to", time, endOfDay: true, errors);
        var page = ParseInt(f.Page, "page", 1, 1, int.MaxValue, errors);
        var size = ParseInt(f.PageSize, "pageSize", DefaultPageSize, 1, MaxPageSize, errors);
        if (from is not null && to is not null && from >= to && !errors.ContainsKey("to"))
        {
            errors["to"] = ["must be after from"];
        }
        foreach (var (name, value) in new[] { ("entity", f.Entity), ("key", f.Key), ("actor", f.Actor), ("subject", f.Subject) })
        {
            if (value is { Length: > 256 })
            {
                errors[name] = ["at most 256 characters"];
            }
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        return new(Blank(f.Entity), Blank(f.Key), Blank(f.Actor), Blank(f.Subject), from, to, page, size);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static DateTime? ParseTime(string? text, string field, HospitalTime time, bool endOfDay, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        text = text.Trim();
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return time.ToUtc(endOfDay ? date.AddDays(1) : date, TimeOnly.MinValue);
        }
        // An instant needs its offset: a bare local time would be ambiguous at the clock change.
        if (text.Length > 10 && (text.EndsWith('Z') || text[^6] is '+' or '-')
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            return instant.UtcDateTime;
        }
        errors[field] = ["must be a date (yyyy-MM-dd) or a date-time with offset (2026-01-31T08:00:00Z)"];
        return null;
    }

    private static int ParseInt(string? text, string field, int fallback, int min, int max, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            errors[field] = [max == int.MaxValue ? $"must be a whole number ≥ {min}" : $"must be a whole number from {min} to {max}"];
            return fallback;
        }
        return value;
    }

    /// <summary>Changes, newest first.</summary>
    public static async Task<AuditPage<AuditChange>> ChangesAsync(ExplantDbContext db, HospitalTime time, AuditFilterText filter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(filter);
        var p = Parse(filter, time);
        var q = db.AuditEntries.AsNoTracking();
        if (p.Entity is { } entity) { q = q.Where(a => a.Entity == entity); }
        if (p.Key is { } key) { q = q.Where(a => a.EntityKey == key); }
        if (p.Actor is { } actor) { q = q.Where(a => a.Actor == actor); }
        if (p.FromUtc is { } from) { q = q.Where(a => a.AtUtc >= from); }
        if (p.ToUtc is { } to) { q = q.Where(a => a.AtUtc < to); }
        var total = await q.CountAsync(ct);
        var rows = await q.OrderByDescending(a => a.AtUtc).ThenByDescending(a => a.Id)
            .Skip((int)Math.Min(int.MaxValue, (long)(p.Page - 1) * p.PageSize)).Take(p.PageSize).ToListAsync(ct);
        return new(rows.Select(a => new AuditChange(a.Id, a.AtUtc, a.Actor, a.Entity, a.EntityKey, a.Action, Json(a.Before), Json(a.After))).ToList(),
            p.Page, p.PageSize, total);
    }

    /// <summary>Reads and refusals, newest first.</summary>
    public static async Task<AuditPage<AccessRecord>> AccessAsync(ExplantDbContext db, HospitalTime time, AuditFilterText filter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(filter);
        var p = Parse(filter, time);
        var q = db.AccessLog.AsNoTracking();
        if (p.Actor is { } actor) { q = q.Where(a => a.Actor == actor); }
        if (p.Subject is { } subject) { q = q.Where(a => a.Subject == subject); }
        if (p.FromUtc is { } from) { q = q.Where(a => a.AtUtc >= from); }
        if (p.ToUtc is { } to) { q = q.Where(a => a.AtUtc < to); }
        var total = await q.CountAsync(ct);
        var rows = await q.OrderByDescending(a => a.AtUtc).ThenByDescending(a => a.Id)
            .Skip((int)Math.Min(int.MaxValue, (long)(p.Page - 1) * p.PageSize)).Take(p.PageSize).ToListAsync(ct);
        return new(rows.Select(a => new AccessRecord(a.Id, a.AtUtc, a.Actor, a.Kind, a.Method, a.Path, a.Subject, a.Status, a.Rule)).ToList(),
            p.Page, p.PageSize, total);
    }

    private static JsonElement? Json(string? text) => text is null ? null : JsonDocument.Parse(text).RootElement.Clone();
}

/// <summary>How long reads and refusals are kept (<c>Audit:AccessLogRetentionDays</c>). Changes are kept for good.</summary>
public sealed class AuditOptions
{
    public int AccessLogRetentionDays { get; set; } = 400;

    public IEnumerable<string> Problems() => Settings.Range(nameof(AccessLogRetentionDays), AccessLogRetentionDays, 1, 36500);
}

public static class AccessLogRetention
{
    /// <summary>Deletes access-log rows older than the retention; a set-based delete, so no audit row per deleted read.</summary>
    public static Task<int> PurgeAsync(ExplantDbContext db, TimeProvider clock, AuditOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(options);
        var cutoff = clock.GetUtcNow().UtcDateTime.AddDays(-options.AccessLogRetentionDays);
        return db.AccessLog.Where(a => a.AtUtc < cutoff).ExecuteDeleteAsync(ct);
    }
}
