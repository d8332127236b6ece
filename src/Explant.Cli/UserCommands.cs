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
        return new Command("users", "Staff accounts.") { add, Password(console), Disable(console), List(console) };
    }

    private static Command Password(CliConsole console)
    {
        var email = new Option<string>("--email") { Description = "The account's e-mail.", Required = true };
        var password = new Option<string?>("--password") { Description = "The new password; generated and printed once when omitted." };
        var command = new Command("password", "Set a new password; tokens and sessions issued before stop working.") { email, password };
        command.SetAction(async (parse, ct) =>
        {
            await using var services = console.BuildServices();
            await Explant.Core.Data.Migrator.MigrateAsync(services, ct);
            await using var scope = services.CreateAsyncScope();
            var result = await SetPassword.Handle(new(parse.GetValue(email)!, parse.GetValue(password)),
                scope.ServiceProvider.GetRequiredService<UserManager<ExplantUser>>());
            switch (result)
            {
                case SetPassword.Result.Changed c:
                    await console.Out.WriteLineAsync($"password changed for {c.Email}; earlier tokens and sessions are revoked");
                    if (c.PasswordGenerated)
                    {
                        await console.Out.WriteLineAsync($"password: {c.Password}  (shown once; ask the user to change it)");
                    }
                    return ExitCodes.Ok;
                case SetPassword.Result.NotFound n:
                    await console.Err.WriteLineAsync($"--email: no account with e-mail '{n.Email}'");
                    return ExitCodes.DomainFailure;
                case SetPassword.Result.Rejected r:
                    await console.Err.WriteLineAsync($"{r.Field}: {r.Message}");
                    return ExitCodes.BadInput;
                default:
                    return ExitCodes.DomainFailure;
            }
        });
        return command;
    }

    private static Command Disable(CliConsole console)
    {
        var email = new Option<string>("--email") { Description = "The account's e-mail.", Required = true };
        var command = new Command("disable", "Disable an account: no sign-in, and its tokens and sessions stop working.") { email };
        command.SetAction(async (parse, ct) =>
        {
            await using var services = console.BuildServices();
            await Explant.Core.Data.Migrator.MigrateAsync(services, ct);
            await using var scope = services.CreateAsyncScope();
            var result = await DisableUser.Handle(new(parse.GetValue(email)!), scope.ServiceProvider.GetRequiredService<UserManager<ExplantUser>>());
            switch (result)
            {
                case DisableUser.Result.Disabled d:
                    await console.Out.WriteLineAsync($"disabled {d.Email}");
                    return ExitCodes.Ok;
                case DisableUser.Result.NotFound n:
                    await console.Err.WriteLineAsync($"--email: no account with e-mail '{n.Email}'");
                    return ExitCodes.DomainFailure;
                case DisableUser.Result.Rejected r:
                    await console.Err.WriteLineAsync($"{r.Field}: {r.Message}");
                    return ExitCodes.BadInput;
                default:
                    return ExitCodes.DomainFailure;
            }
        });
        return command;
    }

    private static Command List(CliConsole console)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("list", "Every account: e-mail, roles, status.") { json };
        command.SetAction(async (parse, ct) =>
        {
            await using var services = console.BuildServices();
            await Explant.Core.Data.Migrator.MigrateAsync(services, ct);
            await using var scope = services.CreateAsyncScope();
            var rows = await ListUsers.Handle(scope.ServiceProvider.GetRequiredService<Explant.Core.Data.ExplantDbContext>(), ct);
            if (parse.GetValue(json))
            {
                await console.Out.WriteLineAsync(System.Text.Json.JsonSerializer.Serialize(rows.Select(r => new { email = r.Email, displayName = r.DisplayName, roles = r.Roles, disabled = r.Disabled })));
                return ExitCodes.Ok;
            }
            foreach (var r in rows)
            {
                await console.Out.WriteLineAsync($"{r.Email,-36} {string.Join(",", r.Roles),-28} {(r.Disabled ? "disabled" : "active")}");
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
