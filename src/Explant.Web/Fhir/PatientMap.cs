using System.Linq.Expressions;
using Expression = System.Linq.Expressions.Expression;
using Explant.Core.Patients;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;

namespace Explant.Web.Fhir;

/// <summary>Patient: the MRN of its facility (identifier type MR), name, gender and date of birth.</summary>
internal static class PatientMap
{
    public static FhirType Type { get; } = new("Patient", All,
    [
        new TokenParam<Hl7.Fhir.Model.Patient>("identifier", "The MRN (system urn:explant:mrn:<facility>, or the value alone)", p => Tokens.Of(p.Identifier)),
        new StringParam<Hl7.Fhir.Model.Patient>("name", "Family or given name, starts with (case-insensitive; :exact and :contains too)", p => p.Name.SelectMany(n => n.Given.Prepend(n.Family))),
        new DateParam<Hl7.Fhir.Model.Patient>("birthdate", "Date of birth", p => FhirDates.Of(p.BirthDate)),
    ], PatientOf: (data, id) => data.PatientOfPatient(id));

    private static async Task<IEnumerable<Resource>> All(FhirData data)
    {
        var list = new List<Resource>();
        foreach (var p in await data.Patients())
        {
            list.Add(await Map(data, p));
        }
        return list;
    }

    public static async Task<Hl7.Fhir.Model.Patient> Map(FhirData data, Explant.Core.Patients.Patient p) => new()
    {
        Id = p.Id.ToString(),
        Meta = await data.Meta(nameof(Explant.Core.Patients.Patient), p.Id, p.Revision),
        Identifier =
        [
            new Identifier
            {
                Use = Identifier.IdentifierUse.Usual,
                Type = new CodeableConcept(FhirRefs.V2IdentifierType, "MR", "Medical record number"),
                System = FhirRefs.MrnSystem(p.Facility),
                Value = p.Mrn,
                Assigner = new ResourceReference { Display = p.Facility },
            },
        ],
        Name = [new HumanName { Use = HumanName.NameUse.Official, Family = p.FamilyName, Given = [p.GivenName] }],
        Gender = p.Sex switch
        {
            Sex.Female => AdministrativeGender.Female,
            Sex.Male => AdministrativeGender.Male,
            Sex.Other => AdministrativeGender.Other,
            _ => AdministrativeGender.Unknown,
        },
        BirthDate = FhirDates.Day(p.BirthDate),
    };

    /// <summary>
    /// A Patient search page straight from the database (issue #15: a 50-patient page stays fast): _id, identifier and
    /// name become SQL filters, and when nothing else is asked the count and the page are SQL too — only the page is
    /// mapped. A criterion the database cannot answer (birthdate) is applied to the filtered rows in memory.
    /// </summary>
    public static async Task<(List<Resource> Page, int Total)> Search(FhirData data, IQueryable<Explant.Core.Patients.Patient> patients,
        IReadOnlyList<(SearchParam Param, string? Modifier, string[] Values)> criteria, int count, int offset, CancellationToken ct)
    {
        var q = patients.AsNoTracking();
        var rest = new List<(SearchParam Param, string? Modifier, string[] Values)>();
        foreach (var c in criteria)
        {
            Expression<Func<Explant.Core.Patients.Patient, bool>>? where = c.Param.Name switch
            {
                "_id" => AnyOf(c.Values.Select(Id)),
                "identifier" => AnyOf(c.Values.Select(ByIdentifier)),
                "name" => AnyOf(c.Values.Select(v => Name(c.Modifier, v))),
                _ => null,
            };
            if (where is null)
            {
                rest.Add(c);
            }
            else
            {
                q = q.Where(where);
            }
        }
        q = q.OrderBy(p => p.Id);
        if (rest.Count == 0)
        {
            var total = await q.CountAsync(ct);
            var page = new List<Resource>();
            var rows = await q.Skip(offset).Take(count).ToListAsync(ct);
            await data.PreloadLastUpdated(nameof(Explant.Core.Patients.Patient), [.. rows.Select(p => p.Id.ToString())]);
            foreach (var p in rows)
            {
                page.Add(await Map(data, p));
            }
            return (page, total);
        }
        var matches = new List<Resource>();
        foreach (var p in await q.ToListAsync(ct))
        {
            var r = await Map(data, p);
            if (rest.All(c => c.Values.Any(v => c.Param.Matches(r, c.Modifier, v))))
            {
                matches.Add(r);
            }
        }
        return ([.. matches.Skip(offset).Take(count)], matches.Count);
    }

    private static Expression<Func<Explant.Core.Patients.Patient, bool>> Id(string value) =>
        Guid.TryParse(value, out var id) ? p => p.Id == id : p => false;

    /// <summary>"urn:explant:mrn:&lt;facility&gt;|MRN", "urn:explant:mrn:&lt;facility&gt;|" (any MRN there), or "MRN" alone.</summary>
    private static Expression<Func<Explant.Core.Patients.Patient, bool>> ByIdentifier(string value)
    {
        var bar = value.IndexOf('|', StringComparison.Ordinal);
        if (bar < 0)
        {
            return p => p.Mrn == value;
        }
        var system = value[..bar];
        var mrn = value[(bar + 1)..];
        if (!system.StartsWith(FhirRefs.MrnSystemPrefix, StringComparison.Ordinal))
        {
            return p => false;
        }
        var facility = Uri.UnescapeDataString(system[FhirRefs.MrnSystemPrefix.Length..]);
        return mrn.Length == 0 ? p => p.Facility == facility : p => p.Facility == facility && p.Mrn == mrn;
    }

    private static Expression<Func<Explant.Core.Patients.Patient, bool>> Name(string? modifier, string value)
    {
        var lower = value.ToLowerInvariant();
        return modifier switch
        {
            "exact" => p => p.FamilyName == value || p.GivenName == value,
            "contains" => p => p.FamilyName.ToLower().Contains(lower) || p.GivenName.ToLower().Contains(lower),
            _ => p => p.FamilyName.ToLower().StartsWith(lower) || p.GivenName.ToLower().StartsWith(lower),
        };
    }

    /// <summary>The values of one parameter are alternatives (FHIR: a comma is OR): one SQL predicate joined with OR.</summary>
    private static Expression<Func<T, bool>> AnyOf<T>(IEnumerable<Expression<Func<T, bool>>> predicates)
    {
        var parameter = Expression.Parameter(typeof(T), "p");
        Expression? body = null;
        foreach (var predicate in predicates)
        {
            var part = new Rebind(predicate.Parameters[0], parameter).Visit(predicate.Body);
            body = body is null ? part : Expression.OrElse(body, part);
        }
        return Expression.Lambda<Func<T, bool>>(body ?? Expression.Constant(false), parameter);
    }

    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
