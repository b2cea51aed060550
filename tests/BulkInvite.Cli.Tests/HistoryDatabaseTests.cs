using BulkInvite.Cli.Commands;

namespace BulkInvite.Cli.Tests;

[TestFixture]
public sealed class HistoryDatabaseTests
{
    [Test]
    public void A_PostgreSQL_database_is_shown_without_its_passwords()
    {
        Assert.That(HistoryDatabase.TryPostgreSql("Host=db.example.com;Port=5433;Database=invites;Username=tool;Password=pw-one;SSL Password=pw-two", out var database), Is.True);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(database!.ToString(), Does.Contain("Host=db.example.com").And.Contain("Port=5433").And.Contain("Database=invites").And.Contain("Username=tool"));
            Assert.That(database.ToString(), Does.Not.Contain("pw-one").And.Not.Contain("pw-two").And.Not.Contain("Password"));
            Assert.That(database.ConnectionString, Does.Contain("pw-one"), "the store still connects with the password");
            Assert.That(database.Path, Is.Null);
        }
    }

    [TestCase("Host=db.example.com;Password=pw-one;Colour=blue")]
    [TestCase("just some words")]
    [TestCase("Host=db.example.com;Port=not-a-number;Password=pw-one")]
    public void A_connection_string_that_cannot_be_read_is_no_database(string connectionString)
        => Assert.That(HistoryDatabase.TryPostgreSql(connectionString, out _), Is.False);

    [Test]
    public void A_SQLite_database_is_shown_as_its_file()
    {
        var database = HistoryDatabase.Sqlite("out/bulkinvite.db");

        Assert.That((database.ToString(), database.Path, database.ConnectionString), Is.EqualTo(("out/bulkinvite.db", "out/bulkinvite.db", (string?)null)));
    }
}
