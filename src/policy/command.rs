//! The command that created a configuration, read as the configuration it creates: what a user has at hand when
//! they copy their setup from a guide or a script.
//!
//! - `gcloud iam workload-identity-pools providers create-oidc <id> --issuer-uri … --allowed-audiences …
//!   --attribute-mapping … --attribute-condition …`: a provider. Without `--allowed-audiences` it has none, and
//!   then accepts only its own resource name as `aud`. `--attribute-mapping` is gcloud's dictionary flag: `k=v`
//!   pairs split at `,`, or at the delimiter `D` of its `^D^` prefix.
//! - `az identity federated-credential create … --issuer … --subject … --audiences …` (and `az ad app
//!   federated-credential create` with the same flags): a credential. Without `--audiences` the command is not
//!   read: whether az then sends a default is not settled here.
//!
//! The words are split as a POSIX shell does (quotes, backslash escapes, `\` at a line's end; PowerShell's
//! backtick too), up to the end of the first command. Updates (`update-oidc`, `federated-credential update`)
//! change only what they name, so they are not read as the whole configuration.

use serde_json::{json, Map, Value};

use crate::policy::PolicyKind;
use crate::report::Location;

/// A configuration read from the command that creates it.
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    pub kind: PolicyKind,
    /// The configuration as the platform stores it (the JSON its `describe`/`list` prints).
    pub value: Value,
    /// Where each field (JSON Pointer into `value`) was written: the flag's value.
    pub spans: Vec<(String, Location)>,
    /// The command, for messages: `gcloud … create-oidc`, `az … federated-credential create`.
    pub command: &'static str,
}

/// A shell word and where it starts.
type Word = (String, Location);

/// The configuration `text` creates when it is a command claimcheck reads, else `None`.
pub fn read(text: &str) -> Option<Created> {
    let words = words(text);
    let names: Vec<&str> = words.iter().map(|(w, _)| w.as_str()).collect();
    let has = |seq: &[&str]| names.windows(seq.len()).any(|w| w == seq);
    if names.first() == Some(&"gcloud")
        && has(&["workload-identity-pools", "providers", "create-oidc"])
    {
        return gcloud(&words);
    }
    if names.first() == Some(&"az") && has(&["federated-credential", "create"]) {
        return az(&words);
    }
    None
}

/// The flags of a command: `--name value`, `--name=value`, or `--name v1 v2` for a list; a flag with no value
/// (`--disabled`) holds nothing. Words before the first flag are not kept.
fn flags(words: &[Word]) -> Vec<(String, Vec<Word>)> {
    let mut out: Vec<(String, Vec<Word>)> = Vec::new();
    for (w, at) in words {
        if let Some(flag) = w.strip_prefix("--") {
            match flag.split_once('=') {
                Some((name, value)) => {
                    let at = Location {
                        line: at.line,
                        column: at.column + name.chars().count() + 3,
                    };
                    out.push((name.to_string(), vec![(value.to_string(), at)]));
                }
                None => out.push((flag.to_string(), Vec::new())),
            }
        } else if let Some((_, values)) = out.last_mut() {
            values.push((w.clone(), *at));
        }
    }
    out
}

/// The first value of the last `--name` flag.
fn first<'a>(flags: &'a [(String, Vec<Word>)], name: &str) -> Option<&'a Word> {
    flags
        .iter()
        .rev()
        .find(|(n, _)| n == name)
        .and_then(|(_, v)| v.first())
}

fn gcloud(words: &[Word]) -> Option<Created> {
    let at = words.iter().position(|(w, _)| w == "create-oidc")?;
    let id = words[at + 1..]
        .iter()
        .take_while(|(w, _)| !w.starts_with("--"))
        .next();
    let flags = flags(&words[at + 1..]);
    let mut spans = Vec::new();
    let mut provider = Map::new();
    let mut oidc = Map::new();
    if let Some((issuer, loc)) = first(&flags, "issuer-uri") {
        oidc.insert("issuerUri".into(), Value::from(issuer.as_str()));
        spans.push(("/oidc/issuerUri".into(), *loc));
    }
    let audiences: Vec<Value> = first(&flags, "allowed-audiences")
        .map(|(a, loc)| {
            spans.push(("/oidc/allowedAudiences".into(), *loc));
            a.split(',').map(Value::from).collect()
        })
        .unwrap_or_default();
    oidc.insert("allowedAudiences".into(), Value::Array(audiences));
    provider.insert("oidc".into(), Value::Object(oidc));
    if let Some((mapping, loc)) = first(&flags, "attribute-mapping") {
        let (delimiter, pairs) = match mapping.strip_prefix('^').and_then(|r| r.split_once('^')) {
            Some((d, rest)) if !d.is_empty() => (d, rest),
            _ => (",", mapping.as_str()),
        };
        let mut map = Map::new();
        for pair in pairs.split(delimiter) {
            if let Some((k, v)) = pair.split_once('=') {
                let k = k.trim();
                spans.push((
                    format!(
                        "/attributeMapping/{}",
                        k.replace('~', "~0").replace('/', "~1")
                    ),
                    *loc,
                ));
                map.insert(k.to_string(), Value::from(v.trim()));
            }
        }
        provider.insert("attributeMapping".into(), Value::Object(map));
        spans.push(("/attributeMapping".into(), *loc));
    }
    if let Some((condition, loc)) = first(&flags, "attribute-condition") {
        provider.insert("attributeCondition".into(), Value::from(condition.as_str()));
        spans.push(("/attributeCondition".into(), *loc));
    }
    if flags.iter().any(|(n, _)| n == "disabled") {
        provider.insert("disabled".into(), Value::Bool(true));
    }
    // The resource name, when the project is given by number (the default audience names the number).
    let project = first(&flags, "project").filter(|(p, _)| p.bytes().all(|b| b.is_ascii_digit()));
    if let (Some((id, _)), Some((pool, _)), Some((project, _))) =
        (id, first(&flags, "workload-identity-pool"), project)
    {
        let location = first(&flags, "location").map_or("global", |(l, _)| l.as_str());
        provider.insert(
            "name".into(),
            Value::from(format!(
                "projects/{project}/locations/{location}/workloadIdentityPools/{pool}/providers/{id}"
            )),
        );
    }
    Some(Created {
        kind: PolicyKind::Gcp,
        value: Value::Object(provider),
        spans,
        command: "`gcloud iam workload-identity-pools providers create-oidc`",
    })
}

fn az(words: &[Word]) -> Option<Created> {
    let flags = flags(words);
    let issuer = first(&flags, "issuer")?;
    let audiences = flags.iter().rev().find(|(n, _)| n == "audiences")?;
    let mut spans = vec![("/issuer".to_string(), issuer.1)];
    let mut credential = json!({
        "issuer": issuer.0,
        "audiences": audiences.1.iter().map(|(a, _)| a.as_str()).collect::<Vec<_>>(),
    });
    if let Some((_, first_audience)) = audiences.1.first() {
        spans.push(("/audiences".into(), *first_audience));
    }
    if let Some((subject, loc)) = first(&flags, "subject") {
        credential["subject"] = Value::from(subject.as_str());
        spans.push(("/subject".into(), *loc));
    }
    if let Some((name, _)) = first(&flags, "name").or_else(|| first(&flags, "n")) {
        credential["name"] = Value::from(name.as_str());
    }
    Some(Created {
        kind: PolicyKind::Azure,
        value: credential,
        spans,
        command: "`az … federated-credential create`",
    })
}

/// The words of the first command in `text` (after a `$ ` prompt), as a POSIX shell splits them, each with
/// where it starts. Unbalanced quotes run to the end of the text; nothing is expanded.
fn words(text: &str) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    let mut current: Option<(String, Location)> = None;
    let (mut line, mut column) = (1usize, 0usize);
    let mut chars = text.chars().peekable();
    let mut quote: Option<char> = None;
    let start = |current: &mut Option<(String, Location)>, line, column| {
        current.get_or_insert_with(|| (String::new(), Location { line, column }));
    };
    while let Some(c) = chars.next() {
        column += 1;
        if c == '\n' {
            line += 1;
            column = 0;
        }
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') if matches!(chars.peek(), Some('"' | '\\' | '$' | '`')) => {
                let next = chars.next().unwrap_or('\\');
                column += 1;
                if let Some((w, _)) = current.as_mut() {
                    w.push(next);
                }
            }
            (Some(_), c) => {
                if let Some((w, _)) = current.as_mut() {
                    w.push(c);
                }
            }
            (None, '\'' | '"') => {
                start(&mut current, line, column);
                quote = Some(c);
            }
            // `\` (or PowerShell's backtick) before a line break joins the lines; before anything else it
            // escapes that character.
            (None, '\\' | '`') => match chars.peek() {
                Some('\n') | Some('\r') => {
                    while matches!(chars.peek(), Some('\r' | '\n')) {
                        if chars.next() == Some('\n') {
                            line += 1;
                            column = 0;
                            break;
                        }
                    }
                }
                Some(&next) if c == '\\' => {
                    chars.next();
                    column += 1;
                    start(&mut current, line, column - 1);
                    if let Some((w, _)) = current.as_mut() {
                        w.push(next);
                    }
                }
                _ => {
                    start(&mut current, line, column);
                    if let Some((w, _)) = current.as_mut() {
                        w.push(c);
                    }
                }
            },
            (None, '\n' | ';' | '|' | '&' | '#') if c != '#' || current.is_none() => {
                if let Some(w) = current.take() {
                    out.push(w);
                }
                // A prompt alone on a line before the command, or a comment: keep reading.
                let prompt_only =
                    out.len() == 1 && matches!(out[0].0.as_str(), "$" | ">" | "%" | "PS>");
                if c == '#' {
                    for n in chars.by_ref() {
                        if n == '\n' {
                            line += 1;
                            column = 0;
                            break;
                        }
                    }
                    continue;
                }
                if !out.is_empty() && !prompt_only {
                    break;
                }
            }
            (None, c) if c.is_whitespace() => {
                if let Some(w) = current.take() {
                    out.push(w);
                }
            }
            (None, c) => {
                start(&mut current, line, column);
                if let Some((w, _)) = current.as_mut() {
                    w.push(c);
                }
            }
        }
    }
    if let Some(w) = current.take() {
        out.push(w);
    }
    if matches!(
        out.first().map(|(w, _)| w.as_str()),
        Some("$" | ">" | "%" | "PS>")
    ) {
        out.remove(0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        words(text).into_iter().map(|(w, _)| w).collect()
    }

    #[test]
    fn words_split_as_a_shell_does() {
        assert_eq!(
            texts("$ gcloud a \\\n  --x=\"a b\" --y 'c \"d\"' e\\ f\nnext command"),
            ["gcloud", "a", "--x=a b", "--y", "c \"d\"", "e f"]
        );
        assert_eq!(
            texts("az x `\r\n  --issuer \"i\""),
            ["az", "x", "--issuer", "i"]
        );
        assert_eq!(texts("# set up\ngcloud x # trailing\n"), ["gcloud", "x"]);
        assert_eq!(texts("\"unclosed"), ["unclosed"]);
        let w = words("gcloud x \\\n  --issuer-uri=\"https://i\"");
        assert_eq!(w[2].1, Location { line: 2, column: 3 });
    }

    #[test]
    fn a_gcloud_create_command_is_its_provider() {
        let c = read(
            "gcloud iam workload-identity-pools providers create-oidc circleci \\
  --project=123456 --location=global --workload-identity-pool=ci-pool \\
  --issuer-uri=\"https://oidc.circleci.com/org/o\" \\
  --attribute-mapping=\"google.subject=assertion.sub,attribute.project=assertion['oidc.circleci.com/project-id']\" \\
  --attribute-condition=\"attribute.project=='p'\"",
        )
        .unwrap();
        assert_eq!(c.kind, PolicyKind::Gcp);
        assert_eq!(
            c.value,
            json!({
                "name": "projects/123456/locations/global/workloadIdentityPools/ci-pool/providers/circleci",
                "oidc": {"issuerUri": "https://oidc.circleci.com/org/o", "allowedAudiences": []},
                "attributeMapping": {
                    "google.subject": "assertion.sub",
                    "attribute.project": "assertion['oidc.circleci.com/project-id']"
                },
                "attributeCondition": "attribute.project=='p'"
            })
        );
        let mapping = read("gcloud iam workload-identity-pools providers create-oidc x --attribute-mapping='^;^google.subject=assertion.sub;attribute.a=assertion.aud'").unwrap();
        assert_eq!(
            mapping.value["attributeMapping"],
            json!({"google.subject": "assertion.sub", "attribute.a": "assertion.aud"})
        );
        assert!(
            read("gcloud iam workload-identity-pools providers update-oidc x --issuer-uri=i")
                .is_none()
        );
    }

    #[test]
    fn an_az_create_command_is_its_credential() {
        let c = read("az identity federated-credential create --name ci --identity-name id -g rg --issuer https://i --subject s --audiences a1 a2").unwrap();
        assert_eq!(
            c.value,
            json!({"name": "ci", "issuer": "https://i", "subject": "s", "audiences": ["a1", "a2"]})
        );
        // Without `--audiences` az's default is not known here: not read.
        assert!(read(
            "az identity federated-credential create --name ci --issuer https://i --subject s"
        )
        .is_none());
    }
}
