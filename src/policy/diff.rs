//! A character-level near-miss diff between what a policy expects and what the token carries, for the UI to
//! highlight a case difference, a UUID typo, a V1 vs V2 suffix or a `*` inside `StringEquals`.
//!
//! Small inputs get a minimal diff (longest common subsequence over the part between the common prefix and
//! suffix). The table is capped at [`MAX_CELLS`]; beyond it the middle is shown as one removed and one added
//! run, so the work stays linear for huge strings. What people see ([`diff`]) is then cleaned up the way
//! diff-match-patch's `diff_cleanupSemantic` does: a short run in common between two changes (the `a` of
//! `release/*` against `main`) is noise, so the changes around it are shown as one.

use serde::Serialize;

/// Largest LCS table (middle length product) computed exactly.
pub const MAX_CELLS: usize = 250_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DiffKind {
    /// In both strings.
    Same,
    /// Only in the expected (policy) string.
    Expected,
    /// Only in the actual (token) string.
    Actual,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffPart {
    pub kind: DiffKind,
    pub text: String,
}

/// Diff `expected` against `actual` for people: [`minimal_diff`], with each run in common that is no longer
/// than the change on either side of it folded into one change. Concatenating the `Same` and `Expected` parts
/// still gives `expected`; `Same` and `Actual` give `actual`.
pub fn diff(expected: &str, actual: &str) -> Vec<DiffPart> {
    // Runs: text in common, or a change (what the policy has, what the token has). After each part, a run in
    // common between the last two changes folds into them while it is short enough; a change only grows, so
    // folding as soon as it can is the same as folding at the end, and each fold may let the one before it fold.
    let width = |e: &str, a: &str| e.chars().count().max(a.chars().count());
    let mut runs: Vec<(Option<String>, String, String)> = Vec::new();
    for part in minimal_diff(expected, actual) {
        match (part.kind, runs.last_mut()) {
            (DiffKind::Same, _) => runs.push((Some(part.text), String::new(), String::new())),
            (DiffKind::Expected, Some((None, e, _))) => e.push_str(&part.text),
            (DiffKind::Actual, Some((None, _, a))) => a.push_str(&part.text),
            (DiffKind::Expected, _) => runs.push((None, part.text, String::new())),
            (DiffKind::Actual, _) => runs.push((None, String::new(), part.text)),
        }
        while let [.., (None, e1, a1), (Some(same), ..), (None, e2, a2)] = &runs[..] {
            let n = same.chars().count();
            if n > width(e1, a1) || n > width(e2, a2) {
                break;
            }
            let (_, e2, a2) = runs.pop().unwrap_or_default();
            let (same, ..) = runs.pop().unwrap_or_default();
            let same = same.unwrap_or_default();
            if let Some((None, e, a)) = runs.last_mut() {
                e.push_str(&same);
                e.push_str(&e2);
                a.push_str(&same);
                a.push_str(&a2);
            }
        }
    }
    let mut out = Vec::new();
    for (same, e, a) in runs {
        for (kind, text) in [
            (DiffKind::Same, same.unwrap_or_default()),
            (DiffKind::Expected, e),
            (DiffKind::Actual, a),
        ] {
            if !text.is_empty() {
                out.push(DiffPart { kind, text });
            }
        }
    }
    out
}

/// The minimal character diff of `expected` against `actual` (fewest characters changed), for measuring how
/// far apart two values are. Adjacent parts of one kind are merged; removed text comes before added text.
pub fn minimal_diff(expected: &str, actual: &str) -> Vec<DiffPart> {
    let e: Vec<char> = expected.chars().collect();
    let a: Vec<char> = actual.chars().collect();
    let prefix = e.iter().zip(&a).take_while(|(x, y)| x == y).count();
    let suffix = e[prefix..]
        .iter()
        .rev()
        .zip(a[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let em = &e[prefix..e.len() - suffix];
    let am = &a[prefix..a.len() - suffix];

    let mut out: Vec<DiffPart> = Vec::new();
    push_all(&mut out, DiffKind::Same, &e[..prefix]);
    if em.len().saturating_mul(am.len()) <= MAX_CELLS {
        lcs_middle(&mut out, em, am);
    } else {
        push_all(&mut out, DiffKind::Expected, em);
        push_all(&mut out, DiffKind::Actual, am);
    }
    push_all(&mut out, DiffKind::Same, &e[e.len() - suffix..]);
    out
}

fn push(out: &mut Vec<DiffPart>, kind: DiffKind, c: char) {
    match out.last_mut() {
        Some(last) if last.kind == kind => last.text.push(c),
        _ => out.push(DiffPart {
            kind,
            text: c.to_string(),
        }),
    }
}

fn push_all(out: &mut Vec<DiffPart>, kind: DiffKind, cs: &[char]) {
    for &c in cs {
        push(out, kind, c);
    }
}

fn lcs_middle(out: &mut Vec<DiffPart>, e: &[char], a: &[char]) {
    let (n, m) = (e.len(), a.len());
    if n == 0 || m == 0 {
        push_all(out, DiffKind::Expected, e);
        push_all(out, DiffKind::Actual, a);
        return;
    }
    // table[i][j] = LCS length of e[i..] and a[j..]
    let w = m + 1;
    let mut table = vec![0u32; (n + 1) * w];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[i * w + j] = if e[i] == a[j] {
                table[(i + 1) * w + j + 1] + 1
            } else {
                table[(i + 1) * w + j].max(table[i * w + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    // Emit removed-then-added within each changed run so the UI shows "expected" before "actual".
    let mut pending_actual: Vec<char> = Vec::new();
    while i < n || j < m {
        if i < n && j < m && e[i] == a[j] {
            push_all(out, DiffKind::Actual, &pending_actual);
            pending_actual.clear();
            push(out, DiffKind::Same, e[i]);
            i += 1;
            j += 1;
        } else if j < m && (i == n || table[i * w + j + 1] >= table[(i + 1) * w + j]) {
            pending_actual.push(a[j]);
            j += 1;
        } else {
            push(out, DiffKind::Expected, e[i]);
            i += 1;
        }
    }
    push_all(out, DiffKind::Actual, &pending_actual);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(parts: &[DiffPart]) -> String {
        parts
            .iter()
            .map(|p| match p.kind {
                DiffKind::Same => p.text.clone(),
                DiffKind::Expected => format!("[-{}]", p.text),
                DiffKind::Actual => format!("[+{}]", p.text),
            })
            .collect()
    }

    fn rebuild(parts: &[DiffPart], side: DiffKind) -> String {
        parts
            .iter()
            .filter(|p| p.kind == DiffKind::Same || p.kind == side)
            .map(|p| p.text.as_str())
            .collect()
    }

    #[test]
    fn equal_strings_are_one_same_part() {
        assert_eq!(render(&diff("abc", "abc")), "abc");
        assert!(diff("", "").is_empty());
    }

    #[test]
    fn case_difference() {
        assert_eq!(
            render(&diff("github.com/My-Org/repo", "github.com/my-org/repo")),
            "github.com/[-M][+m]y-[-O][+o]rg/repo"
        );
    }

    #[test]
    fn uuid_typo() {
        let d = diff(
            "org/1b2c3d4e-0000-4000-8000-000000000001",
            "org/1b2c3d4e-0000-4000-8000-000000000007",
        );
        assert_eq!(
            render(&d),
            "org/1b2c3d4e-0000-4000-8000-00000000000[-1][+7]"
        );
    }

    #[test]
    fn v1_vs_v2_suffix() {
        let d = diff(
            "org/o/project/p/user/u",
            "org/o/project/p/user/u/vcs-origin/github.com/a/b/vcs-ref/refs/heads/main",
        );
        assert_eq!(
            render(&d),
            "org/o/project/p/user/u[+/vcs-origin/github.com/a/b/vcs-ref/refs/heads/main]"
        );
    }

    #[test]
    fn star_inside_string_equals() {
        assert_eq!(
            render(&diff("org/o/project/*", "org/o/project/p1")),
            "org/o/project/[-*][+p1]"
        );
    }

    #[test]
    fn multibyte_text_is_safe() {
        let d = diff("é-ü-ß", "é-u-ß");
        assert_eq!(render(&d), "é-[-ü][+u]-ß");
    }

    #[test]
    fn huge_strings_fall_back_to_prefix_suffix() {
        let e = format!("a{}b{}z", "x".repeat(600), "y".repeat(600));
        let a = format!("a{}c{}z", "y".repeat(600), "x".repeat(600));
        let d = diff(&e, &a);
        assert_eq!(rebuild(&d, DiffKind::Expected), e);
        assert_eq!(rebuild(&d, DiffKind::Actual), a);
        assert_eq!(d.len(), 4);
    }

    #[test]
    fn a_short_run_in_common_between_changes_is_folded_into_them() {
        // The minimal diff keeps the `a` of `release/*` and `main` in common; people see two unrelated values.
        assert_eq!(
            render(&minimal_diff("refs/heads/release/*", "refs/heads/main")),
            "refs/heads/[-rele][+m]a[-se/*][+in]"
        );
        assert_eq!(
            render(&diff("refs/heads/release/*", "refs/heads/main")),
            "refs/heads/[-release/*][+main]"
        );
        // Folding repeats: once two changes are one, the next short run in common can fold too.
        assert_eq!(render(&diff("xaybz", "1a2b3")), "[-xaybz][+1a2b3]");
        // A run in common longer than a change beside it stays.
        assert_eq!(render(&diff("kitten", "sitting")), "[-k][+s]itt[-en][+ing]");
        assert_eq!(
            render(&minimal_diff("kitten", "sitting")),
            "[-k][+s]itt[-e][+i]n[+g]"
        );
    }

    #[test]
    fn rebuilds_both_sides() {
        for (e, a) in [
            ("kitten", "sitting"),
            ("", "abc"),
            ("abc", ""),
            ("abcabc", "cbacba"),
            ("refs/heads/release/*", "refs/heads/main"),
            ("a1b2c3d4", "4d3c2b1a"),
        ] {
            for d in [diff(e, a), minimal_diff(e, a)] {
                assert_eq!(rebuild(&d, DiffKind::Expected), e);
                assert_eq!(rebuild(&d, DiffKind::Actual), a);
            }
        }
    }
}
