using Explant.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Cases;

/// <summary>One row of the case list (API and the Cases page).</summary>
public sealed record CaseListItem(Guid Id, int Number, string State, string PatientName, string Mrn, string ProcedureCode, string Surgeon, bool ConsentValid);

/// <summary>
/// The case list, one page at a time (issue #17 §2, #13 §6): filtered by state and by a search text (case number, MRN or
/// name), ordered by case number. A count and one page of cases joined to their patients: two queries, whatever the page size.
/// </summary>
public static class CaseList
{
    /// <summary>The shadow property holding the stored copy of <see cref="SurgicalCase.ConsentValid"/> (column "ConsentValid").</summary>
    public const string StoredConsentValid = "StoredConsentValid";

    public static CaseState? ParseState(string? state)
    {
        if (string.IsNullOrWhiteSpace(state))
        {
            return null;
        }
        return Enum.TryParse<CaseState>(state, ignoreCase: true, out var s) && Enum.IsDefined(s)
            ? s
            : throw new ValidationException(new Dictionary<string, string[]> { ["state"] = [$"'{state}' is not a case state ({string.Join(", ", Enum.GetNames<CaseState>())})"] });
    }

    public static async Task<Paged<CaseListItem>> Page(ExplantDbContext db, CaseState? state, string? search, PageRequest page, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        // The count and the page over one open connection.
        await db.KeepConnectionOpenAsync(ct);
        var rows = from c in db.Cases.AsNoTracking()
                   join p in db.Patients.AsNoTracking() on c.PatientId equals p.Id
                   // Columns only: the case's JSON documents (consents, history, instructions) are not read for a list row.
                   select new { c.Id, c.Number, c.State, c.ProcedureCode, c.Surgeon, ConsentValid = EF.Property<bool>(c, StoredConsentValid), p.FamilyName, p.GivenName, p.Mrn };
        if (state is { } s)
        {
            rows = rows.Where(r => r.State == s);
        }
        if (!string.IsNullOrWhiteSpace(search))
        {
            var t = search.Trim();
            var lower = t.ToLowerInvariant();
            var number = int.TryParse(t, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : -1;
            rows = rows.Where(r => r.Number == number || r.Mrn.StartsWith(t) || r.FamilyName.ToLower().Contains(lower) || r.GivenName.ToLower().Contains(lower));
        }
        var total = await rows.CountAsync(ct);
        var found = await rows.OrderBy(r => r.Number).Skip(page.Skip).Take(page.PageSize).ToListAsync(ct);
        return page.Of<CaseListItem>([.. found.Select(r => new CaseListItem(r.Id, r.Number, r.State.ToString(),
            Patients.Patient.FormatName(r.FamilyName, r.GivenName), r.Mrn, r.ProcedureCode, r.Surgeon, r.ConsentValid))], total);
    }

    /// <summary>How many cases are in each state (the Cases page's filter chips): one grouped query.</summary>
    public static async Task<IReadOnlyDictionary<CaseState, int>> CountByState(ExplantDbContext db, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var counts = await db.Cases.AsNoTracking().GroupBy(c => c.State).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        return counts.ToDictionary(x => x.Key, x => x.Count);
    }
}
