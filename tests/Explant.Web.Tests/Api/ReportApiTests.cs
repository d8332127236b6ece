using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Explant.Core.Data;
using Explant.Core.Reports;
using Explant.Web.Tests.Infrastructure;

namespace Explant.Web.Tests.Api;

/// <summary>Service reports over HTTP: CSV per table (parsed back), the JSON report, charts, the monthly PDF, roles and bad input.</summary>
public abstract class ReportApiTests(DatabaseProvider provider) : IAsyncLifetime
{
    private ExplantFactory factory = null!;
    private HttpClient nurse = null!;

    public async Task InitializeAsync()
    {
        factory = await ExplantFactory.CreateAsync(provider);
        nurse = await factory.ClientForAsync("nurse@test.local");
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task Every_table_downloads_as_csv_with_its_header()
    {
        foreach (var name in ServiceReport.TableNames)
        {
            var response = await nurse.GetAsync($"/api/reports/{name}.csv?from=2025-01-01&to=2025-12-31");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
            Assert.Equal($"{name}-2025-01-01-2025-12-31.csv", response.Content.Headers.ContentDisposition!.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName);
            var parsed = Csv.Parse(await response.Content.ReadAsStringAsync());
            Assert.NotEmpty(parsed);
            Assert.Contains(parsed[0][0], new[] { "room", "case", "type", "time_point", "indication", "outcome" });
        }
    }

    [Fact]
    public async Task The_json_report_states_its_period_and_defaults_to_the_last_twelve_months()
    {
        var body = await nurse.GetFromJsonAsync<JsonElement>("/api/reports?from=2025-02-01&to=2025-02-28");
        Assert.Equal("2025-02-01", body.GetProperty("from").GetString());
        Assert.Equal(ServiceReport.TableNames.Count, body.GetProperty("tables").GetArrayLength());
        Assert.StartsWith("0 operated cases", body.GetProperty("headlines")[0].GetString(), StringComparison.Ordinal);

        var defaulted = await nurse.GetFromJsonAsync<JsonElement>("/api/reports");
        var from = DateOnly.Parse(defaulted.GetProperty("from").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var to = DateOnly.Parse(defaulted.GetProperty("to").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(to, from.AddMonths(12).AddDays(-1));
    }

    [Fact]
    public async Task Charts_are_svg_and_the_monthly_pdf_has_the_sections()
    {
        var svg = await nurse.GetAsync("/api/reports/complications.svg");
        Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<svg", await svg.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var pdf = await nurse.GetAsync("/api/reports/monthly.pdf?month=2025-03");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType!.MediaType);
        var text = PdfText.Extract(await pdf.Content.ReadAsByteArrayAsync());
        Assert.Contains("service report, March 2025", text, StringComparison.Ordinal);
        Assert.Contains("Complication rates by type", text, StringComparison.Ordinal);
        Assert.Contains("Components retained and why", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_page_shows_each_report_with_its_csv_link()
    {
        var response = await nurse.GetAsync("/reports?from=2025-01-01&to=2025-06-30");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("2025-01-01 to 2025-06-30", html, StringComparison.Ordinal);
        foreach (var name in ServiceReport.TableNames)
        {
            Assert.Contains($"href=\"/api/reports/{name}.csv?from=2025-01-01&amp;to=2025-06-30\"", html, StringComparison.Ordinal);
            Assert.Contains($"data-report=\"{name}\"", html, StringComparison.Ordinal);
        }
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("before it starts", await nurse.GetStringAsync("/reports?from=2025-06-01&to=2025-01-01"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_input_unknown_reports_and_anonymous_callers_are_refused()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await nurse.GetAsync("/api/reports/monthly.pdf?month=2025-13")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await nurse.GetAsync("/api/reports/monthly.pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await nurse.GetAsync("/api/reports/durations.csv?from=2025-05-01&to=2025-04-01")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await nurse.GetAsync("/api/reports/secrets.csv")).StatusCode);
        using var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/reports/durations.csv")).StatusCode);
    }
}

public sealed class ReportApiTests_Sqlite() : ReportApiTests(DatabaseProvider.Sqlite);

public sealed class ReportApiTests_Postgres() : ReportApiTests(DatabaseProvider.Postgres);
