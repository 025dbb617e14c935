//! The `sub` parser: V1 `org/<org>/project/<project>/user/<user>`, V2 = V1 +
//! `/vcs-origin/<origin>/vcs-ref/<ref>`. The vcs origin contains `/`, so V2 is split on the literal
//! `/vcs-ref/`, never on `/` alone; when that literal occurs more than once, the split that matches the
//! `oidc.circleci.com/vcs-origin` claim wins, then one whose ref starts with `refs/`, then the first.
//! Linear time; never panics.

use serde_json::{Map, Value};

use super::{SegmentKind, Sub, SubSegment, SubVersion};

pub const V1_VARIABLE: &str = "$CIRCLE_OIDC_TOKEN";
pub const V2_VARIABLE: &str = "$CIRCLE_OIDC_TOKEN_V2";
const VCS_REF: &str = "/vcs-ref/";

impl Sub {
    /// The text of the first segment of `kind`, e.g. the org ID.
    pub fn part(&self, kind: SegmentKind) -> Option<&str> {
        self.segments
            .iter()
            .find(|s| s.kind == kind)
            .map(|s| s.text.as_str())
    }
}

struct Parser<'a> {
    value: &'a str,
    pos: usize,
    segments: Vec<SubSegment>,
}

impl<'a> Parser<'a> {
    fn push(&mut self, kind: SegmentKind, end: usize) {
        let text = self.value.get(self.pos..end).unwrap_or("").to_string();
        self.segments.push(SubSegment {
            kind,
            text,
            start: self.pos,
            end,
        });
        self.pos = end;
    }

    fn rest(&self) -> &'a str {
        self.value.get(self.pos..).unwrap_or("")
    }

    fn literal(&mut self, word: &str) -> bool {
        if self.rest().starts_with(word) {
            self.push(SegmentKind::Literal, self.pos + word.len());
            true
        } else {
            false
        }
    }

    /// An ID: everything up to the next `/` or the end.
    fn id(&mut self, kind: SegmentKind) {
        let end = self
            .rest()
            .find('/')
            .map_or(self.value.len(), |i| self.pos + i);
        self.push(kind, end);
    }

    fn at_end(&self) -> bool {
        self.pos >= self.value.len()
    }

    fn unknown_rest(&mut self) {
        if !self.at_end() {
            self.push(SegmentKind::Unknown, self.value.len());
        }
    }
}

/// Parse a `sub` on its own (no claims to disambiguate or to build the other form from).
pub fn parse_sub(value: &str) -> Sub {
    parse_sub_with(value, None)
}

fn claim_str<'m>(claims: Option<&'m Map<String, Value>>, name: &str) -> Option<&'m str> {
    claims.and_then(|c| c.get(name)).and_then(Value::as_str)
}

/// Parse a `sub` using the token's other claims for the V2 split, the note and the other form.
pub fn parse_sub_with(value: &str, claims: Option<&Map<String, Value>>) -> Sub {
    let mut p = Parser {
        value,
        pos: 0,
        segments: Vec::new(),
    };
    let version = structure(&mut p, claim_str(claims, "oidc.circleci.com/vcs-origin"));
    let mut sub = Sub {
        version,
        value: value.to_string(),
        segments: p.segments,
        variable: None,
        note: None,
        other_form: None,
    };
    describe(&mut sub, claims);
    sub
}

fn structure(p: &mut Parser<'_>, origin_hint: Option<&str>) -> SubVersion {
    if !p.literal("org/") {
        p.unknown_rest();
        return SubVersion::Unrecognized;
    }
    p.id(SegmentKind::Org);
    if !p.literal("/project/") {
        p.unknown_rest();
        return SubVersion::Unrecognized;
    }
    p.id(SegmentKind::Project);
    if !p.literal("/user/") {
        p.unknown_rest();
        return SubVersion::Unrecognized;
    }
    p.id(SegmentKind::User);
    if p.at_end() {
        return SubVersion::V1;
    }
    if !p.literal("/vcs-origin/") {
        p.unknown_rest();
        return SubVersion::Unrecognized;
    }
    let rest = p.rest();
    // Every (possibly overlapping) occurrence of `/vcs-ref/`: checked only at `/` bytes, so linear.
    let candidates: Vec<usize> = rest
        .bytes()
        .enumerate()
        .filter(|&(i, b)| b == b'/' && rest.get(i..).is_some_and(|r| r.starts_with(VCS_REF)))
        .map(|(i, _)| i)
        .collect();
    let after = |i: usize| rest.get(i + VCS_REF.len()..).unwrap_or("");
    let chosen = origin_hint
        .and_then(|o| {
            candidates
                .iter()
                .copied()
                .find(|&i| rest.get(..i) == Some(o))
        })
        .or_else(|| {
            candidates
                .iter()
                .copied()
                .find(|&i| after(i).starts_with("refs/"))
        })
        .or_else(|| candidates.first().copied());
    match chosen {
        Some(i) => {
            let start = p.pos;
            p.push(SegmentKind::VcsOrigin, start + i);
            p.literal(VCS_REF);
            p.push(SegmentKind::VcsRef, p.value.len());
            SubVersion::V2
        }
        None => {
            p.push(SegmentKind::VcsOrigin, p.value.len());
            SubVersion::Unrecognized
        }
    }
}

fn describe(sub: &mut Sub, claims: Option<&Map<String, Value>>) {
    let origin = claim_str(claims, "oidc.circleci.com/vcs-origin");
    let vcs_ref = claim_str(claims, "oidc.circleci.com/vcs-ref");
    let has_vcs_claims = claims.is_some_and(|c| {
        c.contains_key("oidc.circleci.com/vcs-origin")
            || c.contains_key("oidc.circleci.com/vcs-ref")
    });
    match sub.version {
        SubVersion::V1 => {
            sub.variable = Some(V1_VARIABLE.to_string());
            match (claims, origin, vcs_ref) {
                (Some(_), Some(o), Some(r)) => {
                    sub.note = Some(format!(
                        "V1 format, carried by `{V1_VARIABLE}`; `{V2_VARIABLE}` of the same job adds the vcs origin and ref"
                    ));
                    sub.other_form = Some(format!("{}/vcs-origin/{o}/vcs-ref/{r}", sub.value));
                }
                (Some(_), _, _) if !has_vcs_claims => {
                    sub.note = Some(format!(
                        "either a V1 `sub` (`{V1_VARIABLE}`) or a V2 `sub` (`{V2_VARIABLE}`) of a pipeline triggered by a custom webhook: without vcs claims both look exactly the same"
                    ));
                    sub.other_form = Some(sub.value.clone());
                }
                (Some(_), _, _) => {
                    sub.note = Some(format!(
                        "V1 format, carried by `{V1_VARIABLE}`; the vcs claims are incomplete, so the V2 form cannot be built"
                    ));
                }
                (None, _, _) => {
                    sub.note = Some(format!(
                        "V1 format (`{V1_VARIABLE}`), or V2 (`{V2_VARIABLE}`) of a custom-webhook pipeline, which has no vcs part"
                    ));
                }
            }
        }
        SubVersion::V2 => {
            sub.variable = Some(V2_VARIABLE.to_string());
            sub.note = Some(format!(
                "V2 format, carried by `{V2_VARIABLE}`: the V1 `sub` followed by the vcs origin and ref"
            ));
            if let Some(seg) = sub.segments.iter().find(|s| s.kind == SegmentKind::User) {
                sub.other_form = sub.value.get(..seg.end).map(str::to_string);
            }
        }
        SubVersion::Unrecognized => {
            sub.note = Some(
                "not a CircleCI `sub`: expected `org/<org-id>/project/<project-id>/user/<user-id>` (V1), optionally followed by `/vcs-origin/<origin>/vcs-ref/<ref>` (V2)"
                    .to_string(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const V1: &str = "org/1f0c8e9a-2b3d-4c5e-8f70-112233445566/project/3e9d6a41-7b2c-4f18-9d0e-aabbccddeeff/user/5c2b9f30-1a4e-4d6b-8c7f-001122334455";

    fn kinds(s: &Sub) -> Vec<SegmentKind> {
        s.segments.iter().map(|s| s.kind).collect()
    }

    fn assert_covers(s: &Sub) {
        let mut pos = 0;
        for seg in &s.segments {
            assert_eq!(seg.start, pos);
            assert_eq!(&s.value[seg.start..seg.end], seg.text);
            pos = seg.end;
        }
        assert_eq!(pos, s.value.len());
    }

    #[test]
    fn v1_segments_and_spans() {
        use SegmentKind::*;
        let s = parse_sub(V1);
        assert_eq!(s.version, SubVersion::V1);
        assert_eq!(kinds(&s), [Literal, Org, Literal, Project, Literal, User]);
        assert_eq!(s.part(Org), Some("1f0c8e9a-2b3d-4c5e-8f70-112233445566"));
        assert_eq!((s.segments[1].start, s.segments[1].end), (4, 40));
        assert_eq!(s.segments[2].text, "/project/");
        assert_eq!(s.variable.as_deref(), Some("$CIRCLE_OIDC_TOKEN"));
        assert!(s.note.as_deref().unwrap().contains("custom-webhook"));
        assert_eq!(s.other_form, None);
        assert_covers(&s);
    }

    #[test]
    fn v2_splits_on_the_vcs_ref_literal() {
        use SegmentKind::*;
        let v = format!("{V1}/vcs-origin/github.com/my-org/my-repo/vcs-ref/refs/heads/feature/x");
        let s = parse_sub(&v);
        assert_eq!(s.version, SubVersion::V2);
        assert_eq!(
            kinds(&s),
            [Literal, Org, Literal, Project, Literal, User, Literal, VcsOrigin, Literal, VcsRef]
        );
        assert_eq!(s.part(VcsOrigin), Some("github.com/my-org/my-repo"));
        assert_eq!(s.part(VcsRef), Some("refs/heads/feature/x"));
        assert_eq!(s.variable.as_deref(), Some("$CIRCLE_OIDC_TOKEN_V2"));
        assert_eq!(s.other_form.as_deref(), Some(V1));
        assert_covers(&s);
    }

    #[test]
    fn ambiguous_vcs_ref_literal_is_resolved() {
        // A repository named `vcs-ref`: the split whose ref starts with `refs/` wins.
        let v = format!("{V1}/vcs-origin/github.com/o/vcs-ref/vcs-ref/refs/heads/main");
        let s = parse_sub(&v);
        assert_eq!(s.part(SegmentKind::VcsOrigin), Some("github.com/o/vcs-ref"));
        assert_eq!(s.part(SegmentKind::VcsRef), Some("refs/heads/main"));
        // A branch containing `/vcs-ref/`: the claim decides.
        let v = format!("{V1}/vcs-origin/github.com/o/r/vcs-ref/refs/heads/vcs-ref/refs/x");
        let claims = json!({"oidc.circleci.com/vcs-origin": "github.com/o/r", "oidc.circleci.com/vcs-ref": "refs/heads/vcs-ref/refs/x"});
        let s = parse_sub_with(&v, claims.as_object());
        assert_eq!(s.part(SegmentKind::VcsOrigin), Some("github.com/o/r"));
        assert_eq!(
            s.part(SegmentKind::VcsRef),
            Some("refs/heads/vcs-ref/refs/x")
        );
        assert_covers(&s);
    }

    #[test]
    fn v1_with_vcs_claims_builds_the_v2_form() {
        let claims = json!({"oidc.circleci.com/vcs-origin": "github.com/o/r", "oidc.circleci.com/vcs-ref": "refs/heads/main"});
        let s = parse_sub_with(V1, claims.as_object());
        assert_eq!(s.version, SubVersion::V1);
        assert_eq!(
            s.other_form,
            Some(format!(
                "{V1}/vcs-origin/github.com/o/r/vcs-ref/refs/heads/main"
            ))
        );
        assert!(s.note.as_deref().unwrap().starts_with("V1 format"));
    }

    #[test]
    fn v1_without_vcs_claims_is_ambiguous() {
        let claims = json!({"iss": "x"});
        let s = parse_sub_with(V1, claims.as_object());
        assert_eq!(s.version, SubVersion::V1);
        assert!(s.note.as_deref().unwrap().contains("custom webhook"));
        assert_eq!(s.other_form.as_deref(), Some(V1));
    }

    #[test]
    fn unrecognized_keeps_what_parsed() {
        use SegmentKind::*;
        let s = parse_sub("repo:octo/hello:ref:refs/heads/main");
        assert_eq!(s.version, SubVersion::Unrecognized);
        assert_eq!(kinds(&s), [Unknown]);
        assert_eq!(s.variable, None);
        let s = parse_sub(&format!("{V1}/extra"));
        assert_eq!(s.version, SubVersion::Unrecognized);
        assert_eq!(s.segments.last().unwrap().kind, Unknown);
        assert_covers(&s);
        let s = parse_sub(&format!("{V1}/vcs-origin/github.com/o/r"));
        assert_eq!(s.version, SubVersion::Unrecognized);
        assert_eq!(s.segments.last().unwrap().kind, VcsOrigin);
        let s = parse_sub("org/abc");
        assert_eq!(kinds(&s), [Literal, Org]);
        assert_eq!(parse_sub("").segments, vec![]);
        let s = parse_sub("org/é/project/ü");
        assert_covers(&s);
    }
}
