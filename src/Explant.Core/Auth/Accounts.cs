using Explant.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Auth;

/// <summary>Staff accounts as people the pathway names (issue #12 §6): a case's surgeon is an account holding the surgeon role.</summary>
public static class Accounts
{
    public sealed record Person(string Email, string DisplayName)
    {
        public string Label => string.IsNullOrWhiteSpace(DisplayName) ? Email : $"{DisplayName} ({Email})";
    }

    /// <summary>People by display name (issue #13 §6): pages name staff, not their e-mail; an unknown account stays as written.</summary>
    public sealed class Names(IReadOnlyDictionary<string, string> byEmail)
    {
        public string Of(string? email) =>
            email is null ? "" : byEmail.TryGetValue(email, out var name) && !string.IsNullOrWhiteSpace(name) ? name : email;

        /// <summary>Free text recorded with an account name in it (e.g. a transition reason "… signed by a@b"): the names instead.</summary>
        public string InText(string? text)
        {
            if (string.IsNullOrEmpty(text) || !text.Contains('@', StringComparison.Ordinal))
            {
                return text ?? "";
            }
            foreach (var (email, name) in byEmail.Where(x => !string.IsNullOrWhiteSpace(x.Value)))
            {
                text = text.Replace(email, name, StringComparison.OrdinalIgnoreCase);
            }
            return text;
        }
    }

    /// <summary>Every account's display name, in one query (a page shows many people; staff lists are short).</summary>
    public static async Task<Names> DisplayNames(ExplantDbContext db, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var byEmail = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        await foreach (var row in EveryName.For(db)(db).WithCancellation(ct))
        {
            byEmail[row.Email!] = row.DisplayName;
        }
        return new Names(byEmail);
    }

    /// <summary>
    /// As <see cref="DisplayNames(ExplantDbContext, CancellationToken)"/>; on SQLite by a statement kept prepared
    /// (<see cref="SqliteHotReads"/>: the case page needs no EF connection of its own then, issue #17).
    /// </summary>
    public static Task<Names> DisplayNames(SqliteHotReads hot, ExplantDbContext db, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(hot);
        if (!hot.Enabled)
        {
            return DisplayNames(db, ct);
        }
        var byEmail = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var row in hot.ReadAll(EveryNameSql, null, static r => new NameRow(r.GetString(0), r.GetString(1))))
        {
            byEmail[row.Email!] = row.DisplayName;
        }
        return Task.FromResult(new Names(byEmail));
    }

    // EveryName's SQL on SQLite; SqliteHotReadsTests compares the two.
    internal static readonly HotStatement EveryNameSql = new("""
        SELECT "a"."Email", "a"."DisplayName" FROM "AspNetUsers" AS "a" WHERE "a"."Email" IS NOT NULL
        """);

    // Every case page shows names (issue #17): compiled once, the query skips EF's per-call expression work.
    private sealed record NameRow(string? Email, string DisplayName);

    private static readonly PerProvider<Func<ExplantDbContext, IAsyncEnumerable<NameRow>>> EveryName = new(() =>
        EF.CompileAsyncQuery((ExplantDbContext db) => db.Users.AsNoTracking().Where(u => u.Email != null).Select(u => new NameRow(u.Email, u.DisplayName))));

    /// <summary>Every account holding <paramref name="role"/>, by e-mail (for the surgeon picker and checks).</summary>
    public static async Task<IReadOnlyList<Person>> InRole(ExplantDbContext db, string role, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var people = await (from u in db.Users
                            join ur in db.UserRoles on u.Id equals ur.UserId
                            join r in db.Roles on ur.RoleId equals r.Id
                            where r.Name == role && u.Email != null
                            select new { u.Email, u.DisplayName }).AsNoTracking().ToListAsync(ct);
        return [.. people.Select(p => new Person(p.Email!, p.DisplayName)).OrderBy(p => p.Email, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>The account's canonical e-mail when it holds <paramref name="role"/>; otherwise null.</summary>
    public static async Task<string?> FindInRole(ExplantDbContext db, string email, string role, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var normalized = email.Trim().ToUpperInvariant();
        return await (from u in db.Users
                      join ur in db.UserRoles on u.Id equals ur.UserId
                      join r in db.Roles on ur.RoleId equals r.Id
                      where r.Name == role && u.NormalizedEmail == normalized
                      select u.Email).AsNoTracking().FirstOrDefaultAsync(ct);
    }

    /// <summary>The surgeon's account e-mail, or a validation error on <paramref name="field"/> naming why.</summary>
    public static async Task<string> RequireSurgeon(ExplantDbContext db, string? email, string field, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            throw new ValidationException(new Dictionary<string, string[]> { [field] = ["required: choose the case's surgeon"] });
        }
        return await FindInRole(db, email, Roles.Surgeon, ct)
            ?? throw new ValidationException(new Dictionary<string, string[]> { [field] = [$"'{email.Trim()}' is not a surgeon's account"] });
    }
}
