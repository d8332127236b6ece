using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Demo;
using Explant.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Explant.Web.Tests.Api;

/// <summary>A one-year demo cohort (about 150 cases, their lists, theatre records and follow-up), seeded once per class.</summary>
public abstract class SeededCohort(DatabaseProvider provider) : IAsyncLifetime
{
    public ExplantFactory Factory { get; private set; } = null!;
    public HttpClient Surgeon { get; private set; } = null!;
    public FormSession Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Factory = await ExplantFactory.CreateAsync(provider, settings: new Dictionary<string, string?> { ["Demo:Years"] = "1" });
        await DemoSeed.RunAsync(Factory.Services);
        await Factory.AddUserAsync("surgeon@test.local", Roles.Surgeon);
        Surgeon = await Factory.ClientForAsync("surgeon@test.local");
        Browser = await FormSession.SignInAsync(Factory, "surgeon@test.local");
    }

    public async Task DisposeAsync()
    {
        Browser.Dispose();
        await Factory.DisposeAsync();
    }

    public async Task<T> InDb<T>(Func<ExplantDbContext, Task<T>> query)
    {
        await using var scope = Factory.Scope();
        return await query(scope.ServiceProvider.GetRequiredService<ExplantDbContext>());
    }
}

public sealed class SeededCohort_Sqlite() : SeededCohort(DatabaseProvider.Sqlite);

public sealed class SeededCohort_Postgres() : SeededCohort(DatabaseProvider.Postgres);

/// <summary>
/// Issue #17 §2 and #13 §6: the case, patient and pre-op worklist lists answer one page at a time,
/// <c>{"items":[…],"page":1,"pageSize":50,"total":N}</c> (default 50, at most 200), filter by state and search text, and
/// refuse a bad page or page size naming the parameter; the Cases and Patients pages page and search without script.
/// </summary>
public abstract class PagingTests<TCohort>(TCohort cohort) where TCohort : SeededCohort
{
    private HttpClient Api => cohort.Surgeon;

    private static async Task<JsonElement> Ok(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static int[] Numbers(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("number").GetInt32())];

    [Theory]
    [InlineData("/api/cases")]
    [InlineData("/api/patients")]
    [InlineData("/api/preop/worklist")]
    public async Task A_list_answers_exactly_items_page_pageSize_total_with_50_rows_by_default(string path)
    {
        var body = await Ok(await Api.GetAsync(path));
        Assert.Equal(["items", "page", "pageSize", "total"], body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(1, body.GetProperty("page").GetInt32());
        Assert.Equal(50, body.GetProperty("pageSize").GetInt32());
        var total = body.GetProperty("total").GetInt32();
        Assert.Equal(Math.Min(50, total), body.GetProperty("items").GetArrayLength());
    }

    private async Task<Dictionary<int, bool>> ListedConsent()
    {
        var page = await Ok(await Api.GetAsync("/api/cases?pageSize=200"));
        var total = page.GetProperty("total").GetInt32();
        var listed = new Dictionary<int, bool>();
        for (var p = 1; (p - 1) * 200 < total; p++)
        {
            foreach (var i in (await Ok(await Api.GetAsync($"/api/cases?pageSize=200&page={p}"))).GetProperty("items").EnumerateArray())
            {
                listed[i.GetProperty("number").GetInt32()] = i.GetProperty("consentValid").GetBoolean();
            }
        }
        return listed;
    }

    [Fact]
    public async Task The_listed_consent_flag_is_the_aggregates_and_the_migration_backfills_it_for_older_rows()
    {
        // The list reads a stored column; the aggregate computes the same flag from its consents and plan.
        var computed = await cohort.InDb(async db => (await db.Cases.AsNoTracking().ToListAsync()).ToDictionary(c => c.Number, c => c.ConsentValid));
        Assert.Contains(true, computed.Values);
        Assert.Contains(false, computed.Values);
        Assert.Equal(computed, await ListedConsent());

        // Rows written before the column existed hold its default: the migration's backfill computes each once.
        await cohort.InDb(db => db.Cases.ExecuteUpdateAsync(x => x.SetProperty(c => EF.Property<bool>(c, CaseList.StoredConsentValid), false)));
        Assert.DoesNotContain(true, (await ListedConsent()).Values);
        await cohort.InDb(async db => { await Migrator.BackfillConsentValidAsync(db, CancellationToken.None); return 0; });
        Assert.Equal(computed, await ListedConsent());
    }

    [Fact]
    public async Task Case_pages_follow_the_case_number_and_the_total_is_every_case()
    {
        var all = await cohort.InDb(db => db.Cases.AsNoTracking().OrderBy(c => c.Number).Select(c => c.Number).ToListAsync());
        Assert.True(all.Count > 100, $"the cohort has {all.Count} cases");
        var second = await Ok(await Api.GetAsync("/api/cases?page=2&pageSize=20"));
        Assert.Equal(all.Count, second.GetProperty("total").GetInt32());
        Assert.Equal(2, second.GetProperty("page").GetInt32());
        Assert.Equal(20, second.GetProperty("pageSize").GetInt32());
        Assert.Equal(all.Skip(20).Take(20), Numbers(second));
        var last = (all.Count + 199) / 200;
        var lastPage = await Ok(await Api.GetAsync($"/api/cases?page={last}&pageSize=200"));
        Assert.Equal(all.Skip((last - 1) * 200), Numbers(lastPage));
        var beyond = await Ok(await Api.GetAsync($"/api/cases?page={last + 1}&pageSize=200"));
        Assert.Empty(Numbers(beyond));
        Assert.Equal(all.Count, beyond.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Cases_filter_by_state_and_by_number_mrn_or_name()
    {
        var state = await cohort.InDb(async db => (await db.Cases.AsNoTracking().Select(c => c.State).ToListAsync()).GroupBy(s => s).OrderByDescending(g => g.Count()).First().Key);
        var closed = await cohort.InDb(db => db.Cases.AsNoTracking().Where(c => c.State == state).OrderBy(c => c.Number).Select(c => c.Number).ToListAsync());
        Assert.NotEmpty(closed);
        var byState = await Ok(await Api.GetAsync($"/api/cases?state={state.ToString().ToLowerInvariant()}&pageSize=200"));
        Assert.Equal(closed.Count, byState.GetProperty("total").GetInt32());
        Assert.Equal(closed.Take(200), Numbers(byState));

        var one = await cohort.InDb(db => (from c in db.Cases join p in db.Patients on c.PatientId equals p.Id where p.Mrn == "DC0007" select new { c.Number, p.FamilyName }).SingleAsync());
        Assert.Equal([one.Number], Numbers(await Ok(await Api.GetAsync("/api/cases?q=DC0007"))));
        Assert.Contains(one.Number, Numbers(await Ok(await Api.GetAsync($"/api/cases?q={one.Number}&pageSize=200"))));
        var family = one.FamilyName.Split(' ')[0];
        var byName = await Ok(await Api.GetAsync($"/api/cases?q={family.ToLowerInvariant()}&pageSize=200"));
        Assert.Contains(one.Number, Numbers(byName));
        Assert.All(byName.GetProperty("items").EnumerateArray(), i => Assert.Contains(family.ToUpperInvariant(), i.GetProperty("patientName").GetString()!, StringComparison.Ordinal));
        Assert.Equal(0, (await Ok(await Api.GetAsync("/api/cases?q=nobody-by-that-name"))).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Patients_page_by_family_name_and_search()
    {
        var count = await cohort.InDb(db => db.Patients.CountAsync());
        var first = await Ok(await Api.GetAsync("/api/patients?pageSize=10"));
        var second = await Ok(await Api.GetAsync("/api/patients?page=2&pageSize=10"));
        Assert.Equal(count, second.GetProperty("total").GetInt32());
        var names = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(i => i.GetProperty("name").GetString()!).ToList();
        Assert.Equal(20, names.Count);
        Assert.Equal(names.Select(n => n.Split(',')[0]).Order(StringComparer.OrdinalIgnoreCase), names.Select(n => n.Split(',')[0]), StringComparer.OrdinalIgnoreCase);
        var found = await Ok(await Api.GetAsync("/api/patients?q=DC0012"));
        Assert.Equal(1, found.GetProperty("total").GetInt32());
        Assert.Equal("DC0012", found.GetProperty("items")[0].GetProperty("mrn").GetString());
    }

    [Fact]
    public async Task The_preop_worklist_pages_its_whole_ordered_list()
    {
        var all = await Ok(await Api.GetAsync("/api/preop/worklist?pageSize=200"));
        var total = all.GetProperty("total").GetInt32();
        Assert.True(total >= 2, $"the demo has {total} cases waiting");
        var page2 = await Ok(await Api.GetAsync("/api/preop/worklist?page=2&pageSize=1"));
        Assert.Equal(total, page2.GetProperty("total").GetInt32());
        Assert.Equal([Numbers(all)[1]], Numbers(page2));
    }

    [Theory]
    [InlineData("/api/cases", "page=0", "page")]
    [InlineData("/api/cases", "page=two", "page")]
    [InlineData("/api/cases", "pageSize=201", "pageSize")]
    [InlineData("/api/cases", "pageSize=0", "pageSize")]
    [InlineData("/api/cases", "pageSize=-5", "pageSize")]
    [InlineData("/api/patients", "page=-1", "page")]
    [InlineData("/api/patients", "pageSize=1000", "pageSize")]
    [InlineData("/api/preop/worklist", "page=1.5", "page")]
    [InlineData("/api/preop/worklist", "pageSize=abc", "pageSize")]
    [InlineData("/api/cases", "state=Nowhere", "state")]
    public async Task A_bad_page_or_page_size_is_a_400_naming_the_parameter(string path, string query, string field)
    {
        var response = await Api.GetAsync($"{path}?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal([field], errors.EnumerateObject().Select(e => e.Name));
    }

    [Fact]
    public async Task The_cases_page_pages_with_previous_next_and_page_x_of_y_and_keeps_the_filter()
    {
        var total = await cohort.InDb(db => db.Cases.CountAsync());
        var pages = (total + 49) / 50;
        var first = await cohort.Browser.GetStringAsync("/cases");
        Assert.Contains($"Page 1 of {pages}", first, StringComparison.Ordinal);
        Assert.Contains("href=\"/cases?page=2\"", first, StringComparison.Ordinal);
        Assert.DoesNotContain("rel=\"prev\"", first, StringComparison.Ordinal);
        var second = await cohort.Browser.GetStringAsync("/cases?page=2");
        Assert.Contains($"Page 2 of {pages}", second, StringComparison.Ordinal);
        Assert.Contains("href=\"/cases?page=1\"", second, StringComparison.Ordinal);
        var numbers = await cohort.InDb(db => db.Cases.AsNoTracking().OrderBy(c => c.Number).Select(c => c.Number).Skip(50).Take(50).ToListAsync());
        Assert.Contains($"href=\"/cases/{numbers[0]}\"", second, StringComparison.Ordinal);
        Assert.DoesNotContain($"href=\"/cases/{numbers[0] - 50}\"", second, StringComparison.Ordinal);
        var closedPage = await cohort.Browser.GetStringAsync("/cases?state=FollowUp&page=1&pageSize=10");
        Assert.Contains("href=\"/cases?state=FollowUp&amp;pageSize=10&amp;page=2\"", closedPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cases_and_patients_pages_search_by_a_get_form_without_script()
    {
        var cases = await cohort.Browser.GetStringAsync("/cases?q=DC0007");
        Assert.Contains("<form method=\"get\" action=\"/cases\"", cases, StringComparison.Ordinal);
        Assert.Contains("DC0007", cases, StringComparison.Ordinal);
        Assert.DoesNotContain("DC0008", cases, StringComparison.Ordinal);
        var patients = await cohort.Browser.GetStringAsync("/patients?q=DC0012");
        Assert.Contains("<form method=\"get\" action=\"/patients\"", patients, StringComparison.Ordinal);
        Assert.Contains("DC0012", patients, StringComparison.Ordinal);
        Assert.DoesNotContain("DC0013", patients, StringComparison.Ordinal);
        var bad = await cohort.Browser.GetStringAsync("/patients?page=zero");
        Assert.Contains("Page: &#x27;zero&#x27; is not a whole number", bad, StringComparison.Ordinal);
    }
}

/// <summary>
/// Issue #17 "Done when": the number of database queries of the hot read paths is pinned, on a cohort large enough
/// (a year: about 150 cases, their lists and theatre records) that a query per case, booking or past operation would
/// multiply it. A change that adds a query here must say why; one that brings back an N+1 fails.
/// </summary>
public abstract class QueryCountTests<TCohort>(TCohort cohort) where TCohort : SeededCohort
{
    // Every bearer request: the signed-in account (the per-request account check of the API). Counted whether EF or a
    // statement kept prepared (SqliteHotReads, on SQLite) runs it.
    // Case read, unchanged since the read before: the account; the stamp of the case, patient, construct and imaging the
    // read remembers (CaseReadCache, hazard H125; the definition is remembered by version).
    private const int CaseRead = 2;
    // Case page: the stamp as above (the case, its patient, construct, imaging and definition shared by readiness, the
    // safety banner and the view); staff display names (the layout's own name comes from the sign-in claim).
    private const int CasePage = 2;
    // Case list page: the account; the count; one page of cases joined to their patients.
    private const int CaseListPage = 3;
    // Daily list page: rooms, the day's lists; cases, patients, constructs, definitions; imaging for readiness (definitions again
    // for it); staff display names (issue #13 §6: people by name).
    private const int DailyListPage = 9;
    // Board: rooms, the day's lists, ready/scheduled cases, staff; estimates (history, constructs, definitions); the booked cases
    // and all their patients for the safety flags (issue #13 §3, one batch); staff display names for the page and for the layout.
    private const int BoardPage = 10;

    private async Task<(int Count, string Log)> Count(Func<Task> request)
    {
        await request();   // warm: token, antiforgery, first-use caches
        using var counting = cohort.Factory.Queries.Start();
        await request();
        return (counting.Count, counting.Log);
    }

    // Connections one read opens on SQLite: the request's own, once, before its first query (issue #17: each query used to
    // open and close it, and every open registers EF's SQL functions again); a read of one record adds the access log's
    // group commit on its own connection (H120). A remembered case's read and page open none of their own: the token's
    // security stamp, the case stamp and the staff display names are read on connections kept open (SqliteHotReads), so
    // only the access log's remains. On PostgreSQL each query still takes a connection from Npgsql's pool and gives it back
    // (ExplantDbContext.KeepConnectionOpenAsync says why).
    private const int CaseReadOpens = 1, CasePageOpens = 1, CaseListOpens = 1;

    [Fact]
    public async Task The_case_read_the_case_page_and_the_case_list_open_their_connection_once()
    {
        var number = await cohort.InDb(db => db.Cases.AsNoTracking().OrderByDescending(c => c.Number).Select(c => c.Number).FirstAsync());
        async Task<(int Opens, int Queries)> Opens(Func<Task> request)
        {
            await request();
            using var counting = cohort.Factory.Queries.Start();
            await request();
            return (counting.Opens, counting.Count);
        }
        var read = await Opens(async () => (await cohort.Surgeon.GetAsync($"/api/cases/{number}")).EnsureSuccessStatusCode());
        var page = await Opens(() => cohort.Browser.GetStringAsync($"/cases/{number}"));
        var list = await Opens(async () => (await cohort.Surgeon.GetAsync("/api/cases?pageSize=200")).EnsureSuccessStatusCode());
        var sqlite = cohort.Factory.Provider == DatabaseProvider.Sqlite;
        Assert.Equal((sqlite ? CaseReadOpens : CaseRead + 1, CaseRead), read);
        Assert.Equal((sqlite ? CasePageOpens : CasePage + 1, CasePage), page);
        Assert.Equal((sqlite ? CaseListOpens : CaseListPage, CaseListPage), list);
    }

    [Fact]
    public async Task A_connection_kept_open_for_a_request_is_closed_when_its_context_goes_back_to_the_pool()
    {
        if (cohort.Factory.Provider != DatabaseProvider.Sqlite)
        {
            // Kept open on SQLite only; on PostgreSQL the call must leave the connection closed between queries.
            await using var pg = cohort.Factory.Scope();
            var context = pg.ServiceProvider.GetRequiredService<ExplantDbContext>();
            await context.KeepConnectionOpenAsync();
            Assert.Equal(System.Data.ConnectionState.Closed, context.Database.GetDbConnection().State);
            return;
        }
        System.Data.Common.DbConnection connection;
        await using (var scope = cohort.Factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
            await db.KeepConnectionOpenAsync();
            connection = db.Database.GetDbConnection();
            Assert.Equal(System.Data.ConnectionState.Open, connection.State);
            await db.Patients.AsNoTracking().CountAsync();
            await db.KeepConnectionOpenAsync();
            Assert.Equal(System.Data.ConnectionState.Open, connection.State);
        }
        Assert.Equal(System.Data.ConnectionState.Closed, connection.State);
    }

    private Task<DateOnly[]> BusiestDays() => cohort.InDb(async db =>
    {
        var days = await db.RoomDays.AsNoTracking().ToListAsync();
        return days.GroupBy(d => d.Date).OrderByDescending(g => g.Sum(d => d.Bookings.Count)).Select(g => g.Key).ToArray();
    });

    // Tables a read may take whole: the small reference tables, the accounts (display names), the parameter lists EF
    // passes as JSON, and the duration history (the estimates' model is the whole history, one small row per operation).
    private static readonly string[] ReferenceTables = ["OperatingRooms", "Staff", "ProcedureDefinitions", "AspNetUsers", "json_each", "OperationDurations"];

    /// <summary>
    /// On SQLite, fails when the request's queries read a table of patient records whole (EXPLAIN QUERY PLAN): a fixed
    /// number of queries can still each read every row of the registry (issue #17: the room days of one date).
    /// </summary>
    private async Task AssertNoWholeTableReads(Func<Task> request, params string[] alsoAllowed)
    {
        if (cohort.Factory.Provider != DatabaseProvider.Sqlite)
        {
            return;
        }
        using var counting = cohort.Factory.Queries.Start(withPlans: true);
        await request();
        var scans = counting.FullScans.Where(s => !ReferenceTables.Concat(alsoAllowed).Any(t => s.StartsWith(t + ":", StringComparison.Ordinal))).ToList();
        Assert.True(scans.Count == 0, string.Join("\n---\n", scans));
    }

    [Fact]
    public async Task The_case_read_costs_a_fixed_number_of_queries()
    {
        var number = await cohort.InDb(db => db.Cases.AsNoTracking().OrderByDescending(c => c.Number).Select(c => c.Number).FirstAsync());
        var (count, log) = await Count(async () => (await cohort.Surgeon.GetAsync($"/api/cases/{number}")).EnsureSuccessStatusCode());
        Assert.True(count == CaseRead, $"{count} queries:\n{log}");
        await AssertNoWholeTableReads(async () => (await cohort.Surgeon.GetAsync($"/api/cases/{number}")).EnsureSuccessStatusCode());
    }

    [Fact]
    public async Task The_case_page_costs_a_fixed_number_of_queries()
    {
        var number = await cohort.InDb(db => db.Cases.AsNoTracking().OrderByDescending(c => c.Number).Select(c => c.Number).FirstAsync());
        var (count, log) = await Count(() => cohort.Browser.GetStringAsync($"/cases/{number}"));
        Assert.True(count == CasePage, $"{count} queries:\n{log}");
        await AssertNoWholeTableReads(() => cohort.Browser.GetStringAsync($"/cases/{number}"));
    }

    [Fact]
    public async Task A_case_list_page_costs_the_same_few_queries_for_10_or_200_cases()
    {
        var (small, _) = await Count(async () => (await cohort.Surgeon.GetAsync("/api/cases?pageSize=10")).EnsureSuccessStatusCode());
        var (large, log) = await Count(async () => (await cohort.Surgeon.GetAsync("/api/cases?pageSize=200")).EnsureSuccessStatusCode());
        Assert.True(large == CaseListPage, $"{large} queries:\n{log}");
        Assert.Equal(small, large);
    }

    [Fact]
    public async Task The_daily_list_costs_the_same_queries_on_its_busiest_and_its_quietest_day()
    {
        var days = await BusiestDays();
        var busiest = await cohort.InDb(async db => (await db.RoomDays.AsNoTracking().Where(d => d.Date == days[0]).ToListAsync()).Sum(d => d.Bookings.Count));
        Assert.True(busiest >= 3, $"the busiest day has {busiest} bookings");
        var (busy, log) = await Count(() => cohort.Browser.GetStringAsync($"/schedule/{days[0]:yyyy-MM-dd}"));
        var (quiet, _) = await Count(() => cohort.Browser.GetStringAsync($"/schedule/{days[^1]:yyyy-MM-dd}"));
        Assert.True(busy == DailyListPage, $"{busy} queries:\n{log}");
        Assert.Equal(busy, quiet);
        await AssertNoWholeTableReads(() => cohort.Browser.GetStringAsync($"/schedule/{days[0]:yyyy-MM-dd}"));
    }

    [Fact]
    public async Task The_board_costs_a_fixed_number_of_queries_whatever_the_history_of_past_operations()
    {
        var history = await cohort.InDb(db => db.IntraOpRecords.CountAsync());
        Assert.True(history > 100, $"{history} past operations");
        var days = await BusiestDays();
        var (count, log) = await Count(() => cohort.Browser.GetStringAsync($"/board?date={days[0]:yyyy-MM-dd}"));
        Assert.True(count == BoardPage, $"{count} queries:\n{log}");
        await AssertNoWholeTableReads(() => cohort.Browser.GetStringAsync($"/board?date={days[0]:yyyy-MM-dd}"));
    }
    // A FHIR read of one record: the signed-in account, whose record the id names, then that one patient's records and
    // their audit times. Before (issue #17) a read mapped every record of its type: ~150 cases and their audit times here.
    private const int FhirReadRows = 40;

    private async Task<(int Count, int Rows, string Log)> CountRows(Func<Task> request)
    {
        await request();
        using var counting = cohort.Factory.Queries.Start();
        await request();
        return (counting.Count, counting.Rows, counting.Log);
    }

    private async Task<System.Text.Json.Nodes.JsonNode> Fhir(string path)
    {
        var response = await cohort.Surgeon.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode}: {body}");
        return System.Text.Json.Nodes.JsonNode.Parse(body)!;
    }

    [Theory]
    [InlineData("Patient")]
    [InlineData("Procedure")]
    [InlineData("Encounter")]
    [InlineData("Appointment")]
    [InlineData("Condition")]
    [InlineData("Consent")]
    [InlineData("Device")]
    [InlineData("Observation")]
    [InlineData("QuestionnaireResponse")]
    public async Task A_FHIR_read_of_one_record_reads_only_its_patients_records_and_answers_as_the_search_does(string type)
    {
        var cases = await cohort.InDb(db => db.Cases.CountAsync());
        Assert.True(cases > 100, $"{cases} cases");
        // The last record of the search's first page of 50: not simply the first row of a table.
        var bundle = await Fhir($"/fhir/{type}?_count=50");
        var expected = bundle["entry"]!.AsArray()[^1]!["resource"]!;
        var id = (string)expected["id"]!;
        System.Text.Json.Nodes.JsonNode? read = null;
        var path = $"/fhir/{type}/{Uri.EscapeDataString(id)}";
        var (count, rows, log) = await CountRows(async () => read = await Fhir(path));
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(expected, read), $"read:\n{read}\nsearch:\n{expected}");
        Assert.True(rows <= FhirReadRows, $"{rows} rows in {count} queries:\n{log}");

        // Nor does the database read a table of patient records whole to find them (SQLite's plans): a query correlated on
        // every theatre record returned few rows but read them all (issue #17). The small reference tables are read whole;
        // the room days are found by the bookings in their JSON, and a Device's construct by the components in its JSON (no
        // index serves either; known costs, in the issue's notes).
        if (cohort.Factory.Provider == DatabaseProvider.Sqlite)
        {
            string[] wholeAllowed = ["OperatingRooms", "Staff", "ProcedureDefinitions", "RoomDays", "json_each", .. type == "Device" ? new[] { "Constructs" } : []];
            using var counting = cohort.Factory.Queries.Start(withPlans: true);
            await Fhir(path);
            var scans = counting.FullScans.Where(s => !wholeAllowed.Any(t => s.StartsWith(t + ":", StringComparison.Ordinal))).ToList();
            Assert.True(scans.Count == 0, string.Join("\n---\n", scans));
        }
    }

    [Fact]
    public async Task A_FHIR_read_of_an_id_nobody_has_is_a_404_that_reads_no_records()
    {
        foreach (var path in new[] { $"/fhir/Procedure/{Guid.NewGuid()}", $"/fhir/Observation/{Guid.NewGuid()}-lab-0", $"/fhir/Device/{Guid.NewGuid()}", "/fhir/Condition/nonsense" })
        {
            using var counting = cohort.Factory.Queries.Start();
            var response = await cohort.Surgeon.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            // The account and the id's owner, nothing else (a reader's last, empty read counts too).
            Assert.True(counting.Rows <= 4, $"{path}: {counting.Rows} rows:\n{counting.Log}");
        }
    }

    [Fact]
    public async Task A_consent_PDF_read_reads_only_its_patients_records()
    {
        var consent = (await Fhir("/fhir/Consent?_count=50"))["entry"]!.AsArray()[^1]!["resource"]!;
        var url = (string)consent["sourceAttachment"]!["url"]!;
        var binary = url[url.IndexOf("/Binary/", StringComparison.Ordinal)..];
        System.Text.Json.Nodes.JsonNode? read = null;
        var (count, rows, log) = await CountRows(async () => read = await Fhir($"/fhir{binary}"));
        Assert.Equal("application/pdf", (string)read!["contentType"]!);
        Assert.Equal($"Consent/{consent["id"]}", (string)read["securityContext"]!["reference"]!);
        Assert.True(rows <= FhirReadRows, $"{rows} rows in {count} queries:\n{log}");
    }
}

public sealed class PagingTests_Sqlite(SeededCohort_Sqlite cohort) : PagingTests<SeededCohort_Sqlite>(cohort), IClassFixture<SeededCohort_Sqlite>;

public sealed class PagingTests_Postgres(SeededCohort_Postgres cohort) : PagingTests<SeededCohort_Postgres>(cohort), IClassFixture<SeededCohort_Postgres>;

public sealed class QueryCountTests_Sqlite(SeededCohort_Sqlite cohort) : QueryCountTests<SeededCohort_Sqlite>(cohort), IClassFixture<SeededCohort_Sqlite>;

public sealed class QueryCountTests_Postgres(SeededCohort_Postgres cohort) : QueryCountTests<SeededCohort_Postgres>(cohort), IClassFixture<SeededCohort_Postgres>;
