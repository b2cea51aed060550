using BulkInvite.Web.Demo;
using BulkInvite.Web.Imports;
using BulkInvite.Web.Invitations;
using BulkInvite.Web.Security;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace BulkInvite.Web;

/// <summary>Builds the sample host: the SDK registered through DI as a customer would, and the Bulk Invite pages.</summary>
public static class BulkInviteWebApp
{
    /// <summary>Request bodies may carry the file plus the form around it.</summary>
    internal const long FormOverheadBytes = 64 * 1024;

    /// <summary>Builds the application.</summary>
    /// <param name="args">Command-line arguments (<c>--urls</c>, configuration overrides).</param>
    /// <param name="configure">Changes the builder before the application is built (tests set folders and limits).</param>
    /// <returns>The application, not started.</returns>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = DefaultContentRoot(args) });
        configure?.Invoke(builder);
        var configuration = builder.Configuration;
        var environment = builder.Environment;

        // Settings are read when the services are first resolved, so that a test host's configuration applies too.
        string DataDirectory() => Path.GetFullPath(configuration["Sample:DataDirectory"] ?? "App_Data", environment.ContentRootPath);
        string TokenKeyFile() => configuration["Sample:TokenKeyFile"] is { Length: > 0 } file
            ? Path.GetFullPath(file, environment.ContentRootPath)
            : Path.Combine(CreateDirectory(DataDirectory()), "token-key");
        long MaxFileBytes() => configuration.GetValue<long?>("BulkInvite:MaxFileBytes") ?? new BulkInviteOptions().MaxFileBytes;
        long MaxRequestBytes() => checked((MaxFileBytes() * 2) + FormOverheadBytes);

        builder.Services.AddOptions<SampleOptions>()
            .Bind(configuration.GetSection("Sample"))
            .Validate(o => SampleAcceptLinks.IsValidBaseAddress(o.BaseAddress), "Sample:BaseAddress must be an absolute http(s) URL without a query, for example https://invite.example.com.")
            .ValidateOnStart();

        // The SDK, as a host registers it: options from configuration, the host's user directory, a durable
        // history, one named sender per account, and imports run in the background.
        builder.Services.Configure<BulkInviteOptions>(configuration.GetSection("BulkInvite"));

        // The keys of accept-link tokens: from configuration (BulkInvite:InvitationTokenKeys, a secret store in
        // production), else a key file the sample creates in its data directory, apart from the database (the first
        // key signs, older ones kept after it by InvitationTokenKey.RotateFile still verify).
        builder.Services.PostConfigure<BulkInviteOptions>(o =>
        {
            if (o.InvitationTokenKeys.Count == 0)
            {
                foreach (var key in InvitationTokenKey.FromFile(TokenKeyFile()))
                {
                    o.InvitationTokenKeys.Add(key);
                }
            }
        });
        // One directory for the pipeline's checks and the accept page, which adds the accounts it creates.
        builder.Services.AddSingleton<DemoUserDirectory>();
        var sample = configuration.GetSection("Sample").Get<SampleOptions>() ?? new SampleOptions();
        var bulkInvite = builder.Services.AddBulkInvite()
            .AddUserExistenceCheck(sp => sp.GetRequiredService<DemoUserDirectory>());
        AddHistoryStore(bulkInvite, configuration, sample, DataDirectory);
        bulkInvite.AddBackgroundImports(o => configuration.GetSection("BulkInvite:Background").Bind(o));
        AddSenders(bulkInvite, configuration, sample, DataDirectory);

        // The emails' links lead to this site's accept page, with the SDK's token as their only parameter.
        bulkInvite.AddAcceptLinkProvider<SampleAcceptLinks>();

        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.LoginPath = "/Login";
                o.LogoutPath = "/Logout";
                // A signed-in member on an administrator's page gets the Forbidden page, not another sign-in.
                o.Events.OnRedirectToAccessDenied = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                };
                o.Cookie.Name = "bulkinvite.sample";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
            });
        // Sessions are kept on the server, so that signing out ends them there too (not just in the browser).
        builder.Services.AddSingleton<MemoryTicketStore>();
        builder.Services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<MemoryTicketStore>((o, sessions) => o.SessionStore = sessions);
        // The pages and endpoints are for a tenant's administrators; the people who accepted an invitation see only
        // their welcome page (which asks for a sign-in itself), and the accept page is open to anyone with a link.
        builder.Services.AddAuthorization(o => o.AddPolicy(
            TenantUser.AdminPolicy,
            policy => policy.RequireAuthenticatedUser().RequireClaim(TenantUser.TenantClaim).RequireRole(TenantUser.AdminRole)));
        builder.Services.AddRazorPages(o => o.Conventions
            .AuthorizeFolder("/", TenantUser.AdminPolicy)
            .AllowAnonymousToPage("/Login")
            .AllowAnonymousToPage("/Logout")
            .AllowAnonymousToPage("/Error")
            .AllowAnonymousToPage("/Invitations/Accept")
            .AllowAnonymousToPage("/Invitations/Welcome"));

        // The upload limit is the SDK's MaxFileBytes; requests up to twice that are still read to the end, so that
        // the page can say why the file was refused instead of the connection being cut. The upload page enforces the
        // request limit itself (also without a Content-Length) and leaves the rest of a larger body for the server to
        // drain after its answer.
        builder.Services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = MaxRequestBytes());
        builder.Services.Configure<FormOptions>(o =>
        {
            o.MultipartBodyLengthLimit = MaxRequestBytes();
            o.ValueCountLimit = 64;
        });
        builder.Services.AddSingleton(_ => new UploadLimits(MaxFileBytes(), MaxRequestBytes()));

        var app = builder.Build();
        app.UseSecurityHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error");
        }

        app.UseStatusCodePagesWithReExecute("/Error", "?code={0}");
        app.UseStaticFiles();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapRazorPages();
        app.MapImportEndpoints();
        return app;
    }

    /// <summary>
    /// The folder with <c>appsettings.json</c>: the current one when it has it (<c>dotnet run</c> in the project
    /// folder, a test host), else the application's own folder (<c>dotnet run --project</c> from elsewhere).
    /// </summary>
    private static string? DefaultContentRoot(string[] args)
        => args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase))
            || File.Exists(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"))
            ? null
            : AppContext.BaseDirectory;

    private static string CreateDirectory(string path)
    {
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>
    /// The history (and the queued uploads, and the leases of the imports being run): a SQLite file in the data folder by
    /// default; with <c>Sample:Store=PostgreSql</c>, the PostgreSQL database of <c>ConnectionStrings:BulkInvite</c> (or
    /// <c>BulkInvite:PostgreSql:ConnectionString</c>), which several instances of the sample can share.
    /// </summary>
    private static void AddHistoryStore(IBulkInviteBuilder bulkInvite, IConfiguration configuration, SampleOptions sample, Func<string> dataDirectory)
    {
        if (string.Equals(sample.Store, "PostgreSql", StringComparison.OrdinalIgnoreCase))
        {
            bulkInvite.AddPostgreSqlHistoryStore(o =>
            {
                configuration.GetSection("BulkInvite:PostgreSql").Bind(o);
                o.ConnectionString ??= configuration.GetConnectionString("BulkInvite");
            });
        }
        else if (string.Equals(sample.Store, "Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            bulkInvite.AddSqliteHistoryStore(o => o.DatabasePath = Path.Combine(CreateDirectory(dataDirectory()), "bulkinvite.db"));
        }
        else
        {
            throw new InvalidOperationException($"Sample:Store is '{sample.Store}'; it must be Sqlite (a file in the data folder) or PostgreSql (ConnectionStrings:BulkInvite).");
        }
    }

    private static void AddSenders(IBulkInviteBuilder bulkInvite, IConfiguration configuration, SampleOptions sample, Func<string> dataDirectory)
    {
        var smtp = string.Equals(sample.Sender, "Smtp", StringComparison.OrdinalIgnoreCase);
        if (!smtp && !string.Equals(sample.Sender, "Pickup", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Sample:Sender is '{sample.Sender}'; it must be Pickup or Smtp.");
        }

        var templates = Path.Combine(AppContext.BaseDirectory, "templates");
        foreach (var account in sample.Accounts)
        {
            // Each tenant's invitations carry its own account name: one named sender per tenant.
            if (smtp)
            {
                bulkInvite.AddSmtpSender(account.TenantId, o =>
                {
                    configuration.GetSection("BulkInvite:Smtp").Bind(o);
                    o.Password = configuration["BulkInvite:Smtp:Password"] ?? Environment.GetEnvironmentVariable("BULKINVITE_SMTP_PASSWORD");
                    o.Message.AccountName = account.AccountName;
                    o.Message.TemplateDirectory ??= Directory.Exists(templates) ? templates : null;
                });
            }
            else
            {
                bulkInvite.AddPickupFolderSender(account.TenantId, o =>
                {
                    configuration.GetSection("BulkInvite:Pickup").Bind(o);
                    o.Directory = Path.Combine(dataDirectory(), "pickup", account.TenantId);
                    o.Message.AccountName = account.AccountName;
                    o.Message.TemplateDirectory ??= Directory.Exists(templates) ? templates : null;
                });
            }
        }
    }
}

/// <summary>The upload limits the pages enforce.</summary>
/// <param name="MaxFileBytes">The largest file accepted (the SDK's <c>MaxFileBytes</c>).</param>
/// <param name="MaxRequestBytes">The largest request read to the end.</param>
public sealed record UploadLimits(long MaxFileBytes, long MaxRequestBytes);
