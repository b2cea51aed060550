namespace BulkInvite.Tests.History;

[TestFixture]
public sealed class InviteReasonCodesTests
{
    [Test]
    public void The_code_of_every_invalid_reason_is_its_name()
    {
        foreach (var reason in Enum.GetValues<InvalidReason>())
        {
            Assert.That(InviteReasonCodes.Of(reason), Is.EqualTo(reason.ToString()));
        }
    }

    [Test]
    public void The_code_of_an_invalid_reason_is_the_same_string_each_time()
    {
        var first = InviteReasonCodes.Of(InvalidReason.MissingAt);
        var second = InviteReasonCodes.Of(InvalidReason.MissingAt);

        Assert.That(second, Is.SameAs(first));
    }

    [Test]
    public void A_reason_the_enum_does_not_define_is_written_as_its_number()
        => Assert.That(InviteReasonCodes.Of((InvalidReason)9999), Is.EqualTo("9999"));

    [Test]
    public void The_codes_keep_the_values_stores_and_reports_already_hold()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(InviteReasonCodes.DuplicateOfLine, Is.EqualTo("DuplicateOfLine"));
            Assert.That(InviteReasonCodes.Member, Is.EqualTo("Member"));
            Assert.That(InviteReasonCodes.PendingInvitation, Is.EqualTo("PendingInvitation"));
            Assert.That(InviteReasonCodes.Rejected, Is.EqualTo("Rejected"));
            Assert.That(InviteReasonCodes.SenderError, Is.EqualTo("SenderError"));
            Assert.That(InviteReasonCodes.Cancelled, Is.EqualTo("Cancelled"));
            Assert.That(InviteReasonCodes.ImportFailed, Is.EqualTo("ImportFailed"));
            Assert.That(InviteReasonCodes.MaxEntriesExceeded, Is.EqualTo("MaxEntriesExceeded"));
            Assert.That(InviteReasonCodes.InFlightAfterCrash, Is.EqualTo("InFlightAfterCrash"));
        }
    }

    [Test]
    public void No_code_of_the_pipeline_is_also_a_validation_reason()
    {
        var codes = typeof(InviteReasonCodes).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();

        Assert.That(codes, Has.Count.EqualTo(9));
        Assert.That(codes.Intersect(Enum.GetNames<InvalidReason>()), Is.Empty);
    }
}
