using System.CommandLine;
using Explant.Core.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Explant.Cli;

internal static class UserCommands
{
    public static Command Build(CliConsole console)
    {
        var email = new Option<string>("--email") { Description = "The user's e-mail (also the login name).", Required = true };
        var role = new Option<string>("--role") { Description = $"One of: {string.Join(", ", Roles.All)}.", Required = true };
        var password = new Option<string?>("--password") { Description = "Initial password; generated and printed once when omitted." };
        var name = new Option<string?>("--name") { Description = "Display name." };
        var add = new Command("add", "Create a staff account in one role.") { email, role, password, name };
        add.SetAction(async (parse, ct) =>
        {
            await using var services = console.BuildServices();
            await Explant.Core.Data.Migrator.MigrateAsync(services, ct);
            await using var scope = services.CreateAsyncScope();
            var result = await AddUser.Handle(
                new(parse.GetValue(email)!, parse.GetValue(role)!, parse.GetValue(password), parse.GetValue(name)),
                scope.ServiceProvider.GetRequiredService<UserManager<ExplantUser>>(),
                scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>());
            switch (result)
            {
                case AddUser.Result.Created c:
                    await console.Out.WriteLineAsync($"created {c.Email} ({c.Role})");
                    if (c.PasswordGenerated)
                    {
                        await console.Out.WriteLineAsync($"password: {c.Password}  (shown once; ask the user to change it)");
                    }
                    return ExitCodes.Ok;
                case AddUser.Result.Rejected r:
                    await console.Err.WriteLineAsync($"{r.Field}: {r.Message}");
                    return r.Field == "--email" && r.Message.Contains("already exists", StringComparison.Ordinal) ? ExitCodes.DomainFailure : ExitCodes.BadInput;
                default:
                    return ExitCodes.DomainFailure;
            }
        });
        return new Command("users", "Staff accounts.") { add };
    }
}
