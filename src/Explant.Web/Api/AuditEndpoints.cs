using Explant.Core.Audit;
using Explant.Core.Auth;
using Explant.Core.Data;

namespace Explant.Web.Api;

/// <summary>
/// The audit trail for administrators (issue #16 §4): every change with before/after, and the access log of reads of
/// patient records and cases and of refused requests. Filters arrive as text and are parsed in Core, so a bad value
/// answers 400 naming its field, exactly as on the admin page.
/// </summary>
internal static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/audit").RequireAuthorization(Policies.Admin);
        g.MapGet("", Changes);
        g.MapGet("/access", Access);
        return app;
    }

    private static async Task<Microsoft.AspNetCore.Http.HttpResults.Ok<AuditPage<AuditChange>>> Changes(string? entity, string? key, string? actor,
        string? from, string? to, string? page, string? pageSize, ExplantDbContext db, HospitalTime time, CancellationToken ct) =>
        TypedResults.Ok(await AuditQuery.ChangesAsync(db, time, new(Entity: entity, Key: key, Actor: actor, From: from, To: to, Page: page, PageSize: pageSize), ct));

    private static async Task<Microsoft.AspNetCore.Http.HttpResults.Ok<AuditPage<AccessRecord>>> Access(string? actor, string? subject,
        string? from, string? to, string? page, string? pageSize, ExplantDbContext db, HospitalTime time, CancellationToken ct) =>
        TypedResults.Ok(await AuditQuery.AccessAsync(db, time, new(Actor: actor, Subject: subject, From: from, To: to, Page: page, PageSize: pageSize), ct));
}
