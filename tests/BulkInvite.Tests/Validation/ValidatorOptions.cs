namespace BulkInvite.Tests.Validation;

/// <summary>The validator options a table case runs with, as flags so that a case can name them in one word.</summary>
[Flags]
internal enum ValidatorOptions
{
    Default = 0,
    Quoted = 1,
    Literal = 2,
    International = 4,
    SingleLabel = 8,
}
