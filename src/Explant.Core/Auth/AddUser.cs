using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace Explant.Core.Auth;

/// <summary>Creates a staff account in one role. There is no default password: one is generated when none is given.</summary>
public static class AddUser
{
    public sealed record Command(string Email, string Role, string? Password, string? DisplayName = null);

    public abstract record Result
    {
        public sealed record Created(string Email, string Role, string Password, bool PasswordGenerated) : Result;
        public sealed record Rejected(string Field, string Message) : Result;
    }

    public static async Task<Result> Handle(Command command, UserManager<ExplantUser> users, RoleManager<IdentityRole> roles)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(roles);
        if (!Roles.IsKnown(command.Role))
        {
            return new Result.Rejected("--role", $"unknown role '{command.Role}' (known: {string.Join(", ", Roles.All)})");
        }
        if (string.IsNullOrWhiteSpace(command.Email) || !command.Email.Contains('@', StringComparison.Ordinal))
        {
            return new Result.Rejected("--email", $"'{command.Email}' is not an e-mail address");
        }
        if (await users.FindByEmailAsync(command.Email) is not null)
        {
            return new Result.Rejected("--email", $"a user with e-mail '{command.Email}' already exists");
        }
        await EnsureRolesAsync(roles);

        var generated = command.Password is null;
        var password = command.Password ?? GeneratePassword();
        var user = new ExplantUser { UserName = command.Email, Email = command.Email, EmailConfirmed = true, DisplayName = command.DisplayName ?? command.Email };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            return new Result.Rejected("--password", string.Join("; ", created.Errors.Select(e => e.Description)));
        }
        await users.AddToRoleAsync(user, command.Role);
        return new Result.Created(command.Email, command.Role, password, generated);
    }

    public static async Task EnsureRolesAsync(RoleManager<IdentityRole> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }
    }

    /// <summary>20 random characters from every class Identity's default password rules ask for.</summary>
    public static string GeneratePassword()
    {
        const string lower = "abcdefghijkmnpqrstuvwxyz", upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", digits = "23456789", symbols = "!#%+-=?@";
        var all = lower + upper + digits + symbols;
        var chars = new char[20];
        chars[0] = lower[RandomNumberGenerator.GetInt32(lower.Length)];
        chars[1] = upper[RandomNumberGenerator.GetInt32(upper.Length)];
        chars[2] = digits[RandomNumberGenerator.GetInt32(digits.Length)];
        chars[3] = symbols[RandomNumberGenerator.GetInt32(symbols.Length)];
        for (var i = 4; i < chars.Length; i++)
        {
            chars[i] = all[RandomNumberGenerator.GetInt32(all.Length)];
        }
        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }
}
