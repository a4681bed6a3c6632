//! TextEncoder and TextDecoder (Encoding standard, UTF-8 only) and atob/btoa (HTML
//! §8.3 "Base64 utility methods", forgiving-base64).

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
