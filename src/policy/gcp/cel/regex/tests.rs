use proptest::prelude::*;

use super::RegexError;

fn is_match(pattern: &str, text: &str) -> Result<bool, RegexError> {
    super::is_match(pattern, text, &mut 0)
}

fn yes(pattern: &str, text: &str) {
    assert_eq!(is_match(pattern, text), Ok(true), "`{pattern}` on `{text}`");
}

fn no(pattern: &str, text: &str) {
    assert_eq!(
        is_match(pattern, text),
        Ok(false),
        "`{pattern}` on `{text}`"
    );
}

fn invalid(pattern: &str, contains: &str) {
    match is_match(pattern, "x") {
        Err(RegexError::Invalid(m)) => assert!(m.contains(contains), "`{pattern}`: {m}"),
        other => panic!("`{pattern}`: expected invalid, got {other:?}"),
    }
}

fn unsupported(pattern: &str, contains: &str) {
    match is_match(pattern, "x") {
        Err(RegexError::Unsupported(m)) => assert!(m.contains(contains), "`{pattern}`: {m}"),
        other => panic!("`{pattern}`: expected unsupported, got {other:?}"),
    }
}

const V2: &str =
    "org/6a3a5e0e-1b7f-4a8e-9c57-1c7a1c1d0f11/project/2e6b1b8c-6f2f-4a3c-8c7d-9b9c7e3d1a20/user/\
5f0d7c1e-3a4b-4c8d-9e2f-1a2b3c4d5e6f/vcs-origin/github.com/acme/api/vcs-ref/refs/heads/main";

#[test]
fn conditions_people_write() {
    let uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    yes(&format!("^org/{uuid}/project/{uuid}/user/{uuid}"), V2);
    yes("/vcs-ref/refs/heads/(main|release/.+)$", V2);
    no("/vcs-ref/refs/heads/(release/.+)$", V2);
    yes("vcs-origin/github\\.com/acme/", V2);
    no("vcs-origin/github\\.com/acme$", V2);
    yes(
        "^refs/(heads/main|tags/v\\d+\\.\\d+\\.\\d+)$",
        "refs/tags/v1.20.3",
    );
    no(
        "^refs/(heads/main|tags/v\\d+\\.\\d+\\.\\d+)$",
        "refs/tags/v1.20",
    );
    yes("(?P<branch>main)$", "refs/heads/main");
    yes("(?<branch>main)$", "refs/heads/main");
}

#[test]
fn search_anchors_and_boundaries() {
    yes("b", "abc");
    no("^b", "abc");
    no("b$", "abc");
    yes("", "");
    yes("^$", "");
    no("^$", "\n");
    // `$` is the end of the text: RE2 has no "before a final newline".
    no("a$", "a\n");
    yes("\\Aab\\z", "ab");
    yes("\\bapi\\b", "acme/api/x");
    no("\\bapi\\b", "acme/apis");
    yes("\\Bpi", "api");
    yes("a.c", "abc");
    no("a.c", "a\nc");
    yes("a[^b]c", "a\nc");
}

#[test]
fn classes_and_counts() {
    yes("^[[:alpha:]]+$", "Main");
    no("^[[:alpha:]]+$", "main1");
    yes("^[[:^digit:]]+$", "main");
    yes("^[\\w.-]+$", "v1.2-rc_1");
    no("^[\\w.-]+$", "v1/2");
    yes("^[]a]+$", "]a]");
    yes("^[a-]+$", "-a");
    yes("^\\x41\\x{263A}$", "A\u{263A}");
    yes("^a{2,3}$", "aaa");
    no("^a{2,3}$", "aaaa");
    yes("^a{2,}$", "aaaaa");
    yes("^a{0}b$", "b");
    // `{` that is not a count is a literal, as in Go.
    yes("^a{,2}$", "a{,2}");
    yes("^x{$", "x{");
    yes("^a{01}$", "a{01}");
    yes("^a{0,01}$", "a{0,01}");
    yes("^(a|)+$", "aaa");
    yes("^()*$", "");
    yes("^a*?b+?c??$", "aabbc");
    // RE2's `\s` has no vertical tab.
    no("\\s", "\x0b");
    yes("[[:space:]]", "\x0b");
    yes("ü.", "aüb");
}

#[test]
fn class_tables_are_sorted_and_disjoint() {
    let names = [
        "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
        "space", "upper", "word", "xdigit",
    ];
    let tables = names
        .iter()
        .map(|n| super::posix_class(n).unwrap())
        .chain("dDwWsS".chars().map(|c| super::perl_class(c).unwrap().0));
    for table in tables {
        assert!(
            table.windows(2).all(|w| w[0].1 < w[1].0) && table.iter().all(|r| r.0 <= r.1),
            "{table:?}"
        );
    }
}

#[test]
fn what_re2_refuses() {
    invalid("(a", "missing `)`");
    invalid("a)", "unexpected `)`");
    invalid("[a", "missing closing `]`");
    invalid("*a", "missing argument to repetition operator `*`");
    invalid("a**", "invalid nested repetition operator `**`");
    invalid("a{2}{3}", "invalid nested repetition operator `{2}{3}`");
    invalid("a{1001}", "invalid repeat count `{1001}`");
    invalid("a{3,2}", "invalid repeat count `{3,2}`");
    invalid("[z-a]", "invalid character class range `z-a`");
    invalid("\\q", "invalid escape sequence `\\q`");
    invalid("a\\", "trailing backslash");
    invalid(
        "[[:alphabet:]]",
        "invalid character class range `[:alphabet:]`",
    );
    invalid("(?P<>a)", "invalid named capture");
    invalid("(?x)a", "invalid or unsupported Perl syntax `(?x`");
    invalid("(?i-)a", "invalid or unsupported Perl syntax `(?i-)`");
    invalid("(?i", "invalid or unsupported Perl syntax `(?i`");
}

#[test]
fn flags() {
    // `(?i)` folds ASCII letters, and `k`/`s` also match KELVIN SIGN and LONG S, as RE2 folds them.
    yes("(?i)^refs/heads/MAIN$", "refs/heads/main");
    yes("(?i)github\\.com/ACME/", "github.com/Acme/api");
    yes("(?i)[a-c]x", "Bx");
    yes("(?i)k", "\u{212A}");
    yes("(?i)\u{17F}", "S");
    no("(?i)[^a]", "A");
    no("(?i)\\W", "\u{212A}");
    // Flags last until their group closes; `(?i:...)` scopes them; `-` clears.
    yes("(a(?i)b)c", "aBc");
    no("(a(?i)b)c", "aBC");
    yes("(?i:A)b", "ab");
    no("(?i:A)b", "aB");
    yes("(?i)a(?-i)b", "Ab");
    no("(?i)a(?-i)b", "AB");
    yes("(?i)a|B", "b");
    // `(?m)`: `^` and `$` at line breaks; `(?s)`: `.` matches `\n`; `(?U)` changes no yes/no answer.
    yes("(?m)^main$", "x\nmain\ny");
    no("^main$", "x\nmain\ny");
    yes("(?s)a.b", "a\nb");
    yes("(?U)a+b", "aab");
    yes("(?)a", "a");
    // Go folds a negated group inside a class before negating it (`regex-lite` negates first): under
    // `(?i)`, `[[:^lower:]]` excludes both cases.
    no("(?i)[[:^lower:]]", "a");
    no("(?i)[[:^lower:]]", "A");
    yes("(?i)[[:^lower:]]", "1");
}

#[test]
fn what_is_not_evaluated() {
    unsupported("(?i)é", "non-ASCII characters (`é`)");
    unsupported("(?i)[\\x{100}-\\x{200}]", "non-ASCII characters");
    unsupported("\\pL", "Unicode classes (`\\p`)");
    unsupported("\\Qa.b\\E", "`\\Q`");
    unsupported("\\1", "`\\1`");
    unsupported(&"(".repeat(150), "nested more than 100");
    unsupported("((a{1000}){1000}){1000}", "more than 10000 steps");
    // Work is bounded too: a large program over a long text stops instead of taking seconds.
    let long = "a".repeat(200_000);
    match is_match("(a|aa|b){20}(x|y)", &long) {
        Err(RegexError::Unsupported(m)) => assert!(m.contains("steps"), "{m}"),
        other => panic!("expected a bounded match, got {other:?}"),
    }
}

/// A pattern built from the syntax the matcher reads (every repetition applies to a group, so none is
/// nested: `regex-lite` and RE2 agree on what is valid; no negated group inside a class, where they fold
/// differently under `(?i)`).
fn pattern() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(vec![
        "a",
        "b",
        "/",
        "-",
        "\\.",
        ".",
        "[ab]",
        "[^a]",
        "[a-c1]",
        "\\d",
        "\\w",
        "\\W",
        "\\s",
        "\\b",
        "\\B",
        "^",
        "$",
        "[[:alpha:]]",
        "[^\\d/]",
        "[\\w-]",
        "\\x61",
        "",
        "A",
        "[B-c]",
        "(?i)",
        "(?-i)",
        "(?m)",
        "(?s)",
        "(?-ms)",
        "\\A",
        "\\z",
    ])
    .prop_map(str::to_string);
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a}{b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("(?:{a}|{b})")),
            inner.clone().prop_map(|a| format!("({a})")),
            inner.clone().prop_map(|a| format!("(?i:{a})")),
            (
                inner,
                prop::sample::select(vec![
                    "*", "+", "?", "*?", "+?", "??", "{2}", "{0,2}", "{1,}", "{2,3}?"
                ])
            )
                .prop_map(|(a, op)| format!("(?:{a}){op}")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn agrees_with_regex_lite(p in pattern(), text in "[abAB/\\-.1_ \n]{0,12}") {
        let reference = regex_lite::Regex::new(&p).expect("generated patterns are valid");
        prop_assert_eq!(is_match(&p, &text), Ok(reference.is_match(&text)), "`{}` on `{:?}`", p, text);
    }

    #[test]
    fn never_panics(p in "\\PC{0,24}", text in "\\PC{0,24}") {
        let _ = is_match(&p, &text);
    }

    #[test]
    fn never_panics_on_syntax(p in "[()\\[\\]{}^$.|*+?\\\\:a-d0-9,<>PimsU-]{0,16}", text in "[a-d]{0,6}") {
        // `regex-lite` reads `\<`, `\>` and `\b{...}` as word assertions; RE2 reads `\<` as `<`.
        // `regex-lite` also reads a count with a leading zero (`{01}`), which RE2 takes as literal text.
        let word_assertion = p.contains("\\<") || p.contains("\\>") || p.contains("\\b{");
        let leading_zero = p.as_bytes().windows(2).any(|w| w[0] == b'0' && w[1].is_ascii_digit());
        let ours = is_match(&p, &text);
        // Whatever regex-lite accepts, this matcher accepts with the same answer or says it cannot.
        if let (false, Ok(reference)) = (word_assertion || leading_zero, regex_lite::Regex::new(&p)) {
            if let Ok(found) = ours {
                prop_assert_eq!(found, reference.is_match(&text), "`{}` on `{}`", p, text);
            }
        }
    }
}
