using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Recovery;
using Explant.Core.Reports;
using Microsoft.Extensions.Options;

namespace Explant.Web.Api;

/// <summary>Service reports (issue #8 §5): each table as CSV, the whole report as JSON, and the monthly PDF.</summary>
internal static class ReportEndpoints
{
    public sealed record ReportView(DateOnly From, DateOnly To, IReadOnlyList<string> Headlines, IReadOnlyList<ReportTable> Tables);

    public static IEndpointRouteBuilder MapReportApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/reports").RequireAuthorization(Policies.Staff);
        g.MapGet("", async (DateOnly? from, DateOnly? to, ExplantDbContext db, HospitalTime time, IOptions<OutcomeOptions> outcomes, CancellationToken ct) =>
        {
            var r = await Load(from, to, db, time, outcomes, ct);
            return TypedResults.Ok(new ReportView(r.Data.From, r.Data.To, r.Headlines(), r.Tables));
        });
        g.MapGet("/{name}.csv", async (string name, DateOnly? from, DateOnly? to, ExplantDbContext db, HospitalTime time, IOptions<OutcomeOptions> outcomes, CancellationToken ct) =>
        {
            if (!ServiceReport.TableNames.Contains(name))
            {
                throw new NotFoundException($"report '{name}'");
            }
            var r = await Load(from, to, db, time, outcomes, ct);
            return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(r.Table(name).ToCsv()), "text/csv; charset=utf-8",
                $"{name}-{r.Data.From:yyyy-MM-dd}-{r.Data.To:yyyy-MM-dd}.csv");
        });
        g.MapGet("/{name}.svg", async (string name, DateOnly? from, DateOnly? to, ExplantDbContext db, HospitalTime time, IOptions<OutcomeOptions> outcomes, CancellationToken ct) =>
        {
            if (!ServiceReport.TableNames.Contains(name))
            {
                throw new NotFoundException($"chart '{name}'");
            }
            var r = await Load(from, to, db, time, outcomes, ct);
            return TypedResults.Text(ReportCharts.Svg(r, name), "image/svg+xml");
        });
        g.MapGet("/monthly.pdf", async (string? month, ExplantDbContext db, HospitalTime time, IOptions<OutcomeOptions> outcomes,
            IOptions<HospitalOptions> hospital, CancellationToken ct) =>
        {
            var (from, to) = MonthlyReportPdf.Month(month ?? throw HttpExtensions.Missing("month"));
            var r = await ServiceReport.Load(db, time, outcomes.Value.Mcid, from, to, ct);
            return TypedResults.File(MonthlyReportPdf.Render(r, hospital.Value.Name, time.UtcNow), "application/pdf", $"service-report-{month}.pdf");
        });
        return app;
    }

    private static Task<ServiceReport> Load(DateOnly? from, DateOnly? to, ExplantDbContext db, HospitalTime time, IOptions<OutcomeOptions> outcomes, CancellationToken ct)
    {
        var (defaultFrom, defaultTo) = ServiceReport.DefaultPeriod(time.Today);
        return ServiceReport.Load(db, time, outcomes.Value.Mcid, from ?? defaultFrom, to ?? defaultTo, ct);
    }
}
