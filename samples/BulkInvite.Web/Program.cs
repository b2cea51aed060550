using BulkInvite.Web;

var app = BulkInviteWebApp.Create(args);
await app.RunAsync();

/// <summary>The sample's entry point (named for <c>WebApplicationFactory&lt;Program&gt;</c>).</summary>
public partial class Program;
