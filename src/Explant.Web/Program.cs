using Explant.Web.Fhir;
using Explant.Web.Hosting;

// `--demo`: migrate, load the shipped definitions, create one account per role and print the credentials.
var demo = args.Contains("--demo");
var builder = WebApplication.CreateBuilder(args.Where(a => a != "--demo").ToArray());
if (demo) { builder.Configuration.AddInMemoryCollection(Explant.Core.Demo.DemoSettings.Values); }
builder.AddExplantWeb(demo);
builder.Services.AddFhirApi(builder.Configuration);

var app = builder.Build();
app.UseExplantPipeline();
app.MapExplantEndpoints();
app.MapFhirApi();
await app.PrepareDatabaseAsync(demo);
await app.RunAsync();

/// <summary>Entry point type, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
