//! TextEncoder and TextDecoder (Encoding standard: UTF-8 encoding, every encoding's
//! decoder, streaming) and atob/btoa (HTML §8.3 "Base64 utility methods",
//! forgiving-base64).

mod support;

#[test]
fn text_encoder_encodes_utf8() {
    support::check(
        r#"
        const enc = new TextEncoder();
        eq(enc.encoding, "utf-8");
        const bytes = enc.encode("a\u00e9\u20ac\ud83d\ude00");
        assert(bytes instanceof Uint8Array, "a Uint8Array");
        eq([...bytes], [0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80]);
        eq([...enc.encode()], []);
        eq([...enc.encode("")], []);
        eq([...enc.encode(undefined)], []);
        eq([...enc.encode(null)], [0x6e, 0x75, 0x6c, 0x6c], "null is the string 'null'");
        eq([...enc.encode(12)], [0x31, 0x32]);
        // Lone surrogates are USVString-converted to U+FFFD.
        eq([...enc.encode("\ud800")], [0xef, 0xbf, 0xbd]);
        eq([...enc.encode("a\udc00b")], [0x61, 0xef, 0xbf, 0xbd, 0x62]);
        eq(Object.prototype.toString.call(enc), "[object TextEncoder]");
        "#,
    );
}

#[test]
fn text_encoder_encode_into() {
    support::check(
        r#"
        const enc = new TextEncoder();
        let dest = new Uint8Array(8);
        eq(enc.encodeInto("h\u00e9", dest), { read: 2, written: 3 });
        eq([...dest.subarray(0, 3)], [0x68, 0xc3, 0xa9]);
        // A character that does not fit whole is not written at all.
        dest = new Uint8Array(3);
        eq(enc.encodeInto("a\u20ac", dest), { read: 1, written: 1 });
        dest = new Uint8Array(5);
        eq(enc.encodeInto("\ud83d\ude00\ud83d\ude00", dest), { read: 2, written: 4 }, "read counts UTF-16 code units");
        eq([...dest], [0xf0, 0x9f, 0x98, 0x80, 0]);
        // Writes into a view's window only.
        const buf = new Uint8Array(6).fill(0xaa);
        eq(enc.encodeInto("xyz", buf.subarray(2, 4)), { read: 2, written: 2 });
        eq([...buf], [0xaa, 0xaa, 0x78, 0x79, 0xaa, 0xaa]);
        // A lone surrogate encodes as U+FFFD (3 bytes), read as 1 code unit.
        dest = new Uint8Array(4);
        eq(enc.encodeInto("\ud800!", dest), { read: 2, written: 4 });
        eq([...dest], [0xef, 0xbf, 0xbd, 0x21]);
        eq(enc.encodeInto("", new Uint8Array(0)), { read: 0, written: 0 });
        throws(() => enc.encodeInto("a", new Uint16Array(2)), TypeError);
        throws(() => enc.encodeInto("a", [0]), TypeError);
        "#,
    );
}

#[test]
fn text_decoder_decodes_utf8() {
    support::check(
        r#"
        const dec = new TextDecoder();
        eq([dec.encoding, dec.fatal, dec.ignoreBOM], ["utf-8", false, false]);
        const bytes = [0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80];
        eq(dec.decode(new Uint8Array(bytes)), "a\u00e9\u20ac\ud83d\ude00");
        eq(dec.decode(new Uint8Array(bytes).buffer), "a\u00e9\u20ac\ud83d\ude00", "ArrayBuffer");
        eq(dec.decode(new DataView(new Uint8Array(bytes).buffer, 1, 2)), "\u00e9", "DataView window");
        eq(dec.decode(new Uint8Array(bytes).subarray(3, 6)), "\u20ac", "typed array window");
        eq(dec.decode(new Uint16Array([0x6968])), "hi", "any ArrayBufferView");
        eq(dec.decode(), "");
        eq(dec.decode(undefined), "");
        eq(dec.decode(new Uint8Array(0)), "");
        throws(() => dec.decode("not bytes"), TypeError);
        throws(() => dec.decode([0x61]), TypeError);
        eq(Object.prototype.toString.call(dec), "[object TextDecoder]");
        "#,
    );
}

#[test]
fn text_decoder_replaces_or_throws_on_invalid_input() {
    support::check(
        r#"
        const dec = new TextDecoder();
        // Each maximal invalid subpart becomes one U+FFFD (Encoding §4.1, WPT).
        eq(dec.decode(new Uint8Array([0x61, 0xff, 0x62])), "a\ufffdb");
        eq(dec.decode(new Uint8Array([0xe2, 0x82])), "\ufffd", "truncated sequence");
        eq(dec.decode(new Uint8Array([0xf0, 0x9f, 0x41])), "\ufffdA");
        eq(dec.decode(new Uint8Array([0xed, 0xa0, 0x80])), "\ufffd\ufffd\ufffd", "encoded surrogate");
        eq(dec.decode(new Uint8Array([0xc0, 0x80])), "\ufffd\ufffd", "overlong");
        const fatal = new TextDecoder("utf-8", { fatal: true });
        eq(fatal.fatal, true);
        eq(fatal.decode(new Uint8Array([0x6f, 0x6b])), "ok");
        throws(() => fatal.decode(new Uint8Array([0x61, 0xff])), TypeError);
        throws(() => fatal.decode(new Uint8Array([0xe2, 0x82])), TypeError);
        "#,
    );
}

#[test]
fn text_decoder_bom_handling() {
    support::check(
        r#"
        const withBOM = new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69]);
        eq(new TextDecoder().decode(withBOM), "hi");
        const keep = new TextDecoder("utf-8", { ignoreBOM: true });
        eq(keep.ignoreBOM, true);
        eq(keep.decode(withBOM), "\ufeffhi");
        // Only one leading BOM is dropped.
        eq(new TextDecoder().decode(new Uint8Array([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf])), "\ufeff");
        eq(new TextDecoder().decode(new Uint8Array([0x68, 0xef, 0xbb, 0xbf])), "h\ufeff");
        "#,
    );
}

#[test]
fn text_decoder_labels() {
    support::check(
        r#"
        for (const label of ["utf-8", "UTF-8", "utf8", " utf-8\n", "\tUnicode-1-1-UTF-8", "unicode11utf8", "unicode20utf8", "x-unicode20utf8"]) {
          eq(new TextDecoder(label).encoding, "utf-8", JSON.stringify(label));
        }
        for (const label of ["", "utf-9", "nope", "utf\u00a08"]) {
          throws(() => new TextDecoder(label), RangeError);
        }
        "#,
    );
}

#[test]
fn round_trip_through_encoder_and_decoder() {
    support::check(
        r#"
        let s = "";
        for (let cp = 0; cp < 0x11000; cp += 7) {
          if (cp >= 0xd800 && cp <= 0xdfff) continue;
          s += String.fromCodePoint(cp);
        }
        eq(new TextDecoder().decode(new TextEncoder().encode(s)) === s, true);
        "#,
    );
}

#[test]
fn btoa_and_atob_basics() {
    support::check(
        r#"
        eq([btoa(""), btoa("f"), btoa("fo"), btoa("foo"), btoa("foob"), btoa("fooba"), btoa("foobar")],
           ["", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"], "RFC 4648 §10 vectors");
        eq(btoa("\u0000\u00ff\u00fe"), "AP/+");
        eq(btoa(12), "MTI=");
        eq(btoa(null), "bnVsbA==");
        eq([atob(""), atob("Zg=="), atob("Zm8="), atob("Zm9v"), atob("Zm9vYmFy")], ["", "f", "fo", "foo", "foobar"]);
        eq(atob("AP/+"), "\u0000\u00ff\u00fe");
        // Forgiving: no padding, ASCII whitespace anywhere, leftover bits ignored.
        eq(atob("Zg"), "f");
        eq(atob("Zm8"), "fo");
        eq(atob(" Z m\t9\nv\fY\rg = = "), "foob");
        eq(atob("Zh=="), "f");
        throws(() => btoa(), TypeError);
        throws(() => atob(), TypeError);
        "#,
    );
}

#[test]
fn atob_rejects_bad_input_with_invalid_character_error() {
    support::check(
        r#"
        for (const bad of ["Z", "Zg=", "Zg===", "=", "==", "====", "Zm9v=", "Z=g=", "Zg-_", "Zg==Zg==", "Zg\u00e9=", "\ud800", "Zm9\u00a0v", "Zm9\u000bv"]) {
          const e = throws(() => atob(bad), DOMException, "InvalidCharacterError");
          eq(e.code, 5, JSON.stringify(bad));
        }
        "#,
    );
}

#[test]
fn btoa_rejects_non_latin1_with_invalid_character_error() {
    support::check(
        r#"
        for (const bad of ["\u0100", "abc\u20ac", "\ud83d\ude00", "\ud800", "a\udfff"]) {
          const e = throws(() => btoa(bad), DOMException, "InvalidCharacterError");
          eq(e.code, 5);
          assert(e instanceof Error, "a DOMException is an Error");
        }
        "#,
    );
}

#[test]
fn ten_megabyte_round_trip() {
    support::check(
        r#"
        // Every byte value, 10 MiB of them.
        let block = "";
        for (let i = 0; i < 256; i++) block += String.fromCharCode(i);
        const input = block.repeat(10 * 1024 * 4);
        eq(input.length, 10 * 1024 * 1024);
        const encoded = btoa(input);
        eq(encoded.length, Math.ceil(input.length / 3) * 4);
        eq(encoded.slice(0, 8), "AAECAwQF");
        eq(encoded.slice(-4), "/w==");
        assert(atob(encoded) === input, "round trip");
        "#,
    );
}

#[test]
fn text_decoder_labels_of_every_encoding() {
    support::check(
        r#"
        // Label → name pairs from the Encoding standard's table (§4.2).
        const cases = {
          "latin1": "windows-1252", "ascii": "windows-1252", "iso-8859-1": "windows-1252", "us-ascii": "windows-1252",
          "cp1252": "windows-1252", "windows-1252": "windows-1252",
          "utf-16": "utf-16le", "ucs-2": "utf-16le", "utf-16le": "utf-16le", "UTF-16BE": "utf-16be", "unicodefffe": "utf-16be",
          "sjis": "shift_jis", "Shift_JIS": "shift_jis", "ms_kanji": "shift_jis",
          "gbk": "gbk", "gb2312": "gbk", "chinese": "gbk", "gb18030": "gb18030",
          "big5": "big5", "big5-hkscs": "big5", "euc-jp": "euc-jp", "iso-2022-jp": "iso-2022-jp", "euc-kr": "euc-kr",
          "iso-8859-2": "iso-8859-2", "latin2": "iso-8859-2", "l2": "iso-8859-2",
          "iso-8859-8-i": "iso-8859-8-i", "logical": "iso-8859-8-i",
          "koi8-r": "koi8-r", "koi8-u": "koi8-u", "ibm866": "ibm866", "macintosh": "macintosh",
          "x-mac-cyrillic": "x-mac-cyrillic", "windows-874": "windows-874", "tis-620": "windows-874",
          "x-user-defined": "x-user-defined", " \tKOI8-R\n\f\r": "koi8-r",
        };
        for (const [label, name] of Object.entries(cases)) {
          eq(new TextDecoder(label).encoding, name, JSON.stringify(label));
        }
        // "replacement" and the labels that map to it are rejected, like unknown ones.
        for (const label of ["replacement", "iso-2022-kr", "csiso2022kr", "hz-gb-2312", "iso-2022-cn", "iso-2022-cn-ext",
                             "utf-7", "utf-32", "latin 1", "x-user-defined\u0000"]) {
          const e = throws(() => new TextDecoder(label), RangeError);
          assert(e.message.includes("invalid"), e.message);
        }
        eq(new TextDecoder(undefined).encoding, "utf-8", "undefined is the default");
        throws(() => new TextDecoder(null), RangeError);
        throws(() => new TextDecoder(Symbol()), TypeError);
        throws(() => new TextDecoder("utf-8", 5), TypeError);
        "#,
    );
}

#[test]
fn text_decoder_decodes_legacy_encodings() {
    support::check(
        r#"
        const d = (label, bytes, opts) => new TextDecoder(label, opts).decode(new Uint8Array(bytes));
        eq(d("latin1", [0x41, 0x80, 0x9f, 0xe9, 0xff]), "A\u20ac\u0178\u00e9\u00ff", "windows-1252, not ISO-8859-1");
        eq(d("windows-1252", [0x81, 0x8d]), "\u0081\u008d", "unassigned bytes map to C1 controls");
        eq(d("iso-8859-2", [0xa1, 0xb1, 0xe8, 0x41]), "\u0104\u0105\u010dA");
        eq(d("shift_jis", [0x82, 0xa0, 0x93, 0xfa, 0x96, 0x7b, 0xb1, 0x41]), "\u3042\u65e5\u672c\uff71A");
        eq(d("gbk", [0xc4, 0xe3, 0xba, 0xc3, 0x80]), "\u4f60\u597d\u20ac");
        eq(d("gb18030", [0x81, 0x30, 0x81, 0x30]), "\u0080");
        eq(d("big5", [0xa4, 0xa4, 0xa4, 0xe5]), "\u4e2d\u6587");
        eq(d("euc-jp", [0xa4, 0xa2, 0xc6, 0xfc]), "\u3042\u65e5");
        eq(d("euc-kr", [0xc7, 0xd1, 0xb1, 0xdb]), "\ud55c\uae00");
        eq(d("iso-2022-jp", [0x1b, 0x24, 0x42, 0x24, 0x22, 0x1b, 0x28, 0x42, 0x61]), "\u3042a");
        eq(d("koi8-r", [0xf0, 0xd2, 0xc9]), "\u041f\u0440\u0438");
        eq(d("x-user-defined", [0x61, 0x80, 0xff]), "a\uf780\uf7ff");
        // Invalid sequences: U+FFFD, or a TypeError when fatal.
        eq(d("shift_jis", [0x82, 0x20]), "\ufffd ", "a trail byte that is ASCII is not eaten");
        eq(d("euc-kr", [0xc7]), "\ufffd", "truncated at the end");
        throws(() => d("shift_jis", [0xa0], { fatal: true }), TypeError);
        throws(() => d("gbk", [0xc4], { fatal: true }), TypeError);
        throws(() => d("windows-874", [0xdb], { fatal: true }), TypeError);
        eq(d("iso-8859-2", [0xa1], { fatal: true }), "\u0104");
        "#,
    );
}

#[test]
fn text_decoder_utf16() {
    support::check(
        r#"
        const d = (label, bytes, opts) => new TextDecoder(label, opts).decode(new Uint8Array(bytes));
        eq(d("utf-16le", [0x68, 0x00, 0x69, 0x00, 0x3d, 0xd8, 0x00, 0xde]), "hi\ud83d\ude00");
        eq(d("utf-16be", [0x00, 0x68, 0x00, 0x69, 0xd8, 0x3d, 0xde, 0x00]), "hi\ud83d\ude00");
        // The encoding's own BOM is dropped, unless ignoreBOM; the other one is not a BOM.
        eq(d("utf-16le", [0xff, 0xfe, 0x68, 0x00]), "h");
        eq(d("utf-16le", [0xff, 0xfe, 0x68, 0x00], { ignoreBOM: true }), "\ufeffh");
        eq(d("utf-16le", [0xfe, 0xff, 0x68, 0x00]), "\ufffeh");
        eq(d("utf-16be", [0xfe, 0xff, 0x00, 0x68]), "h");
        eq(d("utf-16be", [0xfe, 0xff, 0x00, 0x68], { ignoreBOM: true }), "\ufeffh");
        // No BOM sniffing: a UTF-8 decoder does not switch to UTF-16 on seeing its BOM.
        eq(d("utf-8", [0xff, 0xfe, 0x68, 0x00]), "\ufffd\ufffdh\u0000");
        eq(d("utf-16", [0x68, 0x00]), "h", "utf-16 is little-endian");
        // Lone surrogates and an odd byte count.
        eq(d("utf-16le", [0x3d, 0xd8, 0x68, 0x00]), "\ufffdh");
        eq(d("utf-16le", [0x00, 0xde]), "\ufffd");
        eq(d("utf-16le", [0x68, 0x00, 0x69]), "h\ufffd");
        throws(() => d("utf-16le", [0x68, 0x00, 0x69], { fatal: true }), TypeError);
        throws(() => d("utf-16be", [0xd8, 0x3d], { fatal: true }), TypeError);
        eq(d("utf-16le", [0x68, 0x00], { fatal: true }), "h");
        "#,
    );
}

#[test]
fn text_decoder_streams_across_chunks() {
    support::check(
        r#"
        const chunksOf = (bytes, n) => { const out = []; for (let i = 0; i < bytes.length; i += n) out.push(new Uint8Array(bytes.slice(i, i + n))); return out; };
        const streamed = (label, chunks, opts) => {
          const dec = new TextDecoder(label, opts);
          let s = "";
          for (const c of chunks) s += dec.decode(c, { stream: true });
          return s + dec.decode();
        };
        const utf8 = [0xef, 0xbb, 0xbf, 0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0x62];
        for (let n = 1; n <= 5; n++) {
          eq(streamed("utf-8", chunksOf(utf8, n)), "a\u00e9\u20ac\ud83d\ude00b", `utf-8 in chunks of ${n}`);
          eq(streamed("utf-8", chunksOf(utf8, n), { ignoreBOM: true }), "\ufeffa\u00e9\u20ac\ud83d\ude00b", `BOM kept, chunks of ${n}`);
        }
        // A chunk split inside a multi-byte sequence yields nothing until the rest comes.
        const dec = new TextDecoder();
        eq(dec.decode(new Uint8Array([0xe2, 0x82]), { stream: true }), "");
        eq(dec.decode(new Uint8Array([0xac]), { stream: true }), "\u20ac");
        eq(dec.decode(new Uint8Array([0xf0, 0x9f]), { stream: true }), "");
        eq(dec.decode(), "\ufffd", "an incomplete sequence at the end of the stream");
        // The decoder starts afresh after a non-streaming call (a new stream, BOM again).
        eq(dec.decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x78])), "x");
        eq(dec.decode(new Uint8Array([0xef, 0xbb]), { stream: true }), "");
        eq(dec.decode(new Uint8Array([0xbf, 0x79])), "y", "a BOM split across chunks");
        eq(dec.decode(new Uint8Array([0x7a]), { stream: true }), "z");
        eq(dec.decode(new Uint8Array([0xef, 0xbb, 0xbf]), { stream: true }), "\ufeff", "only a leading BOM is dropped");
        eq(dec.decode(), "");
        // UTF-16 with a surrogate pair and a code unit split across chunks.
        const u16 = [0xff, 0xfe, 0x68, 0x00, 0x3d, 0xd8, 0x00, 0xde, 0x69, 0x00];
        for (let n = 1; n <= 3; n++) eq(streamed("utf-16le", chunksOf(u16, n)), "h\ud83d\ude00i", `utf-16le in chunks of ${n}`);
        // Legacy multi-byte and stateful encodings keep their state too.
        const sjis = [0x82, 0xa0, 0x93, 0xfa, 0x96, 0x7b];
        eq(streamed("shift_jis", chunksOf(sjis, 1)), "\u3042\u65e5\u672c");
        const jis = [0x1b, 0x24, 0x42, 0x24, 0x22, 0x24, 0x24, 0x1b, 0x28, 0x42, 0x61];
        eq(streamed("iso-2022-jp", chunksOf(jis, 1)), "\u3042\u3044a");
        eq(streamed("gb18030", chunksOf([0x81, 0x30, 0x81, 0x30, 0x41], 1)), "\u0080A");
        // Fatal mode: a sequence left incomplete at the end throws; an error mid-stream too.
        const fatal = new TextDecoder("utf-8", { fatal: true });
        eq(fatal.decode(new Uint8Array([0xe2, 0x82]), { stream: true }), "");
        throws(() => fatal.decode(), TypeError);
        eq(fatal.decode(new Uint8Array([0x61])), "a", "usable again after the error");
        eq(fatal.decode(new Uint8Array([0x61]), { stream: true }), "a");
        throws(() => fatal.decode(new Uint8Array([0xff]), { stream: true }), TypeError);
        eq(fatal.decode(new Uint8Array([0x62])), "b");
        // A bad argument mid-stream keeps what the stream had.
        const keep = new TextDecoder();
        eq(keep.decode(new Uint8Array([0xc3]), { stream: true }), "");
        throws(() => keep.decode("nope", { stream: true }), TypeError);
        eq(keep.decode(new Uint8Array([0xa9])), "\u00e9");
        // Many decoders left mid-stream are freed once collected.
        for (let i = 0; i < 1000; i++) new TextDecoder().decode(new Uint8Array([0xe2]), { stream: true });
        "#,
    );
}
