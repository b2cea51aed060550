using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace BulkInvite.Parsing;

/// <summary>
/// The per-recipient fields of one CSV row (<see cref="InviteEntry.Fields"/>): a read-only dictionary over the
/// row's values that shares the header's keys and lookup table with every other row. Keys compare case-insensitively.
/// </summary>
internal sealed class CsvRecordFields : IReadOnlyDictionary<string, string>
{
    private readonly CsvHeader _header;
    private readonly string[] _values;

    public CsvRecordFields(CsvHeader header, string[] values)
    {
        _header = header;
        _values = values;
    }

    public int Count => _values.Length;

    public IEnumerable<string> Keys => _header.Keys;

    public IEnumerable<string> Values => _values;

    public string this[string key]
        => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The row has no field named '{key}'.");

    public bool ContainsKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _header.TryGetKeyIndex(key, out _);
    }

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_header.TryGetKeyIndex(key, out var index))
        {
            value = _values[index];
            return true;
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        var keys = _header.Keys;
        for (var i = 0; i < _values.Length; i++)
        {
            yield return new KeyValuePair<string, string>(keys[i], _values[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
