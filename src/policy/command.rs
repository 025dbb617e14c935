//! The command that created a configuration, read as the configuration it creates: what a user has at hand when
//! they copy their setup from a guide or a script.
//!
//! - `gcloud iam workload-identity-pools providers create-oidc <id> --issuer-uri … --allowed-audiences …
//!   --attribute-mapping … --attribute-condition …`: a provider. Without `--allowed-audiences` it has none, and
//!   then accepts only its own resource name as `aud`. `--attribute-mapping` is gcloud's dictionary flag: `k=v`
//!   pairs split at `,`, or at the delimiter `D` of its `^D^` prefix. Without `--issuer-uri` gcloud refuses
//!   it, and it is not read.
//! - `az identity federated-credential create … --issuer … --subject … --audiences …` (a flag may be shortened,
//!   as az allows: `--audience`): a credential. (`az ad app federated-credential create --parameters '{…}'` holds
//!   the credential as JSON, which [`super::wrapped`] reads.) Without `--audiences` the command is not read:
//!   whether az then sends a default is not settled here.
//! - `vault write auth/<mount>/role/<name> key=value …` (and `vault write auth/<mount>/config …`, alone or
//!   with it): the role (and config). Fields vault reads as comma-separated lists are split; a key given twice
//!   is a list. Not read when a value comes from a file (`@file`) or stdin (`-` or `key=-`, a here-document:
//!   [`super::wrapped`] reads that), or when `bound_claims`/`claim_mappings` is given: `key=value` cannot write
//!   a map.
//!
//! The words are split as a POSIX shell does (quotes, backslash escapes, `\` at a line's end; PowerShell's
//! backtick too), command by command. `$NAME` and `${NAME}` are expanded when the paste sets the variable
//! (`export ORG_ID=…`) and are otherwise written `${NAME}`, which the platforms read as a template value the
//! deployment filled in (unknown, not a mismatch), as they do `$(command)`. Updates (`update-oidc`,
//! `federated-credential update`) change only what they name, so they are not read as the whole configuration.

use serde_json::{Map, Value};

use crate::policy::{json, PolicyKind};
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
    // Cheap first: a line that starts one of the commands read here.
    let starts = |l: &str| {
        let l = l.trim_start();
        let l = l.strip_prefix("$ ").unwrap_or(l);
        ["gcloud ", "az ", "vault write "]
            .iter()
            .any(|c| l.starts_with(c))
    };
    if !text.lines().any(starts) {
        return None;
    }
    let commands = commands(text);
    for words in &commands {
        let names: Vec<&str> = words.iter().map(|(w, _)| w.as_str()).collect();
        let has = |seq: &[&str]| names.windows(seq.len()).any(|w| w == seq);
        if names.first() == Some(&"gcloud")
            && has(&["workload-identity-pools", "providers", "create-oidc"])
        {
            // One that cannot be read (no `--issuer-uri`) leaves the next command in the paste to try.
            if let Some(created) = gcloud(words) {
                return Some(created);
            }
        }
        if names.first() == Some(&"az") && has(&["federated-credential", "create"]) {
            if let Some(created) = az(words) {
                return Some(created);
            }
        }
    }
    vault(&commands)
}

/// The flags of a command: `--name value`, `--name=value`, or `--name v1 v2` for a list; a flag with no value
/// (`--disabled`) holds nothing. A short flag (`-g rg`) is named without its dash, and ends the list before it
/// as the CLIs' parsers do (`--audiences a -g rg` is one audience). Words before the first flag are not kept.
fn flags(words: &[Word]) -> Vec<(String, Vec<Word>)> {
    let mut out: Vec<(String, Vec<Word>)> = Vec::new();
    for (w, at) in words {
        let short = w
            .strip_prefix('-')
            .filter(|f| f.starts_with(|c: char| c.is_ascii_alphabetic()));
        if let Some(flag) = short {
            out.push((flag.to_string(), Vec::new()));
        } else if let Some(flag) = w.strip_prefix("--") {
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
    // gcloud refuses the command without `--issuer-uri`: nothing was created (often a `\ ` with a space after
    // it, which ends the command there, as in a shell).
    let (issuer, loc) = first(&flags, "issuer-uri")?;
    oidc.insert("issuerUri".into(), Value::from(issuer.as_str()));
    spans.push(("/oidc/issuerUri".into(), *loc));
    let audiences: Vec<Value> = first(&flags, "allowed-audiences")
        .map(|(a, loc)| {
            spans.push(("/oidc/allowedAudiences".into(), *loc));
            a.split(',').map(Value::from).collect()
        })
        .unwrap_or_default();
    oidc.insert("allowedAudiences".into(), Value::Array(audiences));
    provider.insert("oidc".into(), Value::Object(oidc));
    if let Some((mapping, loc)) = first(&flags, "attribute-mapping") {
        let mut map = Map::new();
        for pair in super::gcp::bare::dictionary(mapping) {
            if let Some((k, v)) = pair.split_once('=') {
                let k = k.trim();
                let mut pointer = "/attributeMapping".to_string();
                json::pointer_append(&mut pointer, k);
                spans.push((pointer, *loc));
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

/// az reads a flag by any unambiguous prefix of its name (Python's argparse), and Microsoft's AKS guide writes
/// `--audience`: the prefixes here are the shortest that no other option of the command starts with.
const AZ_PREFIXES: &[(&str, &str)] = &[("aud", "audiences"), ("is", "issuer"), ("subj", "subject")];

fn az(words: &[Word]) -> Option<Created> {
    let mut flags = flags(words);
    for (name, _) in &mut flags {
        let full = AZ_PREFIXES
            .iter()
            .find(|(p, full)| name.starts_with(p) && full.starts_with(name.as_str()));
        if let Some((_, full)) = full {
            *name = full.to_string();
        }
    }
    let issuer = first(&flags, "issuer")?;
    // az refuses `--audiences` with no value (`expected at least one argument`).
    let audiences = flags
        .iter()
        .rev()
        .find(|(n, _)| n == "audiences")
        .filter(|(_, values)| !values.is_empty())?;
    let mut spans = vec![("/issuer".to_string(), issuer.1)];
    let mut credential = Map::new();
    credential.insert("issuer".into(), Value::from(issuer.0.as_str()));
    credential.insert(
        "audiences".into(),
        audiences
            .1
            .iter()
            .map(|(a, _)| Value::from(a.as_str()))
            .collect(),
    );
    if let Some((_, first_audience)) = audiences.1.first() {
        spans.push(("/audiences".into(), *first_audience));
    }
    if let Some((subject, loc)) = first(&flags, "subject") {
        credential.insert("subject".into(), Value::from(subject.as_str()));
        spans.push(("/subject".into(), *loc));
    }
    if let Some((name, _)) = first(&flags, "name").or_else(|| first(&flags, "n")) {
        credential.insert("name".into(), Value::from(name.as_str()));
    }
    Some(Created {
        kind: PolicyKind::Azure,
        value: Value::Object(credential),
        spans,
        command: "`az … federated-credential create`",
    })
}

/// The commands in `text` (one per line, or separated by `;`, `|`, `&&`), each as the words a POSIX shell
/// splits it into, with where each starts; a `$ ` prompt and `#` comments are dropped. Unbalanced quotes run to
/// the end of the text. Variables are expanded as the module doc says; nothing else is (no globs, no `~`).
fn commands(text: &str) -> Vec<Vec<Word>> {
    let mut out: Vec<Vec<Word>> = Vec::new();
    let mut command: Vec<Word> = Vec::new();
    let mut current: Option<Word> = None;
    let (mut line, mut column) = (1usize, 0usize);
    let mut chars = text.chars().peekable();
    let mut quote: Option<char> = None;
    fn push(current: &mut Option<Word>, c: char, line: usize, column: usize) {
        current
            .get_or_insert_with(|| (String::new(), Location { line, column }))
            .0
            .push(c);
    }
    // Shell variables set in the paste (`export ORG_ID=…`, `ORG_ID=…`), for `$ORG_ID` and `${ORG_ID}` after them.
    // A map, not a list searched per `$`: a paste of many assignments and many `$` must stay linear. (JSON's map
    // type, which the wasm holds anyway.)
    let mut vars: Map<String, Value> = Map::new();
    fn end(command: &mut Vec<Word>, out: &mut Vec<Vec<Word>>, vars: &mut Map<String, Value>) {
        if matches!(
            command.first().map(|(w, _)| w.as_str()),
            Some("$" | ">" | "%" | "PS>")
        ) {
            command.remove(0);
        }
        let skip = usize::from(command.first().is_some_and(|(w, _)| w == "export"));
        let assignments: Vec<(&str, &str)> = command[skip..]
            .iter()
            .filter_map(|(w, _)| w.split_once('='))
            .filter(|(name, _)| variable_name(name))
            .collect();
        if !command.is_empty() && assignments.len() == command.len() - skip {
            vars.extend(
                assignments
                    .iter()
                    .map(|(k, v)| (k.to_string(), Value::from(*v))),
            );
            command.clear();
        }
        if !command.is_empty() {
            out.push(std::mem::take(command));
        }
    }
    while let Some(c) = chars.next() {
        column += 1;
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            // `$NAME`, `${NAME}`, `$(command)` outside single quotes: a variable set earlier in the paste is its
            // value; anything else only the shell that ran it knew, written `${NAME}`: a template value.
            (None | Some('"'), '$')
                if chars.peek().is_some_and(|&n| {
                    n == '{' || n == '(' || n == '_' || n.is_ascii_alphabetic()
                }) =>
            {
                let (at, at_line) = (column, line);
                let mut name = String::new();
                // The braces are read but not part of the name; counted where the position moves on.
                let mut braces = 0;
                match chars.peek() {
                    Some('{') => {
                        chars.next();
                        braces = 1;
                        for n in chars.by_ref() {
                            if n == '}' {
                                braces = 2;
                                break;
                            }
                            name.push(n);
                        }
                    }
                    Some('(') => {
                        let mut depth = 0usize;
                        for n in chars.by_ref() {
                            name.push(n);
                            match n {
                                '(' => depth += 1,
                                ')' => depth = depth.saturating_sub(1),
                                _ => {}
                            }
                            if depth == 0 {
                                break;
                            }
                        }
                    }
                    _ => {
                        while let Some(&n) = chars.peek() {
                            if n != '_' && !n.is_ascii_alphanumeric() {
                                break;
                            }
                            name.push(n);
                            chars.next();
                        }
                    }
                }
                column += braces;
                for n in name.chars() {
                    if n == '\n' {
                        (line, column) = (line + 1, 0);
                    } else {
                        column += 1;
                    }
                }
                let value = vars
                    .get(&name)
                    .and_then(Value::as_str)
                    .map_or_else(|| format!("${{{name}}}"), str::to_string);
                current.get_or_insert_with(|| {
                    let line = at_line;
                    (String::new(), Location { line, column: at })
                });
                if let Some((w, _)) = current.as_mut() {
                    w.push_str(&value);
                }
            }
            // Inside double quotes too, `\` before a line break joins the lines (a long condition split in a
            // guide): neither is part of the word.
            (Some('"'), '\\') if matches!(chars.peek(), Some('\n' | '\r')) => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        (line, column) = (line + 1, 0);
                        break;
                    }
                }
            }
            (Some('"'), '\\') if matches!(chars.peek(), Some('"' | '\\' | '$' | '`')) => {
                let next = chars.next().unwrap_or('\\');
                column += 1;
                push(&mut current, next, line, column);
            }
            (Some(_), c) => {
                push(&mut current, c, line, column);
                if c == '\n' {
                    line += 1;
                    column = 0;
                }
            }
            (None, '\'' | '"') => {
                // An empty quoted word is still a word.
                current.get_or_insert_with(|| (String::new(), Location { line, column }));
                quote = Some(c);
            }
            // `\` (or PowerShell's backtick, after a space: not the end of a Markdown fence's ```) before a line
            // break joins the lines; `\` before anything else escapes that character.
            (None, '\\' | '`')
                if matches!(chars.peek(), Some('\n' | '\r'))
                    && (c == '\\' || current.is_none()) =>
            {
                for n in chars.by_ref() {
                    if n == '\n' {
                        line += 1;
                        column = 0;
                        break;
                    }
                }
            }
            (None, '\\') => {
                if let Some(next) = chars.next() {
                    column += 1;
                    push(&mut current, next, line, column - 1);
                }
            }
            (None, '#') if current.is_none() => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
                line += 1;
                column = 0;
                end(&mut command, &mut out, &mut vars);
            }
            (None, '\n' | ';' | '|' | '&') => {
                command.extend(current.take());
                end(&mut command, &mut out, &mut vars);
                if c == '\n' {
                    line += 1;
                    column = 0;
                }
            }
            (None, c) if c.is_whitespace() => command.extend(current.take()),
            (None, c) => push(&mut current, c, line, column),
        }
    }
    command.extend(current.take());
    end(&mut command, &mut out, &mut vars);
    out
}

/// A shell variable's name: a letter or `_`, then letters, digits and `_`.
fn variable_name(name: &str) -> bool {
    name.starts_with(|c: char| c == '_' || c.is_ascii_alphabetic())
        && name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// Fields of a JWT role or config that vault reads as a comma-separated list when given as one string.
const COMMA_LISTS: &[&str] = &[
    "bound_audiences",
    "bound_cidrs",
    "token_bound_cidrs",
    "allowed_redirect_uris",
    "oidc_scopes",
    "token_policies",
    "policies",
    "jwt_supported_algs",
    "jwt_validation_pubkeys",
];

/// `vault write auth/<mount>/role/<name> key=value …` and `vault write auth/<mount>/config key=value …`: the
/// role and the config as vault stores them. Not read (`None`) when a value comes from a file (`@file`) or
/// stdin (`-`), or when `bound_claims` or `claim_mappings` (maps, which `key=value` cannot write) is given.
fn vault(commands: &[Vec<Word>]) -> Option<Created> {
    type Written = (Map<String, Value>, Vec<(String, Location)>);
    let mut role: Option<Written> = None;
    let mut config: Option<Written> = None;
    for words in commands {
        let [(vault, _), (write, _), rest @ ..] = &words[..] else {
            continue;
        };
        // Vault's own flags (`-namespace=admin` on HCP Vault) come before the path.
        let Some(at) = rest.iter().position(|(w, _)| !w.starts_with('-')) else {
            continue;
        };
        let ((path, _), args) = (&rest[at], &rest[at + 1..]);
        if vault != "vault" || write != "write" {
            continue;
        }
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        let target = match parts[..] {
            ["auth", _, "role", _] => &mut role,
            ["auth", _, "config"] => &mut config,
            _ => continue,
        };
        let mut fields = Map::new();
        let mut spans = Vec::new();
        for (arg, at) in args {
            if arg.starts_with('-') {
                // Stdin: `-`, also written against its here-document (`-<<EOF`, as CircleCI's guide does).
                if arg == "-" || arg.starts_with("-<") {
                    return None;
                }
                continue;
            }
            let (key, value) = arg.split_once('=')?;
            // `key=@file` reads the value from a file, `key=-` from stdin: neither is in the paste.
            if value.starts_with('@')
                || value == "-"
                || matches!(key, "bound_claims" | "claim_mappings")
            {
                return None;
            }
            let value = if COMMA_LISTS.contains(&key) {
                Value::Array(
                    value
                        .split(',')
                        .map(str::trim)
                        .filter(|v| !v.is_empty())
                        .map(Value::from)
                        .collect(),
                )
            } else {
                Value::from(value)
            };
            // A key given twice is a list (vault's `key=value` builder), the lists joined.
            let merged = match fields.remove(key) {
                Some(Value::Array(mut before)) => {
                    match value {
                        Value::Array(more) => before.extend(more),
                        one => before.push(one),
                    }
                    Value::Array(before)
                }
                Some(before) => Value::Array(vec![before, value]),
                None => value,
            };
            fields.insert(key.to_string(), merged);
            let at = Location {
                line: at.line,
                column: at.column + key.chars().count() + 1,
            };
            spans.push((key.to_string(), at));
        }
        // Vault refuses a write with no data (`Must supply data or use -force`): the fields were on the next
        // lines, their `\` lost in a copy.
        if fields.is_empty() {
            return None;
        }
        *target = Some((fields, spans));
    }
    let pointer = |prefix: &str, spans: Vec<(String, Location)>| -> Vec<(String, Location)> {
        spans
            .into_iter()
            .map(|(k, at)| {
                let mut pointer = prefix.to_string();
                json::pointer_append(&mut pointer, &k);
                (pointer, at)
            })
            .collect()
    };
    let (value, spans) = match (role, config) {
        (Some((role, role_spans)), Some((config, config_spans))) => {
            let mut spans = pointer("/role", role_spans);
            spans.extend(pointer("/config", config_spans));
            let both = [("config", config), ("role", role)]
                .map(|(k, v)| (k.to_string(), Value::Object(v)));
            (Value::Object(Map::from_iter(both)), spans)
        }
        (Some((only, spans)), None) | (None, Some((only, spans))) => {
            (Value::Object(only), pointer("", spans))
        }
        (None, None) => return None,
    };
    Some(Created {
        kind: PolicyKind::Vault,
        value,
        spans,
        command: "`vault write`",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn texts(text: &str) -> Vec<String> {
        commands(text)
            .into_iter()
            .next()
            .unwrap_or_default()
            .into_iter()
            .map(|(w, _)| w)
            .collect()
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
        // A Markdown fence's ``` is not PowerShell's line continuation.
        assert_eq!(texts("```\ngcloud x `\n y\n```"), ["```"]);
        assert_eq!(commands("```\ngcloud x `\n y\n```")[1].len(), 3);
        assert_eq!(texts("\"unclosed"), ["unclosed"]);
        assert_eq!(
            texts("x --c=\"a && \\\n  b\" 'c \\\nd'"),
            ["x", "--c=a &&   b", "c \\\nd"]
        );
        // Variables set in the paste are expanded; others (and command substitutions) stay templates.
        assert_eq!(
            texts("export ORG=o1 P=p\nx \"org/$ORG/${P}/$U\" '$ORG' $(date +%s) $ \"a$\""),
            ["x", "org/o1/p/${U}", "$ORG", "${(date +%s)}", "$", "a$"]
        );
        let w = &commands("gcloud x \\\n  --issuer-uri=\"https://i\"")[0];
        assert_eq!(w[2].1, Location { line: 2, column: 3 });
        // After `${NAME}` (its braces too) and a `$(…)` over two lines, words are where they were written.
        let w = &commands("x ${P} \"${Q}\" $(a\nb) y")[0];
        let columns: Vec<(usize, usize)> = w.iter().map(|(_, l)| (l.line, l.column)).collect();
        assert_eq!(columns, [(1, 1), (1, 3), (1, 8), (1, 15), (2, 4)]);
        assert_eq!(
            commands("$ a b\n\n# c\nd 'e\nf' && g"),
            [
                vec![
                    ("a".to_string(), Location { line: 1, column: 3 }),
                    ("b".into(), Location { line: 1, column: 5 })
                ],
                vec![
                    ("d".into(), Location { line: 4, column: 1 }),
                    ("e\nf".into(), Location { line: 4, column: 3 })
                ],
                vec![("g".into(), Location { line: 5, column: 7 })],
            ]
        );
    }

    #[test]
    fn many_variables_are_split_in_linear_time() {
        // Each `$B` searched every assignment before it: seconds to minutes for a large paste.
        let text = format!(
            "gcloud x\n{}{}",
            (0..50_000).map(|i| format!("A{i}=1\n")).collect::<String>(),
            "$B ".repeat(100_000)
        );
        let start = std::time::Instant::now();
        let commands = commands(&text);
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
        assert_eq!(commands.last().map(Vec::len), Some(100_000));
    }

    #[test]
    fn a_vault_write_with_flags_before_the_path_is_its_role() {
        let c = read("vault write -namespace=admin auth/jwt/role/ci role_type=jwt bound_audiences=a,b user_claim=sub").unwrap();
        assert_eq!(
            c.value,
            json!({"role_type": "jwt", "bound_audiences": ["a", "b"], "user_claim": "sub"})
        );
        // A role from stdin is not in the paste (the here-document is read elsewhere), with or without a space.
        for stdin in ["- <<EOF", "-<<EOF", "-<<'EOF'"] {
            let text = format!("vault write auth/jwt/config bound_issuer=i\nvault write auth/jwt/role/ci {stdin}\n{{\"role_type\": \"jwt\"}}\nEOF\n");
            assert!(read(&text).is_none(), "{stdin}");
        }
        // Nothing written: the line break (its `\` lost in a copy) ended the command, the rest are assignments.
        assert!(read("vault write auth/jwt/role/ci\n  role_type=jwt user_claim=sub").is_none());
        // A value from stdin is not in the paste.
        assert!(read("vault write auth/jwt/role/ci user_claim=sub bound_subject=-").is_none());
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
        let mapping = read("gcloud iam workload-identity-pools providers create-oidc x --issuer-uri=i --attribute-mapping='^;^google.subject=assertion.sub;attribute.a=assertion.aud'").unwrap();
        assert_eq!(
            mapping.value["attributeMapping"],
            json!({"google.subject": "assertion.sub", "attribute.a": "assertion.aud"})
        );
        assert!(
            read("gcloud iam workload-identity-pools providers update-oidc x --issuer-uri=i")
                .is_none()
        );
        // Without `--issuer-uri` (here cut off by a space after `\`) gcloud creates nothing.
        assert!(read(
            "gcloud iam workload-identity-pools providers create-oidc x \\ \n --issuer-uri=i"
        )
        .is_none());
    }

    #[test]
    fn a_command_that_cannot_be_read_leaves_the_next_one_to_try() {
        // The first lost its `--issuer-uri` (a `\\` followed by a space ended it); the retry has it all.
        let text = "gcloud iam workload-identity-pools providers create-oidc ci --location=global \\ \n  --issuer-uri=https://i\ngcloud iam workload-identity-pools providers create-oidc ci --location=global --issuer-uri=https://i\n";
        let c = read(text).unwrap();
        assert_eq!(c.value["oidc"]["issuerUri"], "https://i");
    }

    #[test]
    fn an_az_create_command_is_its_credential() {
        let c = read("az identity federated-credential create --name ci --identity-name id -g rg --issuer https://i --subject s --audiences a1 a2").unwrap();
        assert_eq!(
            c.value,
            json!({"name": "ci", "issuer": "https://i", "subject": "s", "audiences": ["a1", "a2"]})
        );
        // A prefix is the flag (`--audience` in Microsoft's AKS guide).
        let c = read("az identity federated-credential create --name ci --iss https://i --subj s --audience a1").unwrap();
        assert_eq!(
            c.value,
            json!({"name": "ci", "issuer": "https://i", "subject": "s", "audiences": ["a1"]})
        );
        assert!(read(
            "az identity federated-credential create --issuer https://i --audiences --subject s"
        )
        .is_none());
        // A short flag ends the list before it.
        let c = read("az identity federated-credential create -n ci --issuer https://i --subject s --audiences a1 -g rg").unwrap();
        assert_eq!(
            c.value,
            json!({"name": "ci", "issuer": "https://i", "subject": "s", "audiences": ["a1"]})
        );
        // Without `--audiences` az's default is not known here: not read.
        assert!(read(
            "az identity federated-credential create --name ci --issuer https://i --subject s"
        )
        .is_none());
    }
}
