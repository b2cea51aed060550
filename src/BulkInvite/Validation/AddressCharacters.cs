using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace BulkInvite;

/// <summary>
/// The classes of the 128 ASCII characters as the address grammar sees them, in one lookup table.
/// </summary>
internal static class AddressCharacters
{
    /// <summary>RFC 5322 <c>atext</c>: letters, digits and <c>! # $ % &amp; ' * + - / = ? ^ _ ` { | } ~</c>.</summary>
    internal const byte Atext = 1;

    /// <summary>Letters, digits and hyphen: what a host-name label is made of.</summary>
    internal const byte Ldh = 2;

    /// <summary>Decimal digits.</summary>
    internal const byte Digit = 4;

    /// <summary>Hexadecimal digits.</summary>
    internal const byte Hex = 8;

    /// <summary>Control characters: U+0000–U+001F and U+007F.</summary>
    internal const byte Control = 16;

    private const byte A = Atext;
    private const byte L = Ldh;
    private const byte D = Digit;
    private const byte H = Hex;
    private const byte C = Control;

    /// <summary>Everything a plain dot-atom address with a host-name domain is made of: atext, dot and <c>@</c>.</summary>
    private const string Plain =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-/=?^_`{|}~.@";

    /// <summary>Letters, digits, hyphen and dot: everything a host name is made of.</summary>
    private const string HostName = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.";

    private static readonly SearchValues<char> PlainChars = SearchValues.Create(Plain);

    private static readonly SearchValues<byte> PlainBytes = SearchValues.Create(Encoding.ASCII.GetBytes(Plain));

    private static readonly SearchValues<char> HostNameChars = SearchValues.Create(HostName);

    private static readonly SearchValues<byte> HostNameBytes = SearchValues.Create(Encoding.ASCII.GetBytes(HostName));

    private static readonly SearchValues<char> DigitChars = SearchValues.Create("0123456789");

    private static readonly SearchValues<byte> DigitBytes = SearchValues.Create("0123456789"u8);

    /// <summary>The class bits of each ASCII character, indexed by its code.</summary>
    internal static ReadOnlySpan<byte> Table =>
    [
        C, C, C, C, C, C, C, C,  // 00-07
        C, C, C, C, C, C, C, C,  // 08-0F
        C, C, C, C, C, C, C, C,  // 10-17
        C, C, C, C, C, C, C, C,  // 18-1F
        0, A, 0, A, A, A, A, A,  // space ! " # $ % & '
        0, 0, A, A, 0, A | L, 0, A,  // ( ) * + , - . /
        A | L | D | H, A | L | D | H, A | L | D | H, A | L | D | H, A | L | D | H, A | L | D | H, A | L | D | H, A | L | D | H,  // 0-7
        A | L | D | H, A | L | D | H, 0, 0, 0, A, 0, A,  // 8 9 : ; < = > ?
        0, A | L | H, A | L | H, A | L | H, A | L | H, A | L | H, A | L | H, A | L,  // @ A-G
        A | L, A | L, A | L, A | L, A | L, A | L, A | L, A | L,  // H-O
        A | L, A | L, A | L, A | L, A | L, A | L, A | L, A | L,  // P-W
        A | L, A | L, A | L, 0, 0, 0, A, A,  // X Y Z [ \ ] ^ _
        A, A | L | H, A | L | H, A | L | H, A | L | H, A | L | H, A | L | H, A | L,  // ` a-g
        A | L, A | L, A | L, A | L, A | L, A | L, A | L, A | L,  // h-o
        A | L, A | L, A | L, A | L, A | L, A | L, A | L, A | L,  // p-w
        A | L, A | L, A | L, A, A, A, A, C,  // x y z { | } ~ DEL
    ];

    /// <summary>Whether a code unit is ASCII and has any of the given class bits.</summary>
    /// <param name="unit">A UTF-16 or UTF-8 code unit.</param>
    /// <param name="classes">The class bits.</param>
    /// <returns><see langword="true"/> when the unit is ASCII and in one of the classes.</returns>
    internal static bool Is(uint unit, byte classes) => unit < 128 && (Table[(int)unit] & classes) != 0;

    /// <summary>The index of the first code unit that is not atext, dot or <c>@</c>; -1 when there is none.</summary>
    /// <typeparam name="T"><see cref="char"/> or <see cref="byte"/>.</typeparam>
    /// <param name="text">The text.</param>
    /// <returns>The index, or -1.</returns>
    internal static int IndexOfNonPlain<T>(ReadOnlySpan<T> text)
        where T : unmanaged, IBinaryInteger<T>
        => typeof(T) == typeof(char)
            ? MemoryMarshal.Cast<T, char>(text).IndexOfAnyExcept(PlainChars)
            : MemoryMarshal.Cast<T, byte>(text).IndexOfAnyExcept(PlainBytes);

    /// <summary>Whether the text holds only letters, digits, hyphens and dots.</summary>
    /// <typeparam name="T"><see cref="char"/> or <see cref="byte"/>.</typeparam>
    /// <param name="text">The text.</param>
    /// <returns><see langword="true"/> when every code unit is a letter, digit, hyphen or dot.</returns>
    internal static bool IsHostNameText<T>(ReadOnlySpan<T> text)
        where T : unmanaged, IBinaryInteger<T>
        => typeof(T) == typeof(char)
            ? !MemoryMarshal.Cast<T, char>(text).ContainsAnyExcept(HostNameChars)
            : !MemoryMarshal.Cast<T, byte>(text).ContainsAnyExcept(HostNameBytes);

    /// <summary>Whether the text holds only decimal digits.</summary>
    /// <typeparam name="T"><see cref="char"/> or <see cref="byte"/>.</typeparam>
    /// <param name="text">The text.</param>
    /// <returns><see langword="true"/> when every code unit is a digit.</returns>
    internal static bool IsDigits<T>(ReadOnlySpan<T> text)
        where T : unmanaged, IBinaryInteger<T>
        => typeof(T) == typeof(char)
            ? !MemoryMarshal.Cast<T, char>(text).ContainsAnyExcept(DigitChars)
            : !MemoryMarshal.Cast<T, byte>(text).ContainsAnyExcept(DigitBytes);

    /// <summary>Whether the text holds two dots in a row.</summary>
    /// <typeparam name="T"><see cref="char"/> or <see cref="byte"/>.</typeparam>
    /// <param name="text">The text.</param>
    /// <returns><see langword="true"/> when <c>..</c> occurs.</returns>
    internal static bool HasDoubleDot<T>(ReadOnlySpan<T> text)
        where T : unmanaged, IBinaryInteger<T>
        => typeof(T) == typeof(char)
            ? MemoryMarshal.Cast<T, char>(text).IndexOf("..") >= 0
            : MemoryMarshal.Cast<T, byte>(text).IndexOf(".."u8) >= 0;
}
