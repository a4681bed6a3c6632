//! WHATWG URL parsing, serialization and the attribute setters, by the `url` crate (whose
//! `quirks` module follows the URL Standard's API algorithms); the JS `URL` class in
//! `js/url.js` keeps only the resulting strings.

use nano_engine::rquickjs::{Array, Ctx, Function, Object, Result};
use url::{quirks, Url};

/// The attributes of `url`, in the order `js/url.js` reads them.
fn components<'js>(ctx: &Ctx<'js>, url: &Url) -> Result<Array<'js>> {
    let out = Array::new(ctx.clone())?;
    let parts: [&str; 10] = [
        quirks::href(url),
        &quirks::origin(url),
        quirks::protocol(url),
        quirks::username(url),
        quirks::password(url),
        quirks::host(url),
        quirks::hostname(url),
        quirks::port(url),
        quirks::pathname(url),
        quirks::search(url),
    ];
    for (i, p) in parts.iter().enumerate() {
        out.set(i, *p)?;
    }
    out.set(parts.len(), quirks::hash(url))?;
    Ok(out)
}

fn parse(input: &str, base: Option<&str>) -> Option<Url> {
    match base {
        Some(b) => Url::parse(b).ok()?.join(input).ok(),
        None => Url::parse(input).ok(),
    }
}

pub(crate) fn install<'js>(ctx: &Ctx<'js>, ops: &Object<'js>) -> Result<()> {
    // ops.urlParse(input, base?) -> components | null
    ops.set(
        "urlParse",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>, input: String, base: Option<String>| match parse(
                &input,
                base.as_deref(),
            ) {
                Some(url) => components(&ctx, &url).map(Some),
                None => Ok(None),
            },
        )?,
    )?;
    // ops.urlSet(href, attribute, value) -> components | null (null: href setter failed)
    ops.set(
        "urlSet",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>, href: String, which: String, value: String| {
                let Ok(mut url) = Url::parse(&href) else {
                    return Ok(None);
                };
                let ok = match which.as_str() {
                    "href" => quirks::set_href(&mut url, &value).is_ok(),
                    "protocol" => {
                        // A rejected value leaves the URL as it was (URL Standard).
                        let _ = quirks::set_protocol(&mut url, &value);
                        true
                    }
                    "username" => {
                        // A rejected value leaves the URL as it was (URL Standard).
                        let _ = quirks::set_username(&mut url, &value);
                        true
                    }
                    "password" => {
                        // A rejected value leaves the URL as it was (URL Standard).
                        let _ = quirks::set_password(&mut url, &value);
                        true
                    }
                    "host" => {
                        // A rejected value leaves the URL as it was (URL Standard).
                        let _ = quirks::set_host(&mut url, &value);
                        true
                    }
                    "hostname" => {
                        // A rejected value leaves the URL as it was (URL Standard).
                        let _ = quirks::set_hostname(&mut url, &value);
                        true
                    }
                    "port" => {
                        // A rejected value leaves the URL as it was (URL Standard).
                        let _ = quirks::set_port(&mut url, &value);
                        true
                    }
                    "pathname" => {
                        quirks::set_pathname(&mut url, &value);
                        true
                    }
                    "search" => {
                        quirks::set_search(&mut url, &value);
                        true
                    }
                    "hash" => {
                        quirks::set_hash(&mut url, &value);
                        true
                    }
                    _ => true,
                };
                if !ok {
                    return Ok(None);
                }
                components(&ctx, &url).map(Some)
            },
        )?,
    )?;
    // ops.formParse(string) -> [name, value, name, value, …]
    ops.set(
        "formParse",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, input: String| {
            let out = Array::new(ctx)?;
            let mut i = 0;
            for (k, v) in url::form_urlencoded::parse(input.as_bytes()) {
                out.set(i, k.as_ref())?;
                out.set(i + 1, v.as_ref())?;
                i += 2;
            }
            Ok::<_, nano_engine::rquickjs::Error>(out)
        })?,
    )?;
    // ops.formSerialize([name, value, …]) -> string
    ops.set(
        "formSerialize",
        Function::new(ctx.clone(), |flat: Vec<String>| {
            let mut s = url::form_urlencoded::Serializer::new(String::new());
            for pair in flat.chunks(2) {
                if let [k, v] = pair {
                    s.append_pair(k, v);
                }
            }
            s.finish()
        })?,
    )?;
    Ok(())
}
