using Explant.Core.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Auth;

/// <summary>The account rules the web app and the CLI share, so `users add`/`users password` accept what sign-in expects.</summary>
public static class IdentityRules
{
    public static void Configure(IdentityOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        o.User.RequireUniqueEmail = true;
        o.Password.RequiredLength = 12;
        // Identity's per-account lockout is not used for failed passwords (anyone could lock a colleague out); the web
        // app counts failures per account and address. Lockout stays enabled for accounts, as the way to disable one.
        o.Lockout.AllowedForNewUsers = true;
    }

    /// <summary>An account is disabled by a lock-out that never ends (year 9999); see <see cref="DisableUser"/>.</summary>
    public static readonly DateTimeOffset DisabledUntil = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static bool IsDisabled(IdentityUser user) => user is { LockoutEnabled: true, LockoutEnd: { } end } && end >= DisabledUntil;
}

/// <summary>
/// Sets a new password (given, or generated and shown once). The security stamp changes with it, so every token and
/// cookie issued before stops working (issue #16 §2).
/// </summary>
public static class SetPassword
{
    public sealed record Command(string Email, string? Password);

    public abstract record Result
    {
        public sealed record Changed(string Email, string Password, bool PasswordGenerated) : Result;
        public sealed record NotFound(string Email) : Result;
        public sealed record Rejected(string Field, string Message) : Result;
    }

    public static async Task<Result> Handle(Command command, UserManager<ExplantUser> users)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(users);
        if (await users.FindByEmailAsync(command.Email ?? "") is not { } user)
        {
            return new Result.NotFound(command.Email ?? "");
        }
        var password = command.Password ?? AddUser.GeneratePassword();
        var problems = new List<string>();
        foreach (var validator in users.PasswordValidators)
        {
            var checkedPassword = await validator.ValidateAsync(users, user, password);
            problems.AddRange(checkedPassword.Errors.Select(e => e.Description));
        }
        if (problems.Count > 0)
        {
            return new Result.Rejected("--password", string.Join("; ", problems));
        }
        // One save: the new hash and the new stamp together (Remove+AddPassword would save twice, passwordless between).
        user.PasswordHash = users.PasswordHasher.HashPassword(user, password);
        user.AccessFailedCount = 0;
        var saved = await users.UpdateSecurityStampAsync(user);
        return saved.Succeeded
            ? new Result.Changed(user.Email!, password, command.Password is null)
            : new Result.Rejected("--email", string.Join("; ", saved.Errors.Select(e => e.Description)));
    }
}

/// <summary>Disables an account: it cannot sign in, and its tokens and cookies stop working at once (new security stamp).</summary>
public static class DisableUser
{
    public sealed record Command(string Email);

    public abstract record Result
    {
        public sealed record Disabled(string Email) : Result;
        public sealed record NotFound(string Email) : Result;
        public sealed record Rejected(string Field, string Message) : Result;
    }

    public static async Task<Result> Handle(Command command, UserManager<ExplantUser> users)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(users);
        if (await users.FindByEmailAsync(command.Email ?? "") is not { } user)
        {
            return new Result.NotFound(command.Email ?? "");
        }
        user.LockoutEnabled = true;
        user.LockoutEnd = IdentityRules.DisabledUntil;
        var saved = await users.UpdateSecurityStampAsync(user);
        return saved.Succeeded
            ? new Result.Disabled(user.Email!)
            : new Result.Rejected("--email", string.Join("; ", saved.Errors.Select(e => e.Description)));
    }
}

/// <summary>Every account with its roles and whether it is disabled (for `users list`).</summary>
public static class ListUsers
{
    public sealed record Row(string Email, string DisplayName, IReadOnlyList<string> Roles, bool Disabled);

    public static async Task<IReadOnlyList<Row>> Handle(ExplantDbContext db, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var users = await db.Users.AsNoTracking().ToListAsync(ct);
        var roles = await (from ur in db.UserRoles
                           join r in db.Roles on ur.RoleId equals r.Id
                           select new { ur.UserId, r.Name }).AsNoTracking().ToListAsync(ct);
        return [.. users
            .Select(u => new Row(u.Email ?? u.UserName ?? u.Id, u.DisplayName,
                [.. roles.Where(r => r.UserId == u.Id && r.Name is not null).Select(r => r.Name!).Order(StringComparer.Ordinal)],
                IdentityRules.IsDisabled(u)))
            .OrderBy(r => r.Email, StringComparer.OrdinalIgnoreCase)];
    }
}
