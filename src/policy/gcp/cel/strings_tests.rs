//! cel-go's strings extension. Expected values are those of cel-go's `ext/strings_test.go` and the
//! examples in `ext/strings.go`'s documentation, unless a comment says otherwise.

use serde_json::json;

use super::{evaluate, Stop, Val};

const V1: &str = "org/5a2f37a3-88e8-4c2d-9d3e-0f8a7b1c2d3e/project/b1c2d3e4-f5a6-4b7c-8d9e-0a1b2c3d4e5f/user/c0ffee00-1234-4abc-9def-0123456789ab";

fn run(src: &str) -> Result<Val, Stop> {
    let claims = json!({
        "sub": format!("{V1}/vcs-origin/github.com/acme/widgets/vcs-ref/refs/heads/main"),
        "exp": 1764003540,
        "groups": ["a", "b", "c"],
        "mixed": ["a", 1.5],
    });
    evaluate(src, vec![("assertion".into(), Val::from_json(&claims))])
}

fn yes(src: &str) {
    assert_eq!(run(src), Ok(Val::Bool(true)), "{src}");
}

fn error(src: &str, message: &str) {
    assert_eq!(run(src), Err(Stop::Error(message.into())), "{src}");
}

fn unknown(src: &str, contains: &str) {
    match run(src) {
        Err(Stop::Unknown(e)) => assert!(e.contains(contains), "{src}: {e}"),
        other => panic!("{src}: expected unknown, got {other:?}"),
    }
}

#[test]
fn char_at() {
    yes("'tacocat'.charAt(3) == 'o'");
    yes("'tacocat'.charAt(7) == ''");
    yes("'©αT'.charAt(0) == '©' && '©αT'.charAt(1) == 'α' && '©αT'.charAt(2) == 'T'");
    yes("'hello'.charAt(4) == 'o' && ''.charAt(0) == ''");
    error("'tacocat'.charAt(30) == ''", "index out of range: 30");
    error("'hello'.charAt(-1) == ''", "index out of range: -1");
}

#[test]
fn index_of() {
    yes("'tacocat'.indexOf('') == 0");
    yes("'tacocat'.indexOf('ac') == 1");
    yes("'tacocat'.indexOf('none') == -1");
    yes("'tacocat'.indexOf('', 3) == 3");
    yes("'tacocat'.indexOf('a', 3) == 5");
    yes("'tacocat'.indexOf('at', 3) == 5");
    yes("'ta©o©αT'.indexOf('©') == 2");
    yes("'ta©o©αT'.indexOf('©', 3) == 4");
    yes("'ta©o©αT'.indexOf('©αT', 3) == 4");
    yes("'ta©o©αT'.indexOf('©α', 5) == -1");
    yes("'ijk'.indexOf('k') == 2");
    yes("'hello wello'.indexOf('hello wello') == 0");
    yes("'hello wello'.indexOf('ello', 6) == 7");
    yes("'hello wello'.indexOf('elbo room!!') == -1");
    yes("'hello wello'.indexOf('elbo room!!!') == -1");
    yes("'hello mellow'.indexOf('', 2) == 2 && 'tacocat'.indexOf('', 7) == 7 && ''.indexOf('') == 0");
    error("'tacocat'.indexOf('a', -1) == -1", "index out of range: -1");
    // An error in cel-go's tests until 2024 (`index out of range: 30`), `-1` since: not guessed.
    unknown(
        "'tacocat'.indexOf('a', 30) == -1",
        "cel-go versions disagree",
    );
    unknown("''.indexOf('foo') == -1", "cel-go versions disagree");
    unknown(
        "'tacocat'.indexOf('', 30) == 30",
        "cel-go versions disagree",
    );
    unknown(
        "'tacocat'.indexOf('', -1) == -1",
        "cel-go versions disagree",
    );
}

#[test]
fn last_index_of() {
    yes("'tacocat'.lastIndexOf('') == 7");
    yes("'tacocat'.lastIndexOf('at') == 5");
    yes("'tacocat'.lastIndexOf('none') == -1");
    yes("'tacocat'.lastIndexOf('', 3) == 3");
    yes("'tacocat'.lastIndexOf('a', 3) == 1");
    yes("'ta©o©αT'.lastIndexOf('©') == 4");
    yes("'ta©o©αT'.lastIndexOf('©', 3) == 2");
    yes("'ta©o©αT'.lastIndexOf('©α', 4) == 4");
    yes("'hello wello'.lastIndexOf('ello', 6) == 1");
    yes("'hello wello'.lastIndexOf('low') == -1");
    yes("'hello wello'.lastIndexOf('elbo room!!') == -1");
    yes("'hello wello'.lastIndexOf('elbo room!!!') == -1");
    yes("'hello wello'.lastIndexOf('hello wello') == 0");
    yes("'bananananana'.lastIndexOf('nana', 8) == 8");
    yes("'bananananana'.lastIndexOf('nana', 7) == 6");
    yes("'hello mellow'.lastIndexOf('') == 12 && ''.lastIndexOf('') == 0");
    error(
        "'tacocat'.lastIndexOf('a', -1) == -1",
        "index out of range: -1",
    );
    unknown(
        "'tacocat'.lastIndexOf('a', 30) == -1",
        "cel-go versions disagree",
    );
    // `index out of range: -1` until cel-go's fix of 2025.
    unknown("''.lastIndexOf('a') == -1", "cel-go versions disagree");
}

#[test]
fn replace() {
    yes(r#""12 days 12 hours".replace("{0}", "2") == "12 days 12 hours""#);
    yes(r#""{0} days {0} hours".replace("{0}", "2") == "2 days 2 hours""#);
    yes(r#""{0} days {0} hours".replace("{0}", "2", 1).replace("{0}", "23") == "2 days 23 hours""#);
    yes(r#""1 ©αT taco".replace("αT", "o©α") == "1 ©o©α taco""#);
    yes(r#""hello hello".replace("", "_") == "_h_e_l_l_o_ _h_e_l_l_o_""#);
    yes(r#""hello hello".replace("h", "") == "ello ello""#);
    yes("'hello hello'.replace('he', 'we', -1) == 'wello wello'");
    yes("'hello hello'.replace('he', 'we', 1) == 'wello hello'");
    yes("'hello hello'.replace('he', 'we', 0) == 'hello hello'");
    // Go's strings.Replace with an empty old string and a limit.
    yes("'abc'.replace('', '-', 2) == '-a-bc' && ''.replace('', '-') == '-'");
}

#[test]
fn split() {
    yes(r#""hello world".split(" ") == ["hello", "world"]"#);
    yes(r#""hello world events!".split(" ", 0) == []"#);
    yes(r#""hello world events!".split(" ", 1) == ["hello world events!"]"#);
    yes(r#""o©o©o©o".split("©", -1) == ["o", "o", "o", "o"]"#);
    yes("'hello hello hello'.split(' ', 2) == ['hello', 'hello hello']");
    // Go's strings.SplitN: an empty separator splits into code points, the last part holding the rest.
    yes("'a©c'.split('') == ['a', '©', 'c'] && 'a©c'.split('', 2) == ['a', '©c'] && ''.split('') == []");
    yes("''.split('/') == [''] && '/a/'.split('/') == ['', 'a', '']");
    yes(&format!("assertion.sub.split('/vcs-origin/')[0] == '{V1}'"));
    yes("assertion.sub.split('/vcs-origin/')[1] == 'github.com/acme/widgets/vcs-ref/refs/heads/main'");
    yes("assertion.sub.split('/').size() == 14 && assertion.sub.split('/', 3)[2].startsWith('project/')");
    error(
        "assertion.sub.split('/x/')[1] == ''",
        "index out of range: 1",
    );
}

#[test]
fn substring() {
    yes(r#""tacocat".substring(4) == "cat""#);
    yes(r#""tacocat".substring(7) == """#);
    yes(r#""tacocat".substring(0, 4) == "taco""#);
    yes(r#""tacocat".substring(4, 4) == """#);
    yes(r#"'ta©o©αT'.substring(2, 6) == "©o©α""#);
    yes(r#"'ta©o©αT'.substring(7, 7) == """#);
    error(
        r#""tacocat".substring(40) == "cat""#,
        "index out of range: 40",
    );
    error(
        r#""tacocat".substring(-1) == "cat""#,
        "index out of range: -1",
    );
    error(
        r#""tacocat".substring(1, 50) == "cat""#,
        "index out of range: 50",
    );
    error(
        r#""tacocat".substring(49, 50) == "cat""#,
        "index out of range: 49",
    );
    error(
        r#""tacocat".substring(4, 3) == """#,
        "invalid substring range. start: 4, end: 3",
    );
}

#[test]
fn trim() {
    yes(r#"" \f\n\r\t\vtext  ".trim() == "text""#);
    yes(r#""\u0085\u00a0\u1680text".trim() == "text""#);
    yes(r#""text\u2000\u2001\u2002\u2003\u2004\u2004\u2006\u2007\u2008\u2009".trim() == "text""#);
    yes(r#""\u200atext\u2028\u2029\u202F\u205F\u3000".trim() == "text""#);
    yes(
        r#""\u180etext\u200b\u200c\u200d\u2060\ufeff".trim() == "\u180etext\u200b\u200c\u200d\u2060\ufeff""#,
    );
    yes(r"'  \ttrim\n    '.trim() == 'trim'");
}

/// `trim()` is Go's `strings.TrimSpace`, which trims `unicode.IsSpace`: `\t \n \v \f \r`, space, U+0085 and
/// U+00A0 in Latin-1, the Unicode `White_Space` property above. Rust's `str::trim` trims `White_Space`.
#[test]
fn trim_is_gos_unicode_is_space() {
    const GO_IS_SPACE: &[u32] = &[
        0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003,
        0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f,
        0x3000,
    ];
    for c in (0..=0x10ffff).filter_map(char::from_u32) {
        assert_eq!(
            c.is_whitespace(),
            GO_IS_SPACE.contains(&(c as u32)),
            "U+{:04X}",
            c as u32
        );
    }
}

#[test]
fn join() {
    yes("['x', 'y'].join() == 'xy'");
    yes("['x', 'y'].join('-') == 'x-y'");
    yes("[].join() == '' && [].join('-') == ''");
    yes("['hello', 'mellow'].join(' ') == 'hello mellow'");
    yes("assertion.groups.join(',') == 'a,b,c'");
    yes("assertion.sub.split('/').join('/') == assertion.sub");
    // cel-go's message since its strings library version 2 (before it: a type conversion error).
    error("assertion.mixed.join()", "join: invalid input: 1.5");
    error("['a', 1].join('-')", "join: invalid input: 1");
}

#[test]
fn wrong_argument_types_are_no_such_overload() {
    error(r#"42.charAt(2) == """#, "no such overload: int.charAt()");
    error(
        r#"'hello'.charAt(true) == """#,
        "no such overload: string.charAt(bool)",
    );
    error("24.indexOf('2') == 0", "no such overload: int.indexOf()");
    error(
        "'hello'.indexOf(true) == 1",
        "no such overload: string.indexOf(bool)",
    );
    error(
        "'42'.indexOf(4, 0) == 0",
        "no such overload: string.indexOf(int, int)",
    );
    error(
        "'42'.indexOf('4', '0') == 0",
        "no such overload: string.indexOf(string, string)",
    );
    error(
        "'42'.indexOf('4', 0, 1) == 0",
        "no such overload: string.indexOf(string, int, int)",
    );
    error(r#"42.split("2") == ["4"]"#, "no such overload: int.split()");
    error(
        r#""42".split(2) == ["4"]"#,
        "no such overload: string.split(int)",
    );
    error(
        r#""42".split("2", "1") == ["4"]"#,
        "no such overload: string.split(string, string)",
    );
    error(
        r#""42".split("2", 1, 1) == ["4"]"#,
        "no such overload: string.split(string, int, int)",
    );
    error(
        r#""42".replace(2, 1) == "41""#,
        "no such overload: string.replace(int, int)",
    );
    error(
        r#""42".replace("2", "1", "1") == "41""#,
        "no such overload: string.replace(string, string, string)",
    );
    error(
        r#""42".replace("2", "1", 1, false) == "41""#,
        "no such overload: string.replace(string, string, int, bool)",
    );
    error(
        r#"'hello'.substring(1, 2, 3) == """#,
        "no such overload: string.substring(int, int, int)",
    );
    error(
        r#""tacocat".substring(true, 3) == """#,
        "no such overload: string.substring(bool, int)",
    );
    error(
        r#""tacocat".substring(0, false) == """#,
        "no such overload: string.substring(int, bool)",
    );
    error("'x'.trim(1)", "no such overload: string.trim(int)");
    // JSON numbers are doubles, and an int argument takes no double.
    error(
        "assertion.sub.substring(assertion.exp)",
        "no such overload: string.substring(double)",
    );
    error("'a'.join()", "no such overload: string.join");
    error("['a'].join(1)", "no such overload: list.join(int)");
    error("['a'].split('/')", "no such overload: list.split");
}

#[test]
fn unsupported_strings_functions_stay_unknown() {
    // `reverse` (strings library version 3), `format` and `strings.quote` (version 1) are not evaluated.
    unknown("'taco'.reverse() == 'ocat'", "reverse");
    unknown("'a %d'.format([1]) == 'a 1'", "format");
}

#[test]
fn replace_output_is_bounded() {
    let src = format!(
        "'{}'{}.size() > 0",
        "a".repeat(10),
        ".replace('a', 'aaaaaaaaaa')".repeat(7)
    );
    unknown(&src, "`replace()` building a string of 10000000 bytes");
}
