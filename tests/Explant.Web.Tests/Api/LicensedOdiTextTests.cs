using Explant.Core.Data;
using Explant.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;

namespace Explant.Web.Tests.Api;

/// <summary>A site's licensed ODI wording is configuration: loaded text without a licence reference stops the app.</summary>
public sealed class LicensedOdiTextTests : IAsyncLifetime
{
    private ExplantFactory factory = null!;

    public async Task InitializeAsync() => factory = await ExplantFactory.CreateAsync(DatabaseProvider.Sqlite);

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task Licensed_text_without_a_licence_reference_is_refused_at_start_and_accepted_with_one()
    {
        await using var unlicensed = factory.WithWebHostBuilder(b => b.UseSetting("Outcomes:Odi:LicensedText:Sections:PainIntensity:Question", "site text"));
        var error = Assert.ThrowsAny<Exception>(() => unlicensed.CreateClient());
        Assert.Contains("Outcomes:Odi:LicensedText", (error as OptionsValidationException ?? error.InnerException ?? error).Message, StringComparison.Ordinal);

        await using var licensed = factory.WithWebHostBuilder(b => b
            .UseSetting("Outcomes:Odi:LicensedText:Licence", "ePROVIDE-TEST-1")
            .UseSetting("Outcomes:Odi:LicensedText:Sections:PainIntensity:Question", "site text"));
        var response = await licensed.CreateClient().GetAsync("/health");
        Assert.True(response.IsSuccessStatusCode);
    }
}
