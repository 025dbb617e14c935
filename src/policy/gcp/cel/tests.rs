use serde_json::json;

use super::{evaluate, Stop, Val};

fn run(src: &str) -> Result<Val, Stop> {
    let claims = json!({
        "sub": "org/o/project/p/user/u",
        "aud": "o",
        "exp": 1764003540,
        "oidc.circleci.com/project-id": "p",
        "oidc.circleci.com/context-ids": ["c1", "c2"],
        "oidc.circleci.com/ssh-rerun": false,
        "nested": {"a": {"b": "deep"}}
    });
    let attribute = json!({"project": "p"});
    evaluate(
        src,
        vec![
            ("assertion".into(), Val::from_json(&claims)),
            ("attribute".into(), Val::from_json(&attribute)),
            (
                "google".into(),
                Val::from_json(&json!({"subject": "org/o/project/p/user/u"})),
            ),
        ],
    )
}

fn yes(src: &str) {
    assert_eq!(run(src), Ok(Val::Bool(true)), "{src}");
}

fn no(src: &str) {
    assert_eq!(run(src), Ok(Val::Bool(false)), "{src}");
}

fn error(src: &str, contains: &str) {
    match run(src) {
        Err(Stop::Error(e)) => assert!(e.contains(contains), "{src}: {e}"),
        other => panic!("{src}: expected an error, got {other:?}"),
    }
}

fn unknown(src: &str, contains: &str) {
    match run(src) {
        Err(Stop::Unknown(e)) => assert!(e.contains(contains), "{src}: {e}"),
        other => panic!("{src}: expected unknown, got {other:?}"),
    }
}

#[test]
fn circleci_conditions() {
    yes("assertion['oidc.circleci.com/project-id'] == 'p'");
    yes("attribute.project == 'p' && assertion.aud == 'o'");
    no("attribute.project in ['x', 'y']");
    yes("'c2' in assertion['oidc.circleci.com/context-ids']");
    yes("assertion.sub.startsWith('org/o/') && assertion.sub.endsWith('/user/u') && assertion.sub.contains('project/p')");
    yes("!assertion['oidc.circleci.com/ssh-rerun']");
    yes("google.subject == assertion.sub");
    yes("assertion['oidc.circleci.com/context-ids'].exists(c, c == 'c1')");
    no("assertion['oidc.circleci.com/context-ids'].all(c, c == 'c1')");
    yes("assertion['oidc.circleci.com/context-ids'].exists_one(c, c.startsWith('c1'))");
    yes("size(assertion['oidc.circleci.com/context-ids']) == 2 && assertion.sub.size() == 22");
    yes("assertion.exp > 1764000000 && assertion.exp == 1764003540");
    yes("assertion.nested.a.b == 'deep'");
    yes("has(assertion.sub) && !has(assertion.email)");
    yes("(assertion.aud == 'o' ? 'yes' : 'no') == 'yes'");
    yes("assertion.sub.extract('project/{id}/') == 'p'");
    yes("{'a': 1}.a == 1 && [1, 2][1] == 2 && 1 + 2 * 3 == 7 && 7 % 3 == 1 && -1 < 0");
    yes("'a' + 'b' == 'ab' && [1] + [2] == [1, 2] && 1 == 1.0 && 'x' != 1");
    yes("assertion['oidc.circleci.com/context-ids'].map(c, c + '!') == ['c1!', 'c2!']");
    yes("assertion['oidc.circleci.com/context-ids'].filter(c, c == 'c2') == ['c2']");
    yes("string(1) == '1' && int('42') == 42 && double(1) == 1.0");
}

#[test]
fn error_semantics() {
    error("assertion.email == 'x'", "no such key: email");
    error(
        "assertion['oidc.circleci.com/vcs-ref'] == 'refs/heads/main'",
        "no such key: oidc.circleci.com/vcs-ref",
    );
    error("attribute.branch == 'main'", "no such key: branch");
    error("unknown_var == 1", "undeclared reference");
    error("1 / 0 == 1", "division by zero");
    error("9223372036854775807 + 1 > 0", "overflow");
    error("'a' < 1", "no such overload: string < int");
    error("'abc'.exists(x, true)", "no such overload: string.exists()");
    error("[1, 2].all(x, x)", "no such overload: int in all()");
    error("assertion.sub.size", "does not support field selection");
    // Commutative absorption: the deciding side wins over an error on either side.
    no("assertion.email == 'x' && false");
    no("false && assertion.email == 'x'");
    yes("assertion.email == 'x' || true");
    yes("true || assertion.email == 'x'");
    error("assertion.email == 'x' || false", "no such key");
    error("true && assertion.email == 'x'", "no such key");
    error("1 && true", "no such overload");
    error("has(assertion.sub.x)", "invalid type");
    error("assertion.sub ==", "syntax error");
}

#[test]
fn unknowns_are_never_guessed() {
    unknown(
        r"assertion.sub.matches('^org/\\p{L}')",
        r"matches(`^org/\p{L}`): Unicode classes (`\p`) are not evaluated",
    );
    unknown("timestamp('2020-01-01T00:00:00Z') < now", "timestamp");
    unknown("1u == 1u", "unsigned");
    // An unknown beats an error, and a decisive side beats both.
    unknown(
        "assertion.email == 'x' || assertion.sub.matches('\\\\pL')",
        "Unicode classes",
    );
    // So do the macros, which join their elements' results with `||` (exists) and `&&` (all).
    for m in ["exists", "all"] {
        unknown(
            &format!("['x', 'y'].{m}(c, c == 'x' ? assertion.email == 'a' : c.matches('\\\\pL'))"),
            "Unicode classes",
        );
        unknown(
            &format!("['y', 'x'].{m}(c, c == 'x' ? assertion.email == 'a' : c.matches('\\\\pL'))"),
            "Unicode classes",
        );
    }
    yes("['x', 'y'].exists(c, c == 'x' ? assertion.email == 'a' : true)");
    no("['x', 'y'].all(c, c == 'x' ? assertion.email == 'a' : false)");
    yes("assertion.sub.matches('\\\\pL') || true");
    no("false && assertion.sub.matches('\\\\pL')");
}

#[test]
fn doubles_become_strings_as_in_go() {
    yes("string(1e6) == '1e+06'");
    yes("string(2.50) == '2.5'");
    // JSON numbers are doubles: a claim's timestamp reads in exponent form.
    yes("string(assertion.exp) == '1.76400354e+09'");
    yes("string(int(assertion.exp)) == '1764003540'");
}

#[test]
fn matches_is_an_re2_search() {
    yes("assertion.sub.matches('^org/o/project/[a-z]+/user/')");
    yes("assertion.sub.matches('project/p')");
    no("assertion.sub.matches('^project/p')");
    yes("matches(assertion.aud, '^o$')");
    yes(r"assertion['oidc.circleci.com/context-ids'].exists(c, c.matches('^c\\d$'))");
    no("assertion.sub.matches('/user/v$')");
    error(
        "assertion.sub.matches('(')",
        "invalid regular expression `(`: missing `)`",
    );
    error(
        "assertion.exp.matches('1')",
        "no such overload: double.matches()",
    );
    error(
        "matches(assertion.aud, 1)",
        "no such overload: matches(string, int)",
    );
}

#[test]
fn work_is_bounded() {
    let list = (0..400)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let src = format!("[{list}].exists(x, [{list}].exists(y, [{list}].exists(z, x + y + z < 0)))");
    unknown(&src, "steps");
    // `matches()` work counts across calls: 400 searches with a large pattern stop, they do not hang.
    let long = vec!["assertion.sub"; 20].join(" + ");
    let src = format!("[{list}].exists(x, ({long}).matches('(.|..){{200}}z'))");
    unknown(&src, "matching that takes more than 5000000 steps");
}

#[test]
fn the_smallest_int_is_a_literal_only_after_minus() {
    yes("-9223372036854775808 < 0");
    yes("-9223372036854775808 == -9223372036854775807 - 1");
    error("9223372036854775808 > 0", "out of range");
    error("-(9223372036854775808) < 0", "out of range");
    error("- -9223372036854775808 > 0", "overflow");
}

#[test]
fn long_logical_chains_evaluate_like_short_ones() {
    // 120 branches (under google's 4096 characters): deeper than the parser's nesting limit if built as a chain.
    let branches: Vec<String> = (0..120)
        .map(|i| format!("attribute.project == 'p{i}'"))
        .collect();
    yes(&format!(
        "{} || attribute.project == 'p'",
        branches.join(" || ")
    ));
    no(&branches.join(" || "));
    // An error on any branch is absorbed by a true one, wherever it sits.
    yes(&format!(
        "{} || assertion.missing == 1 || attribute.project == 'p'",
        branches.join(" || ")
    ));
    error(
        &format!("{} || assertion.missing == 1", branches.join(" || ")),
        "",
    );
    yes(&vec!["attribute.project == 'p'"; 120].join(" && "));
}

#[test]
fn type_values_are_declared_and_compare() {
    yes("type(assertion.aud) == string && type(1) == int && type(1.5) == double && type(true) == bool");
    yes("type(null) == null_type && type([1]) == list && type({}) == map && type(int) == type");
    yes("type(assertion.exp) == double && type(type(1)) == type");
    no("type(1) == string");
    yes("type(assertion.aud) == string ? assertion.aud == 'o' : 'o' in assertion.aud");
    yes("type(assertion['oidc.circleci.com/context-ids']) == list ? 'c1' in assertion['oidc.circleci.com/context-ids'] : false");
    // Declared in every environment: google saves a condition or a mapping that names them.
    for src in [
        "type(assertion.aud) != list",
        "[int, uint, bytes, map].size() == 4",
    ] {
        assert!(
            super::check::compile(src, super::check::CONDITION_VARS).is_ok(),
            "{src}"
        );
        assert!(
            super::check::compile(src, super::check::MAPPING_VARS).is_ok(),
            "{src}"
        );
    }
    assert!(super::check::compile("type(x) == strings", super::check::CONDITION_VARS).is_err());
}

#[test]
fn int_of_a_double_truncates_in_range_and_overflows_outside() {
    yes("int(9.2e18) == 9200000000000000000 && int(-9.2e18) == -9200000000000000000");
    yes("int(-1.9) == -1 && int(1.9) == 1 && int(assertion.exp) == 1764003540");
    for src in [
        "int(1e99)",
        "int(9223372036854775807.0)",
        "int(-9223372036854775808.0)",
        "int(double('NaN'))",
    ] {
        error(src, "integer overflow");
    }
}
