using Explant.Core;
using Explant.Core.Audit;
using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Demo;
using Explant.Web.Api;
using Explant.Web.Auth;
using Explant.Web.Components;
using Explant.Web.Forms;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;

namespace Explant.Web.Hosting;

/// <summary>Service registration and the request pipeline, kept out of Program.cs so it fits on a screen.</summary>
internal static class ExplantWebSetup
{
    public static WebApplicationBuilder AddExplantWeb(this WebApplicationBuilder builder, bool demo = false)
    {
        var services = builder.Services;
        builder.AddExplantObservability();
        builder.AddExplantSecurity(demo);
        services.AddExplantOpenApi();
        services.AddSingleton(TimeProvider.System);
        services.AddHttpContextAccessor();
        // A singleton: it reads the current request through the accessor, so the pooled database contexts can share it.
        services.AddSingleton<IActor, HttpActor>();
        services.AddExplantCore(builder.Configuration);
        // Duration model settings (§8.1 booking quantile ⚠) for the week proposal.
        services.AddSettings<Explant.Planner.DurationOptions>(builder.Configuration, "Scheduling:Duration", o => Settings.Range("BookingQuantile", o.BookingQuantile, 0.05, 0.99));

        services.AddIdentityApiEndpoints<ExplantUser>(IdentityRules.Configure)
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<ExplantDbContext>()
            .AddClaimsPrincipalFactory<DisplayNameClaims>();
        // Challenges go to the cookie handler: pages redirect to /login, /api answers 401 (see ApiAware).
        services.Configure<Microsoft.AspNetCore.Authentication.AuthenticationOptions>(o => o.DefaultChallengeScheme = IdentityConstants.ApplicationScheme);
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/login";
            o.Cookie.Name = "explant";
            o.Cookie.SameSite = SameSiteMode.Strict;
            // API callers get status codes, not a redirect to an HTML login page.
            o.Events.OnRedirectToLogin = ctx => ApiAware(ctx.HttpContext, ctx.RedirectUri, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx => ApiAware(ctx.HttpContext, ctx.RedirectUri, StatusCodes.Status403Forbidden);
            // Identity's stamp check, skipped without building Identity's services while the cookie is younger than its interval.
            o.Events.OnValidatePrincipal = Auth.SignInProtection.ValidateCookieStampWhenDue;
        });
        // Keys in the shared database: any node behind a load balancer can read any cookie or token.
        // Encrypted at rest to a certificate when DataProtection:CertificatePath is set (DataProtectionCertificate).
        services.AddDataProtection().SetApplicationName("Explant").PersistKeysToDbContext<ExplantDbContext>()
            .ProtectKeysWhenConfigured(builder.Configuration);

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Staff, p => p.RequireRole(Roles.All))
            .AddPolicy(Policies.Admin, p => p.RequireRole(Roles.Admin));

        // Enums travel as names ("Posterior", "CT"), never as numbers a client could mistype silently: "sex": 99 is refused.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(namingPolicy: null, allowIntegerValues: false)));
        // Body size limits (issue #12 §8): Kestrel refuses larger bodies as they stream in; forms get the same cap.
        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = Explant.Core.Validation.InputLimits.RequestBodyBytes);
        services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(o =>
        {
            o.MultipartBodyLengthLimit = Explant.Core.Validation.InputLimits.RequestBodyBytes;
            o.ValueLengthLimit = (int)Explant.Core.Validation.InputLimits.RequestBodyBytes;
        });
        // Binding failures reach ProblemExceptionHandler in every environment, so they name the JSON path.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddSingleton<Audit.AccessLogWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<Audit.AccessLogWriter>());
        services.AddSingleton<Audit.AccessLogRetentionService>();
        services.AddHostedService(sp => sp.GetRequiredService<Audit.AccessLogRetentionService>());
        services.AddRazorComponents();
        services.AddCascadingAuthenticationState();
        services.AddSingleton(demo ? new DemoPreparation() : DemoPreparation.Open());
        services.AddHealthChecks().AddCheck<DemoPreparation>("demo-data", tags: ["ready"]);
        return builder;
    }

    private static Task ApiAware(HttpContext context, string redirectUri, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/openapi"))
        {
            context.Response.StatusCode = status;
        }
        else
        {
            context.Response.Redirect(redirectUri);
        }
        return Task.CompletedTask;
    }

    public static WebApplication UseExplantPipeline(this WebApplication app)
    {
        app.UseExplantSecurity();
        app.UseRequestLogging();
        // Outside the exception handler: it records the status and rule the handler settled on.
        app.Use(Audit.AccessLogging.Record);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(RefuseLargeBodies);
        app.UseStaticFiles();
        app.Use(DemoGate.Invoke);
        app.Use(SecuritySetup.NoStore);
        app.UseAuthentication();
        app.Use(SignInProtection.RevokeStaleBearer);
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    /// <summary>
    /// A declared body over the limit is refused before anything reads it (413). Kestrel enforces the same limit on
    /// streamed bodies; this also covers hosts without Kestrel's limits (the in-memory test server, IIS in-process).
    /// </summary>
    private static Task RefuseLargeBodies(HttpContext context, Func<Task> next)
    {
        if (context.Request.ContentLength > Explant.Core.Validation.InputLimits.RequestBodyBytes)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return context.Response.WriteAsJsonAsync(new { title = "Request body too large", status = 413,
                detail = $"the body is {context.Request.ContentLength} bytes; the limit is {Explant.Core.Validation.InputLimits.RequestBodyBytes}" });
        }
        return next();
    }

    public static WebApplication MapExplantEndpoints(this WebApplication app)
    {
        // One group around every API and form endpoint: a write that meets a concurrent change is re-run there, once for all.
        var endpoints = app.MapGroup("").AddEndpointFilter(RetryOnContention.Filter);
        endpoints.MapAuthEndpoints();
        endpoints.MapHealthApi();
        app.MapHealthProbes();
        app.MapExplantOpenApi();
        endpoints.MapProcedureApi();
        endpoints.MapPatientApi();
        endpoints.MapCaseApi();
        endpoints.MapReadinessApi();
        endpoints.MapSchedulingApi();
        endpoints.MapTheatreApi();
        endpoints.MapRecoveryApi();
        endpoints.MapReportApi();
        endpoints.MapAuditApi();
        endpoints.MapFormEndpoints();
        app.MapRazorComponents<App>();
        return app;
    }

    /// <summary>Migrates in Development, in demo mode or when Database:MigrateOnStartup is true; seeds in demo mode.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app, bool demo)
    {
        var migrate = demo || app.Environment.IsDevelopment() || app.Configuration.GetValue<bool>("Database:MigrateOnStartup");
        if (!migrate)
        {
            await app.Services.GetRequiredService<MigrationStatus>().PendingAsync();
            return;
        }
        if (demo)
        {
            // A wrong setting fails the start, as before the seed moved behind the server's start.
            _ = DemoSeed.YearsSetting(app.Configuration["Demo:Years"]);
        }
        // Migrated before the server starts (its hosted services read the data-protection keys and the access log from the
        // database); in demo mode the rest of the seed runs while the server starts, behind DemoGate.
        await Migrator.MigrateAsync(app.Services);
        await app.Services.GetRequiredService<MigrationStatus>().PendingAsync();
        if (demo)
        {
            app.Services.GetRequiredService<DemoPreparation>().Start(app);
        }
    }
}
