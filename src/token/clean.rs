//! Paste cleanup: turn whatever was copied into the compact token text, saying what was removed.
//!
//! Accepted around the token: surrounding whitespace and newlines; `export `; a shell assignment
//! (`CIRCLE_OIDC_TOKEN_V2=`, `CIRCLE_OIDC_TOKEN=`, or any `UPPER_CASE=` name); matching or stray quotes
//! (`"`, `'`, `` ` ``); an `Authorization:` header name; a `Bearer ` prefix (any case); line breaks and
//! spaces inside the token (terminal wrapping). Several lines of assignments (`env | grep OIDC`): the
//! `CIRCLE_OIDC_TOKEN_V2` line, else the first. When what is left is still not token-shaped (a YAML line
//! `token: eyJ…`, a JSON body `{"jwt": "eyJ…"}`, a log line), the one complete token in the text is taken
//! (with several, the one on a `CIRCLE_OIDC_TOKEN_V2` line). Every step is a prefix/suffix check or one pass:
//! linear time.

/// With several lines of shell assignments (e.g. `env | grep OIDC`), the one to read: the
/// `CIRCLE_OIDC_TOKEN_V2` line if any, else the first assignment line.
fn pick_assignment_line(input: &str) -> Option<(&str, String)> {
    let lines: Vec<&str> = input
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.len() < 2 {
        return None;
    }
    let name_of = |l: &str| {
        let l = strip_prefix_ci(l, "export ").map_or(l, str::trim_start);
        split_assignment(l).map(|(name, _)| name.to_string())
    };
    let assignments: Vec<(&str, String)> = lines
        .iter()
        .filter_map(|l| name_of(l).map(|n| (*l, n)))
        .collect();
    let total = assignments.len();
    if total < 2 {
        // One assignment and more lines: a token wrapped over lines, joined later.
        return None;
    }
    let chosen = assignments
        .iter()
        .find(|(_, n)| n == "CIRCLE_OIDC_TOKEN_V2")
        .or_else(|| assignments.first())?;
    Some((
        chosen.0,
        format!("used the `{}=` line of {total} assignments", chosen.1),
    ))
}

/// The cleaned text and one note per step that changed something.
pub fn clean(input: &str) -> (String, Vec<String>) {
    let mut notes = Vec::new();
    let input = match pick_assignment_line(input) {
        Some((line, note)) => {
            notes.push(note);
            line
        }
        None => input,
    };
    let mut s = input.trim();
    if s.len() != input.len() && !s.is_empty() {
        notes.push("removed surrounding whitespace".to_string());
    }
    // Each round removes at most one layer of each wrapper; three rounds cover
    // `export X="Bearer '...'"`-style nesting without any unbounded loop.
    for _ in 0..3 {
        let before = s.len();
        if let Some(rest) = strip_prefix_ci(s, "export ") {
            notes.push("removed `export `".to_string());
            s = rest.trim_start();
        }
        if let Some((name, rest)) = split_assignment(s) {
            notes.push(format!("removed the shell assignment `{name}=`"));
            s = rest;
        }
        if let Some(rest) = strip_prefix_ci(s, "authorization:") {
            notes.push("removed `Authorization:`".to_string());
            s = rest.trim_start();
        }
        if let Some(rest) = strip_quotes(s) {
            notes.push("removed quotes".to_string());
            s = rest.trim();
        }
        if let Some(rest) = strip_prefix_ci(s, "bearer") {
            if rest.starts_with(char::is_whitespace) {
                notes.push("removed a `Bearer ` prefix".to_string());
                s = rest.trim_start();
            }
        }
        if s.len() == before {
            break;
        }
    }
    // A token (perhaps wrapped over lines) starts with `eyJ` and holds nothing but token characters; anything
    // else around it is text to look inside.
    let whole = s.starts_with("eyJ")
        && s.chars().all(|c| {
            is_token_char(c) || c.is_whitespace() || is_invisible(c) || c == '+' || c == '/'
        });
    if !whole {
        if let Some((token, note)) = embedded_token(input) {
            return (token.to_string(), vec![note]);
        }
    }
    // Lines are joined only while a token is incomplete, as the share link's locator reads them: a token
    // wrapped over lines after other text (`token: |` in YAML), or several tokens one per line.
    if !whole || s.contains(char::is_whitespace) {
        if let Some((token, note)) = located_token(input, whole) {
            return (token, vec![note]);
        }
    }
    // Zero-width spaces and soft hyphens: what chat tools and editors slip into long words when copying.
    let s: std::borrow::Cow<'_, str> = if whole && s.contains(is_invisible) {
        notes.push(
            "removed invisible characters (zero-width spaces, soft hyphens) that copying added"
                .to_string(),
        );
        s.chars()
            .filter(|c| !is_invisible(*c))
            .collect::<String>()
            .into()
    } else {
        s.into()
    };
    if s.contains(char::is_whitespace) {
        notes.push("removed line breaks and spaces inside the token".to_string());
        (s.chars().filter(|c| !c.is_whitespace()).collect(), notes)
    } else {
        (s.into_owned(), notes)
    }
}

/// A character that takes no space on screen: never part of a token, often added by copying.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{00ad}'
    )
}

/// A character of a compact JWS (base64url, `=` padding, the dots).
fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '=')
}

/// The one complete token inside other text: a run of token characters of three dot-separated segments whose
/// header starts like a JSON object (`eyJ`, base64 of `{"`) and whose payload is not empty. With several
/// different ones, the one on a line that names `CIRCLE_OIDC_TOKEN_V2`, if exactly one is.
pub(crate) fn embedded_token(input: &str) -> Option<(&str, String)> {
    let mut all: Vec<&str> = Vec::new();
    let mut on_v2_lines: Vec<&str> = Vec::new();
    for line in input.lines() {
        let mut shaped_runs: Vec<(usize, &str)> = Vec::new();
        let mut offset = 0;
        for run in line.split(|c: char| !is_token_char(c)) {
            let start = offset;
            offset += run.len()
                + line
                    .get(offset + run.len()..)
                    .and_then(|r| r.chars().next())
                    .map_or(0, char::len_utf8);
            // `jwt=eyJ…`, `subject_token=eyJ…`: `=` is a token character (padding), but padding never comes
            // right before a header, so what precedes `=eyJ` is a key.
            let (start, run) = run
                .find("=eyJ")
                .map_or((start, run), |at| (start + at + 1, &run[at + 1..]));
            let mut parts = run.split('.');
            let shaped = matches!(
                (parts.next(), parts.next(), parts.next(), parts.next()),
                (Some(h), Some(p), Some(_), None) if h.starts_with("eyJ") && !p.is_empty()
            );
            if shaped {
                shaped_runs.push((start, run));
            }
        }
        // Which token the name `CIRCLE_OIDC_TOKEN_V2` labels: the one after it, before the next token (several on
        // one line: `{"CIRCLE_OIDC_TOKEN": "eyJ…", "CIRCLE_OIDC_TOKEN_V2": "eyJ…"}`), or the only one of its line.
        let mut from = 0;
        let only = shaped_runs.len() == 1;
        for (start, run) in shaped_runs {
            let before = line.get(from..start).unwrap_or_default();
            all.push(run);
            if before.contains("CIRCLE_OIDC_TOKEN_V2")
                || (only && line.contains("CIRCLE_OIDC_TOKEN_V2"))
            {
                on_v2_lines.push(run);
            }
            from = start + run.len();
        }
    }
    // Sorting, not pairwise comparison: a hostile paste may hold a hundred thousand token-shaped runs.
    for runs in [&mut all, &mut on_v2_lines] {
        runs.sort_unstable();
        runs.dedup();
    }
    match (all.as_slice(), on_v2_lines.as_slice()) {
        ([one], _) => Some((
            one,
            "took the token out of the surrounding text".to_string(),
        )),
        (many, [one]) => Some((
            one,
            format!(
                "took the token on the `CIRCLE_OIDC_TOKEN_V2` line, of {} tokens in the text",
                many.len()
            ),
        )),
        _ => None,
    }
}

/// The token(s) the share link's locator ([`crate::share::locate`]) finds in `input`, joined across line
/// breaks only while incomplete. Inside other text (`whole` false): the one token it finds. Text of tokens
/// alone (`whole`): several distinct ones (`echo $CIRCLE_OIDC_TOKEN; echo $CIRCLE_OIDC_TOKEN_V2`) give the one
/// whose `sub` is V2-shaped, else the first, with a note; one token is left to the usual whitespace removal.
fn located_token(input: &str, whole: bool) -> Option<(String, String)> {
    let mut tokens: Vec<String> = Vec::new();
    let located = crate::share::locate::locate(input);
    for t in &located {
        let dotted = input
            .get(t.span.clone())
            .is_some_and(|span| span.trim_end().ends_with('.'));
        let compact = if t.signature.is_empty() && !dotted {
            format!("{}.{}", t.header, t.payload)
        } else {
            format!("{}.{}.{}", t.header, t.payload, t.signature)
        };
        if !tokens.contains(&compact) {
            tokens.push(compact);
        }
        if tokens.len() > 16 {
            // More than a listing holds: nothing to pick from.
            return None;
        }
    }
    match tokens.as_slice() {
        [] => None,
        [one] if !whole => Some((
            one.clone(),
            "took the token (joined across line breaks) out of the surrounding text".to_string(),
        )),
        [one] if located.len() > 1 => Some((
            one.clone(),
            format!("read the same token, pasted {} times, once", located.len()),
        )),
        [_] => None,
        many => {
            // `echo $CIRCLE_OIDC_TOKEN; echo $CIRCLE_OIDC_TOKEN_V2`, or both on one line, space-separated.
            let how = if input.trim().contains(['\n', '\r']) {
                " one per line"
            } else {
                " on one line"
            };
            let v2: Vec<&String> = many.iter().filter(|t| has_v2_sub(t)).collect();
            match v2.as_slice() {
                [one] => Some((
                    (*one).clone(),
                    format!(
                        "took the token whose `sub` is V2 (`$CIRCLE_OIDC_TOKEN_V2`), of {} tokens{how}; \
                         paste one token alone to check another",
                        many.len()
                    ),
                )),
                _ if whole => Some((
                    many[0].clone(),
                    format!(
                        "took the first of {} tokens{how}; paste one token alone to check another",
                        many.len()
                    ),
                )),
                _ => None,
            }
        }
    }
}

/// Two signed tokens glued into one five-segment text (`h.p.sh.p.s`: pasted twice, or two variables echoed
/// with nothing between them): split where the second header starts (`eyJ` inside the third segment, such that
/// both halves have a JSON-object header and payload and a signature, and the first header names no JWE `enc`).
/// The same token twice is read once; two different ones give the one whose `sub` is V2, else the first.
pub(crate) fn glued_tokens(compact: &str) -> Option<(String, String)> {
    let mut dots = compact.match_indices('.').map(|(i, _)| i);
    let (second_dot, third_dot) = (dots.nth(1)?, dots.next()?);
    let is_object = |seg: &str| super::segment::decode_object(seg, super::Segment::Payload).is_ok();
    let header = compact.split('.').next()?;
    let jwe = super::segment::decode_object(header, super::Segment::Header)
        .is_ok_and(|(h, _)| h.contains_key("enc"));
    if jwe {
        return None;
    }
    let third = compact.get(second_dot + 1..third_dot)?;
    let (at, _) = third
        .match_indices("eyJ")
        .filter(|(i, _)| *i > 0)
        .find(|(i, _)| {
            let (a, b) = compact.split_at(second_dot + 1 + i);
            let mut pa = a.split('.');
            let mut pb = b.split('.');
            let ok = |p: &mut std::str::Split<'_, char>| {
                matches!((p.next(), p.next(), p.next(), p.next()),
                    (Some(h), Some(pl), Some(sig), None) if is_object(h) && is_object(pl) && !sig.is_empty())
            };
            ok(&mut pa) && ok(&mut pb)
        })?;
    let (first, second) = compact.split_at(second_dot + 1 + at);
    if first == second {
        return Some((
            first.to_string(),
            "read the token, pasted twice with nothing between, once".to_string(),
        ));
    }
    let pick = if has_v2_sub(second) && !has_v2_sub(first) {
        second
    } else {
        first
    };
    Some((
        pick.to_string(),
        format!(
            "split two tokens pasted with nothing between them and took the {} one{}; paste one token alone to check \
             the other",
            if pick == first { "first" } else { "second" },
            if has_v2_sub(pick) { " (its `sub` is V2)" } else { "" }
        ),
    ))
}

/// Whether the payload of compact `token` has a CircleCI V2 `sub` (with its vcs parts).
fn has_v2_sub(token: &str) -> bool {
    token
        .split('.')
        .nth(1)
        .and_then(|p| super::segment::decode_object(p, super::Segment::Payload).ok())
        .is_some_and(|(claims, _)| {
            claims
                .get("sub")
                .and_then(|s| s.as_str())
                .is_some_and(|s| s.contains("/vcs-origin/") && s.contains("/vcs-ref/"))
        })
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

/// `NAME=rest` where NAME is an upper-case shell variable name. A token segment starts with `ey`
/// (base64 of `{"`), so this never eats a token's own `=` padding.
fn split_assignment(s: &str) -> Option<(&str, &str)> {
    let eq = s.find('=')?;
    let name = s.get(..eq)?;
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_uppercase() || c == '_');
    if first_ok && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_') {
        Some((name, s.get(eq + 1..)?))
    } else {
        None
    }
}

/// Remove one leading and/or one trailing quote character.
fn strip_quotes(s: &str) -> Option<&str> {
    let is_quote = |c: char| {
        matches!(
            c,
            '"' | '\'' | '`' | '\u{201c}' | '\u{201d}' | '\u{2018}' | '\u{2019}'
        )
    };
    let mut out = s;
    if let Some(c) = out.chars().next().filter(|c| is_quote(*c)) {
        out = out.get(c.len_utf8()..)?;
    }
    if let Some(c) = out.chars().next_back().filter(|c| is_quote(*c)) {
        out = out.get(..out.len() - c.len_utf8())?;
    }
    (out.len() != s.len()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn plain_token_is_untouched() {
        assert_eq!(
            clean("eyJhIjoxfQ.eyJiIjoyfQ.c2ln"),
            ("eyJhIjoxfQ.eyJiIjoyfQ.c2ln".to_string(), vec![])
        );
    }

    #[test]
    fn strips_wrappers_people_paste() {
        let (t, notes) = clean("  export CIRCLE_OIDC_TOKEN_V2=\"eyJa.eyJb.c2ln\"\n");
        assert_eq!(t, "eyJa.eyJb.c2ln");
        assert_eq!(
            notes,
            [
                "removed surrounding whitespace",
                "removed `export `",
                "removed the shell assignment `CIRCLE_OIDC_TOKEN_V2=`",
                "removed quotes"
            ]
        );
        assert_eq!(
            clean("CIRCLE_OIDC_TOKEN='eyJa.eyJb.c2ln'").0,
            "eyJa.eyJb.c2ln"
        );
        assert_eq!(
            clean("Authorization: Bearer eyJa.eyJb.c2ln").0,
            "eyJa.eyJb.c2ln"
        );
        assert_eq!(
            clean("bearer   eyJa.eyJb.c2ln").1,
            ["removed a `Bearer ` prefix"]
        );
        assert_eq!(clean("\"Bearer eyJa.eyJb.c2ln\"").0, "eyJa.eyJb.c2ln");
        assert_eq!(clean("“eyJa.eyJb.c2ln”").0, "eyJa.eyJb.c2ln");
    }

    #[test]
    fn removes_invisible_characters_that_copying_added() {
        let (t, notes) = clean("eyJa.eyJ\u{200b}b.c2\u{ad}ln\u{feff}");
        assert_eq!(t, "eyJa.eyJb.c2ln");
        assert_eq!(
            notes,
            ["removed invisible characters (zero-width spaces, soft hyphens) that copying added"]
        );
    }

    #[test]
    fn removes_inner_line_breaks() {
        let (t, notes) = clean("eyJa.ey\nJb.c2\r\nln");
        assert_eq!(t, "eyJa.eyJb.c2ln");
        assert_eq!(notes, ["removed line breaks and spaces inside the token"]);
    }

    #[test]
    fn picks_the_v2_line_of_an_env_listing() {
        let (t, notes) =
            clean("CIRCLE_OIDC_TOKEN=eyJv1.eyJ.c2ln\nCIRCLE_OIDC_TOKEN_V2=eyJv2.eyJ.c2ln\n");
        assert_eq!(t, "eyJv2.eyJ.c2ln");
        assert_eq!(
            notes[0],
            "used the `CIRCLE_OIDC_TOKEN_V2=` line of 2 assignments"
        );
        let (t, _) = clean("export FOO=eyJa.eyJb.c2ln\nexport BAR=x");
        assert_eq!(t, "eyJa.eyJb.c2ln");
        // A token wrapped over lines, with or without one assignment: joined.
        assert_eq!(clean("eyJa.ey\nJb.c2ln").0, "eyJa.eyJb.c2ln");
        assert_eq!(
            clean("export CIRCLE_OIDC_TOKEN_V2=\"eyJa.ey\nJb.c2ln\"").0,
            "eyJa.eyJb.c2ln"
        );
    }

    #[test]
    fn keeps_padding_and_lowercase_assignments() {
        assert_eq!(
            clean("eyJhIjoxfQ==.eyJiIjoyfQ").0,
            "eyJhIjoxfQ==.eyJiIjoyfQ"
        );
        // `token=` is not an upper-case shell name: left for the decoder to report.
        assert_eq!(clean("token=abc").0, "token=abc");
    }

    #[test]
    fn takes_the_token_out_of_surrounding_text() {
        let t = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
        let note = "took the token out of the surrounding text";
        for text in [
            format!("token: {t}"),
            format!("{{\"role\": \"deploy\", \"jwt\": \"{t}\"}}"),
            format!("+ aws sts assume-role-with-web-identity --web-identity-token {t} --role-arn arn:aws:iam::1:role/r"),
            format!("CIRCLE_OIDC_TOKEN_V2: {t}\n"),
            // The same token twice is still one token.
            format!("a {t} b {t}"),
        ] {
            assert_eq!(clean(&text), (t.to_string(), vec![note.to_string()]), "{text}");
        }
        // The share link's unsigned form too.
        let unsigned = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.";
        assert_eq!(clean(&format!("token: {unsigned}")).0, unsigned);
        // Several: the one on the V2 line.
        let v1 = "eyJhbGciOiJSUzI1NiJ9.eyJ2IjoxfQ.c2ln";
        let (got, notes) = clean(&format!(
            "CIRCLE_OIDC_TOKEN: {v1}\nCIRCLE_OIDC_TOKEN_V2: {t}\n"
        ));
        assert_eq!(got, t);
        assert_eq!(
            notes,
            ["took the token on the `CIRCLE_OIDC_TOKEN_V2` line, of 2 tokens in the text"]
        );
        // Two tokens and no V2 line: nothing is guessed; the decoder reports the text.
        assert_ne!(clean(&format!("a: {v1}\nb: {t}")).0, t);
        // Claims pasted as JSON, and text with no token, are left to the decoder.
        assert_eq!(clean("{\"sub\": \"x\"}").0, "{\"sub\":\"x\"}");
        assert_eq!(clean("token: not one\nat all").0, "token:notoneatall");
    }

    /// A real RS256 V2 token (342-character signature) and the V1 token of the same job.
    const V2: &str = include_str!("../../static/examples/aud-mismatch.jwt");
    const V1: &str = include_str!("../../static/examples/v1-allow.jwt");

    #[test]
    fn a_token_wrapped_over_lines_after_a_key_is_joined() {
        let t = V2.trim();
        let note = "took the token (joined across line breaks) out of the surrounding text";
        for text in [
            format!("token: |\n  {}\n  {}\n", &t[..100], &t[100..]),
            format!("token:\n  {}\n  {}", &t[..300], &t[300..]),
            format!("token: {}\n{}\nnext: 1", &t[..64], &t[64..]),
            // The unsigned form a share link writes.
            format!(
                "token: |\n  {}\n  {}",
                &t[..100],
                &t[100..=t.rfind('.').unwrap()]
            ),
        ] {
            let (got, notes) = clean(&text);
            assert!(t.starts_with(&got), "{text}: {got}");
            assert!(got.matches('.').count() == 2, "{got}");
            assert_eq!(notes, [note], "{text}");
        }
    }

    #[test]
    fn two_tokens_on_one_line_are_two_tokens() {
        let (v1, v2) = (V1.trim(), V2.trim());
        // Named on one line: Python's `print(os.environ)`, `json.dumps(dict)`, Node's `console.log(process.env)`,
        // `env` joined with spaces. The token after the name `CIRCLE_OIDC_TOKEN_V2`, whatever comes first.
        let named = "took the token on the `CIRCLE_OIDC_TOKEN_V2` line, of 2 tokens in the text";
        for text in [
            format!("{{\"CIRCLE_OIDC_TOKEN\": \"{v1}\", \"CIRCLE_OIDC_TOKEN_V2\": \"{v2}\"}}"),
            format!("{{\"CIRCLE_OIDC_TOKEN_V2\": \"{v2}\", \"CIRCLE_OIDC_TOKEN\": \"{v1}\"}}"),
            format!("environ({{'HOME': '/root', 'CIRCLE_OIDC_TOKEN': '{v1}', 'CIRCLE_OIDC_TOKEN_V2': '{v2}'}})"),
            format!("{{ CIRCLE_OIDC_TOKEN: '{v1}', CIRCLE_OIDC_TOKEN_V2: '{v2}' }}"),
        ] {
            assert_eq!(clean(&text), (v2.to_string(), vec![named.to_string()]), "{text}");
            let d = crate::token::decode(&text);
            assert!(!d.json_pasted && d.signature_present, "{text}");
            assert_eq!(d.compact, v2);
        }
        // `echo $CIRCLE_OIDC_TOKEN $CIRCLE_OIDC_TOKEN_V2`: two tokens, space-separated, not one glued 'JWE'.
        for text in [
            format!("{v1} {v2}"),
            format!("CIRCLE_OIDC_TOKEN={v1} CIRCLE_OIDC_TOKEN_V2={v2}"),
        ] {
            let (got, notes) = clean(&text);
            assert_eq!(got, v2, "{text}");
            assert_eq!(notes.len(), 1, "{notes:?}");
            assert!(
                notes[0]
                    .ends_with("of 2 tokens on one line; paste one token alone to check another")
                    || notes[0] == named,
                "{notes:?}"
            );
        }
        // One token with spaces slipped in is still joined.
        let spaced: Vec<&str> = v2
            .as_bytes()
            .chunks(100)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        assert_eq!(clean(&spaced.join(" ")).0, v2);
    }

    #[test]
    fn two_tokens_one_per_line_are_two_tokens_not_an_encrypted_one() {
        let (v1, v2) = (V1.trim(), V2.trim());
        // `echo $CIRCLE_OIDC_TOKEN; echo $CIRCLE_OIDC_TOKEN_V2`: the V2 one, whichever line it is on.
        for text in [format!("{v1}\n{v2}\n"), format!("{v2}\r\n{v1}")] {
            let (got, notes) = clean(&text);
            assert_eq!(got, v2);
            assert_eq!(
                notes,
                ["took the token whose `sub` is V2 (`$CIRCLE_OIDC_TOKEN_V2`), of 2 tokens one per line; paste one \
                  token alone to check another"]
            );
        }
        // Neither is V2: the first, said so.
        let other = format!(
            "{}.{}.{}",
            v1.split('.').next().unwrap(),
            "eyJzdWIiOiJ4In0",
            "c2ln".repeat(86)
        );
        let (got, notes) = clean(&format!("{v1}\n{other}"));
        assert_eq!(got, v1);
        assert_eq!(
            notes,
            ["took the first of 2 tokens one per line; paste one token alone to check another"]
        );
        // The same token twice is one token; one token wrapped over lines is still joined as before.
        assert_eq!(clean(&format!("{v2}\n{v2}")).0, v2);
        let wrapped: Vec<String> = v2
            .as_bytes()
            .chunks(76)
            .map(|c| String::from_utf8(c.to_vec()).unwrap())
            .collect();
        assert_eq!(clean(&wrapped.join("\n")).0, v2);
    }

    #[test]
    fn many_token_shaped_runs_take_linear_time() {
        let text: String = (0..100_000).map(|i| format!("eyJ{i}.a.b ")).collect();
        let start = std::time::Instant::now();
        assert_eq!(super::embedded_token(&text), None);
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        for s in [
            "", " ", "\"", "'", "Bearer", "Bearer ", "export ", "A=", "=", "é", "\"é\"", "Bé",
        ] {
            let _ = clean(s);
        }
        assert_eq!(clean("\"").0, "");
    }
}
