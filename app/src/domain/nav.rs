//! Where the sign-in page may send a person afterwards (`/login?next=…`): back to a page of this
//! site and nowhere else. `next` comes from the address bar, so anyone can write it: a browser
//! drops tabs and newlines from a URL and reads `\` as `/`, so `/\t/evil.example` or
//! `/%5Cevil.example` would leave the site. Only a path that names one of the app's own routes,
//! with nothing a browser would rewrite, passes; the page then resolves it against its own
//! origin and checks the origin once more.

/// The app's routes (`lib.rs`); `:id` is a number. A test holds this list to the router's.
pub const ROUTES: &[&str] = &[
    "/",
    "/login",
    "/password",
    "/acknowledge",
    "/admin/accounts",
    "/admin/units",
    "/admin/retention",
    "/admin/security",
    "/admin/calendar",
    "/audit",
    "/audits",
    "/audits/followups",
    "/audits/:id",
    "/compare",
    "/comparisons",
    "/comparisons/:id",
    "/seals",
    "/reports",
    "/liaison",
    "/liaison/new",
    "/liaison/:id",
    "/accounts/requests",
    "/accounts/requests/new",
    "/accounts/requests/:id",
    "/accounts/unit",
    "/accounts/review",
    "/accounts/handover",
    "/accounts/register",
];

fn matches(route: &str, path: &str) -> bool {
    let (r, p): (Vec<&str>, Vec<&str>) = (route.split('/').collect(), path.split('/').collect());
    r.len() == p.len()
        && r.iter().zip(&p).all(|(r, p)| {
            if *r == ":id" {
                !p.is_empty() && p.len() <= 18 && p.bytes().all(|b| b.is_ascii_digit())
            } else {
                r == p
            }
        })
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The page to return to after signing in, if `next` is a safe one: a path (with an optional
/// query) of one of [`ROUTES`], free of anything a browser would rewrite, however encoded.
pub fn safe_next(next: &str) -> Option<String> {
    if next.len() > 512 {
        return None;
    }
    // what the browser would see after decoding, however many times it was encoded
    let mut decoded = next.to_string();
    for _ in 0..4 {
        let d = percent_decode(&decoded)?;
        if d == decoded {
            break;
        }
        decoded = d;
    }
    for s in [next, decoded.as_str()] {
        if s.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\' || c == '@')
            || !s.starts_with('/')
            || s.starts_with("//")
        {
            return None;
        }
    }
    let path = next.split(['?', '#']).next().unwrap_or_default();
    if next.contains('#') || !ROUTES.iter().any(|r| matches(r, path)) {
        return None;
    }
    Some(next.to_string())
}

/// `page`, carrying on to `next` (`page?next=…`, encoded) when `next` is a safe page other than
/// the home page: the sign-in, password and acknowledgement pages pass the destination along.
pub fn onward(page: &str, next: &str) -> String {
    match safe_next(next).filter(|n| n != "/") {
        Some(n) => {
            let encoded: String = n
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect();
            format!("{page}?next={encoded}")
        }
        None => page.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_pages_pass() {
        for ok in ["/", "/audits/7", "/comparisons/12", "/compare", "/liaison/new", "/comparisons?unit=3"] {
            assert_eq!(safe_next(ok).as_deref(), Some(ok), "{ok}");
        }
    }

    #[test]
    fn onward_carries_a_safe_destination_only() {
        assert_eq!(onward("/acknowledge", "/"), "/acknowledge");
        assert_eq!(onward("/acknowledge", "/audits/7"), "/acknowledge?next=/audits/7");
        assert_eq!(onward("/password", "/comparisons?unit=3"), "/password?next=/comparisons%3Funit%3D3");
        assert_eq!(onward("/acknowledge", "//evil.example"), "/acknowledge");
        assert_eq!(safe_next("/acknowledge").as_deref(), Some("/acknowledge"));
    }

    #[test]
    fn anything_that_could_leave_the_site_is_refused() {
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/%09/evil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/\\evil.example",
            "/%5Cevil.example",
            "/%255Cevil.example",
            "\\\\evil.example",
            "https://evil.example/",
            "http:/evil.example",
            "javascript:alert(1)",
            "/\n/evil.example",
            "/%0A/evil.example",
            "/ /evil.example",
            "/audits/7@evil.example",
            "/no/such/page",
            "/audits/x",
            "/audits/7#x",
            "",
            "evil.example",
        ] {
            assert_eq!(safe_next(bad), None, "{bad:?}");
        }
    }
}
