using System.Text;

namespace NetServer.Internal;

/// <summary>Node's Buffer encodings (<c>utf8</c>, <c>hex</c>, <c>base64</c>, <c>latin1</c>...): names, encoding, and streaming decoding.</summary>
internal static class NodeEncoding
{
    /// <summary>Normalises an encoding name as Node does (the empty name means utf8), or throws <c>ERR_UNKNOWN_ENCODING</c>.</summary>
    public static string Normalize(string encoding) => encoding.ToLowerInvariant() switch
    {
        "" or "utf8" or "utf-8" => "utf8",
        "ucs2" or "ucs-2" or "utf16le" or "utf-16le" => "utf16le",
        "latin1" or "binary" => "latin1",
        "ascii" => "ascii",
        "base64" => "base64",
        "base64url" => "base64url",
        "hex" => "hex",
        _ => throw NodeErrors.UnknownEncoding(encoding),
    };

    public static byte[] GetBytes(string data, string normalized) => normalized switch
    {
        "utf8" => Encoding.UTF8.GetBytes(data),
        "utf16le" => Encoding.Unicode.GetBytes(data),
        "latin1" => Encoding.Latin1.GetBytes(data),
        "ascii" => Encoding.Latin1.GetBytes(data),
        "hex" => FromHex(data),
        "base64" or "base64url" => FromBase64(data),
        _ => throw NodeErrors.UnknownEncoding(normalized),
    };

    /// <summary>
    /// A stateful decoder (Node's StringDecoder): multi-byte characters split across chunks are not mangled.
    /// Called with null at the end of input, it returns what it held back (Node's <c>decoder.end()</c>).
    /// </summary>
    public static Func<byte[]?, string> CreateDecoder(string normalized)
    {
        switch (normalized)
        {
            case "utf8":
                {
                    var decoder = Encoding.UTF8.GetDecoder();
                    return bytes => Decode(decoder, bytes);
                }
            case "utf16le":
                {
                    var decoder = Encoding.Unicode.GetDecoder();
                    return bytes => Decode(decoder, bytes);
                }
            case "latin1":
                return bytes => bytes is null ? "" : Encoding.Latin1.GetString(bytes);
            case "ascii":
                return bytes => bytes is null ? "" : string.Create(bytes.Length, bytes, static (span, b) =>
                {
                    for (var i = 0; i < b.Length; i++)
                    {
                        span[i] = (char)(b[i] & 0x7f);
                    }
                });
            case "hex":
                return bytes => bytes is null ? "" : Convert.ToHexStringLower(bytes);
            default:
                return CreateBase64Decoder(normalized == "base64url");
        }
    }

    private static string Decode(Decoder decoder, byte[]? bytes)
    {
        var flush = bytes is null;
        bytes ??= [];
        var chars = new char[decoder.GetCharCount(bytes, 0, bytes.Length, flush)];
        var n = decoder.GetChars(bytes, 0, bytes.Length, chars, 0, flush);
        return new string(chars, 0, n);
    }

    private static Func<byte[]?, string> CreateBase64Decoder(bool url)
    {
        var carry = Array.Empty<byte>();
        return bytes =>
        {
            var all = bytes is null ? carry : carry.Length == 0 ? bytes : [.. carry, .. bytes];
            var whole = bytes is null ? all.Length : all.Length - (all.Length % 3);
            carry = all[whole..];
            var text = Convert.ToBase64String(all, 0, whole);
            return url ? text.TrimEnd('=').Replace('+', '-').Replace('/', '_') : text;
        };
    }

    private static byte[] FromHex(string data)
    {
        // Node stops at the first invalid pair and ignores a trailing odd digit.
        var bytes = new List<byte>(data.Length / 2);
        for (var i = 0; i + 1 < data.Length; i += 2)
        {
            if (!Uri.IsHexDigit(data[i]) || !Uri.IsHexDigit(data[i + 1]))
            {
                break;
            }
            bytes.Add(Convert.ToByte(data.Substring(i, 2), 16));
        }
        return [.. bytes];
    }

    private static byte[] FromBase64(string data)
    {
        var s = data.Replace('-', '+').Replace('_', '/').TrimEnd('=');
        s = s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
        return Convert.FromBase64String(s);
    }
}
