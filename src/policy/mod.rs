//! Trust configurations: detect the kind, parse, evaluate to checks. One module per platform.
//!
//! The pasted text is parsed once ([`json::parse_value`]: line/column errors, URL decoding; when it is not JSON:
//! YAML such as gcloud's default output or a CloudFormation template, `vault read`'s table, the command that
//! created the configuration, a GCP condition or mapping alone, Terraform HCL ([`hcl`]), each read back into JSON
//! by [`read_back`]), then
//! each platform in [`PLATFORMS`] is asked in turn whether it recognizes the document; the first that does
//! evaluates it. Adding a platform is one line in that list: its module exposes `recognize`, `evaluate`,
//! `suggest` and `explain_error_text` with the signatures of [`Platform`].
//!
//! | code | severity | meaning |
//! |---|---|---|
//! | `policy-json-syntax` | error | the text is not JSON (line/column given) |
//! | `policy-json-comments` | warning | JSON with comments or trailing commas, which no cloud accepts: read without them ([`jsonc`]) |
//! | `policy-not-recognized` | error | JSON, but no platform recognizes it |
//! | `policy-known-after-apply` | error | a Terraform plan whose `assume_role_policy` is unknown until apply |
//! | `policy-hcl-not-supported` | error | Terraform HCL was pasted that holds no trust configuration (a `module` call, a role without its policy) |
//! | `policy-hcl-syntax` | error | the text looks like Terraform HCL but cannot be read (line/column given) |
//! | `hcl-conditions-merged` | warning | two `condition` blocks of an `aws_iam_policy_document` statement on one test and variable: the provider merges them into one list, which IAM ORs |
//! | `policy-hcl-read` | info, warning | a configuration was read from Terraform HCL ([`hcl`]); warning when variables took their `default`, or something is not known before apply |
//! | `policy-program-not-supported` | error | CDK, CDKTF or Pulumi program source (or any code) was pasted; what it deploys is read |
//! | `policy-bicep-not-supported` | error | Bicep source was pasted (`resource x 'Type@version'`); the deployed credential is read |
//! | `policy-table-not-supported` | error | `vault read`'s `Key  Value` table was pasted, but not of a JWT auth role or config |
//! | `policy-read-from-command` | info | a `gcloud … create-oidc`, `az … federated-credential create` or `vault write … key=value` command was read as what it creates |
//! | `policy-table-read` | info, warning | a role or config was read from `vault read`'s table; warning when a `bound_claims` value's lost type (`false`: a string or a boolean?) decides the login, which is then undecided |
//! | `policy-yaml-syntax` | error | the text looks like YAML but [`yaml`] cannot read it (line/column given) |
//! | `policy-is-a-token` | error | a JWT was pasted as the policy (the inputs swapped) |
//! | `policy-is-error-text` | error | the failing step's error message was pasted as the policy |
//! | `policy-is-role-arn` | error | a role's ARN was pasted instead of its trust policy |
//! | `policy-is-a-key-set` | error | the issuer's JWKS (or one JWK) was pasted as the policy |
//! | `policy-empty-list` | error | an empty list: the command that printed it found no role, provider or credential |

use serde::Serialize;
use serde_json::{Map, Value};

use crate::report::{
    Area, Check, Finding, Location, Outcome, PolicyInfo, Severity, Snippet, Verdict,
};
use read_back::{
    evaluate_created, evaluate_gcp_field, evaluate_hcl, evaluate_vault_table, evaluate_yaml,
};

pub mod aws;
pub mod azure;
pub mod command;
pub mod diff;
pub mod embedded;
pub mod gcp;
pub mod hcl;
pub mod json;
pub mod jsonc;
pub mod nested;
mod read_back;
pub mod vault;
pub mod wrapped;
pub mod yaml;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PolicyKind {
    Aws,
    Gcp,
    Vault,
    Azure,
}

/// The outcome of evaluating one pasted configuration against the token's claims.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Evaluation {
    pub info: PolicyInfo,
    /// `None` when there is no token to evaluate against, or when the verdict cannot be decided.
    pub verdict: Option<Verdict>,
    pub checks: Vec<Check>,
    pub findings: Vec<Finding>,
    /// The text could not be read as any configuration.
    pub unusable: bool,
}

impl Evaluation {
    /// The configuration could not be read: no verdict and no checks, only the findings that say why.
    pub fn unusable(info: PolicyInfo, findings: Vec<Finding>) -> Self {
        Evaluation {
            info,
            findings,
            unusable: true,
            ..Evaluation::default()
        }
    }
}

/// The claims of a decoded token, as every platform receives them.
pub type Claims<'a> = Option<&'a Map<String, Value>>;

/// One platform's entry points.
pub struct Platform {
    pub kind: PolicyKind,
    /// What the document is (e.g. "IAM trust policy document"), or `None` when it is not this platform's.
    pub recognize: fn(&Value) -> Option<String>,
    /// Evaluate a recognized document; `text` is the (URL-decoded) text it was parsed from.
    pub evaluate: fn(&Value, &str, Claims<'_>, i64) -> Evaluation,
    pub suggest: fn(&Map<String, Value>) -> Vec<Snippet>,
    pub explain_error_text: fn(&str, Claims<'_>) -> Vec<Finding>,
}

macro_rules! platform {
    ($module:ident, $kind:ident) => {
        Platform {
            kind: PolicyKind::$kind,
            recognize: $module::recognize,
            evaluate: $module::evaluate,
            suggest: $module::suggest,
            explain_error_text: $module::explain_error_text,
        }
    };
}

/// Every platform, asked in this order (AWS first).
pub static PLATFORMS: &[Platform] = &[
    platform!(aws, Aws),
    platform!(gcp, Gcp),
    platform!(vault, Vault),
    platform!(azure, Azure),
];

fn platform(kind: PolicyKind) -> Option<&'static Platform> {
    PLATFORMS.iter().find(|p| p.kind == kind)
}

/// What `doc` is, when it is any platform's trust configuration (e.g. "IAM trust policy document").
pub fn recognize(doc: &Value) -> Option<String> {
    PLATFORMS.iter().find_map(|p| (p.recognize)(doc))
}

/// The passing `exp` row's words, the same on every platform that states them this way.
pub(crate) fn valid_until(exp: i64, now: i64) -> String {
    format!(
        "the token is valid until {} ({} after the evaluation time).",
        crate::time::format_iso(exp),
        crate::time::format_duration(exp.saturating_sub(now))
    )
}

/// Detect the kind of `text`, parse it and evaluate it against `claims` (if any) at `now`.
pub fn evaluate(text: &str, claims: Option<&Map<String, Value>>, now: i64) -> Evaluation {
    evaluate_for(text, claims, None, now)
}

/// [`evaluate`] for a token whose header names its algorithm `alg` (Vault checks it against the auth config's
/// `jwt_supported_algs`; without it, the algorithm CircleCI signs with is assumed).
pub fn evaluate_for(
    text: &str,
    claims: Option<&Map<String, Value>>,
    alg: Option<&str>,
    now: i64,
) -> Evaluation {
    let evaluation = read_and_evaluate(text, claims, alg, now);
    // Text nothing could read as a configuration may be the failing step's error message (a line of STS's, a
    // Google STS JSON body): said so only then, so a template that quotes an error still reads as a template.
    let unread = evaluation.info.kind.is_none()
        && evaluation.findings.iter().any(|f| {
            matches!(
                f.code,
                "policy-not-recognized" | "policy-json-syntax" | "policy-yaml-syntax"
            )
        });
    if unread {
        if let Some(pasted) = error_text_pasted(text) {
            return pasted;
        }
    }
    evaluation
}

fn read_and_evaluate(
    text: &str,
    claims: Option<&Map<String, Value>>,
    alg: Option<&str>,
    now: i64,
) -> Evaluation {
    let (value, url_decoded) = match json::parse_value(text) {
        Ok(parsed) => parsed,
        Err(e) => {
            // A piece copied out of a larger document (a statement, its `"Condition": {...}`) often keeps the
            // comma that followed it. Only one is dropped: the text is read once more, not once per comma.
            if let Some(piece) = text.trim_end().strip_suffix(',') {
                if !piece.trim_end().ends_with(',') && !piece.trim().is_empty() {
                    return read_and_evaluate(piece, claims, alg, now);
                }
            }
            // Only when JSON stops at a comment or a trailing comma: other text (YAML, HCL, a command) is not
            // copied and scanned for them.
            if e.message == json::COMMENT || e.message == "trailing comma" {
                if let Some(evaluation) = evaluate_stripped(text, claims, alg, now) {
                    return evaluation;
                }
            }
            if let Some(created) = command::read(text) {
                return evaluate_created(created, claims, alg, now);
            }
            if let Some(evaluation) = not_a_document(text) {
                return evaluation;
            }
            if let Some(table) = vault::table::read(text) {
                return evaluate_vault_table(table, claims, alg, now);
            }
            if let Some(evaluation) = evaluate_gcp_field(text, claims, alg, now) {
                return evaluation;
            }
            if hcl::looks_like(text) {
                if let Some(evaluation) = evaluate_hcl(text, claims, alg, now) {
                    return evaluation;
                }
            }
            // YAML that reads as a document wins; then a document wrapped in a fence or a command line.
            // The YAML is read once, here, and handed on.
            let yaml = yaml::looks_like_yaml(text).then(|| yaml::parse(text));
            let yaml_document = yaml.as_ref().is_some_and(|r| {
                r.as_ref()
                    .is_ok_and(|p| p.value.is_object() || p.value.is_array())
            });
            if !yaml_document {
                if let Some(evaluation) = evaluate_wrapped(text, claims, alg, now) {
                    return evaluation;
                }
            }
            return match yaml {
                Some(parsed) => evaluate_yaml(text, parsed, e, claims, alg, now),
                None => unreadable(text, e),
            };
        }
    };
    if url_decoded {
        let decoded = json::url_decode_json(text).unwrap_or_default();
        let mut evaluation = dispatch(&value, &decoded, Some(", URL-encoded"), claims, alg, now);
        // Located in the decoded text; the user sees the encoded one.
        for f in &mut evaluation.findings {
            f.location = f.location.map(|at| json::encoded_location(text, at));
        }
        return evaluation;
    }
    dispatch(&value, text, None, claims, alg, now)
}

/// JSON with comments or trailing commas inside the document ([`jsonc`]): evaluated without them, with a
/// `policy-json-comments` warning that names them and says the cloud refuses such a text. `None` when there are
/// none inside the document, or the text is not JSON even without them. (A comment line above the document
/// labels the paste; [`evaluate_wrapped`] reads that as before.)
fn evaluate_stripped(
    text: &str,
    claims: Option<&Map<String, Value>>,
    alg: Option<&str>,
    now: i64,
) -> Option<Evaluation> {
    let stripped = jsonc::strip(text)?;
    let inside: Vec<_> = stripped
        .removed
        .iter()
        .filter(|(_, at)| stripped.document.contains(at))
        .collect();
    let &&(what, at) = inside.first()?;
    let (value, false) = json::parse_value(&stripped.text).ok()? else {
        return None;
    };
    let mut evaluation = dispatch(&value, &stripped.text, None, claims, alg, now);
    let what = match what {
        jsonc::Removed::Comment => "a comment",
        jsonc::Removed::TrailingComma => "a trailing comma",
    };
    let more = match inside.len() - 1 {
        0 => String::new(),
        n => format!(" (and {n} more)"),
    };
    let refuses = match evaluation.info.kind {
        Some(PolicyKind::Aws) => "IAM refuses such a document (`MalformedPolicyDocument`)",
        Some(PolicyKind::Vault) => "Vault refuses such a request body",
        Some(PolicyKind::Gcp) => "`gcloud` and Google Cloud's API refuse such a file",
        Some(PolicyKind::Azure) => "`az` and Microsoft Graph refuse such a file",
        None => "no cloud accepts such a text",
    };
    evaluation.findings.insert(
        0,
        Finding::new(
            "policy-json-comments",
            Severity::Warning,
            Area::Policy,
            format!(
                "the pasted JSON has {what} at line {}, column {}{more}: JSON allows neither comments nor trailing commas, and {refuses}; it was read as if they were not there",
                at.line, at.column
            ),
        )
        .with_fix("remove them from the text you apply; this report is of the text without them")
        .at(at),
    );
    Some(evaluation)
}

/// A document inside a Markdown fence or a command line ([`wrapped`]): evaluated when it is readable, with its
/// locations moved into the pasted text; `None` when there is no wrapper or what it holds is not readable.
fn evaluate_wrapped(
    text: &str,
    claims: Option<&Map<String, Value>>,
    alg: Option<&str>,
    now: i64,
) -> Option<Evaluation> {
    if text.trim_start().starts_with("vault write") && !text.contains("<<") {
        return None;
    }
    let readable = |body: &str| {
        json::parse_value(body).is_ok()
            || (yaml::looks_like_yaml(body) && yaml::parse(body).is_ok())
    };
    let (mut body, mut offset) = wrapped::inner(text).or_else(|| wrapped::output(text))?;
    // A fence around a terminal session: the command's output inside it.
    if !readable(body) {
        let (output, within) = wrapped::output(body)?;
        offset = wrapped::Offset {
            lines: offset.lines + within.lines,
            columns: 0,
        };
        body = output;
    }
    // Nested wrappers are not followed further: the body must be JSON or YAML itself.
    if !readable(body) || wrapped::inner(body).is_some() {
        return None;
    }
    let mut evaluation = evaluate_for(body, claims, alg, now);
    for f in &mut evaluation.findings {
        f.location = f.location.map(|at| offset.shift(at));
    }
    if let Some(d) = evaluation.info.detected.as_mut() {
        d.push_str(", inside the pasted text");
    }
    Some(evaluation)
}

/// Evaluate `value` (read from `source`, the JSON text the platforms locate in) with the first platform that
/// recognizes it; `how` is added to what was detected (e.g. ", read from YAML").
fn dispatch(
    value: &Value,
    source: &str,
    how: Option<&str>,
    claims: Option<&Map<String, Value>>,
    alg: Option<&str>,
    now: i64,
) -> Evaluation {
    let Some(p) = PLATFORMS.iter().find(|p| (p.recognize)(value).is_some()) else {
        return match template_body_of(value) {
            Some((body, parameters)) if how.is_none() => {
                template_body(body, &parameters, claims, alg, now)
            }
            _ if how.is_none() => key_set_pasted(value).unwrap_or_else(|| not_recognized(value)),
            _ => not_recognized(value),
        };
    };
    let mut evaluation = match p.kind {
        PolicyKind::Vault => vault::evaluate_with_alg(value, source, claims, now, alg),
        _ => (p.evaluate)(value, source, claims, now),
    };
    evaluation.info.kind = Some(p.kind);
    if let (Some(d), Some(how)) = (evaluation.info.detected.as_mut(), how) {
        d.push_str(how);
    }
    known_after_apply(value, p.kind, &mut evaluation);
    if p.kind != PolicyKind::Aws {
        template_values(&mut evaluation);
    }
    evaluation
}

/// A value written as a template's interpolation (`${var.org_id}` in a Terraform JSON configuration, a
/// `templatefile`, `envsubst`) is not what the platform holds once deployed: a check that fails only against
/// such a value is unknown, not a mismatch, and its fix is to paste the rendered configuration. AWS has its own
/// (`policy-template-variable`, which this finding shares).
fn template_values(evaluation: &mut Evaluation) {
    /// An ARM template expression: `[` and a function call (`[parameters('orgId')]`, `[format(...)]`,
    /// `[variables('c').issuer]`) up to the closing `]`; `[[` escapes a literal `[`.
    fn arm_expression(s: &str) -> bool {
        let Some(inner) = s.strip_prefix('[').and_then(|r| r.strip_suffix(']')) else {
            return false;
        };
        let inner = inner.trim_start();
        let name = inner
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '.' && c != '_')
            .map_or(inner, |end| &inner[..end]);
        !name.is_empty()
            && name.starts_with(|c: char| c.is_ascii_alphabetic())
            && inner[name.len()..].starts_with('(')
    }
    fn interpolated(v: &Value, arm: bool) -> bool {
        match v {
            // `${var.x}`, or an ARM template expression (`[parameters('orgId')]`, `[format(...)]`).
            Value::String(s) => (s.contains("${") && s.contains('}')) || (arm && arm_expression(s)),
            Value::Array(items) => items.iter().any(|i| interpolated(i, arm)),
            Value::Object(m) => m.values().any(|i| interpolated(i, arm)),
            _ => false,
        }
    }
    // ARM templates deploy Azure resources only: elsewhere `[...(...)...]` is the platform's own syntax (a CEL
    // condition starting with a list literal, `['main', 'release'].exists(r, ...)`).
    let arm = evaluation.info.kind == Some(PolicyKind::Azure);
    let mut keys = Vec::new();
    for c in &mut evaluation.checks {
        if c.result == Outcome::Fail && interpolated(&c.expected, arm) {
            c.result = Outcome::Unknown;
            c.explanation = format!(
                "the configuration's value here is a template expression (`${{...}}`, `[parameters(...)]`) that was not filled in, so what the deployed `{}` holds is unknown",
                c.key
            );
            c.fix = Some("paste the rendered configuration (`terraform show -json`, or what the platform prints) instead of the template".into());
            keys.push(format!("`{}`", c.key));
        }
    }
    if keys.is_empty() {
        return;
    }
    let hold = if keys.len() == 1 { "holds" } else { "hold" };
    // The diagnoses of a mismatch no longer hold; the template says why.
    evaluation.findings.retain(|f| {
        f.area != Area::Policy || !(f.message.contains("${") || f.message.contains("[parameters("))
    });
    evaluation.findings.insert(
        0,
        Finding::new(
            "policy-template-variable",
            Severity::Warning,
            Area::Policy,
            format!("{} {hold} template values (`${{...}}`, `[parameters(...)]`) that were not filled in: claimcheck cannot know what the deployed configuration holds there", keys.join(", ")),
        )
        .with_fix("paste the rendered configuration: `terraform show -json` (a plan or the state), or what the platform prints (`gcloud ... describe`, `vault read`, `az ... list`)"),
    );
    if evaluation.verdict == Some(Verdict::Deny)
        && !evaluation.checks.iter().any(|c| c.result == Outcome::Fail)
    {
        evaluation.verdict = None;
        evaluation.info.decided_by = Some(format!(
            "undecided: {} {hold} template values that were not filled in",
            keys.join(", ")
        ));
        // What the platform would answer to a refusal that is no longer known to happen.
        evaluation.findings.retain(|f| {
            !matches!(
                f.code,
                "gcp-condition-rejects" | "azure-no-credential-matches" | "vault-first-error"
            )
        });
    }
}

/// The Terraform resource types of each platform's configuration (a part of their name), and the fields that
/// decide whether a token is accepted.
fn trust_fields(kind: PolicyKind) -> (&'static str, &'static [&'static str]) {
    match kind {
        // AWS reads its own plans (`policy-known-after-apply` when nothing is known).
        PolicyKind::Aws => ("", &[]),
        PolicyKind::Gcp => (
            "google_iam_workload_identity_pool",
            &[
                "attribute_condition",
                "attribute_mapping",
                "issuer_uri",
                "allowed_audiences",
                "disabled",
            ],
        ),
        PolicyKind::Vault => (
            "vault_jwt_auth_backend",
            &[
                "bound_claims",
                "bound_subject",
                "bound_audiences",
                "user_claim",
                "role_type",
                "claim_mappings",
                "bound_claims_type",
                "bound_issuer",
            ],
        ),
        PolicyKind::Azure => (
            "federated_identity_credential",
            &["issuer", "subject", "audiences"],
        ),
    }
}

/// In a Terraform plan, a field that decides acceptance but is known only after apply (`after_unknown`) is
/// absent from the planned values, so the configuration read lacks it: the verdict stays open and a finding
/// names it.
fn known_after_apply(doc: &Value, kind: PolicyKind, evaluation: &mut Evaluation) {
    let (resource_type, fields) = trust_fields(kind);
    if fields.is_empty() {
        return;
    }
    let unknown: Vec<String> = nested::unknown_after_apply(doc, resource_type, fields)
        .into_iter()
        .map(|(address, field)| format!("`{}.{field}`", address.unwrap_or("?")))
        .collect();
    if unknown.is_empty() {
        return;
    }
    // A check on a field the plan knows that fails decides (the platform made the rows reading unknown fields unknown).
    if evaluation.verdict != Some(Verdict::Deny) {
        evaluation.verdict = None;
        evaluation.info.decided_by = Some(format!(
            "undecided: {} is known only after apply",
            unknown.join(", ")
        ));
    }
    evaluation.findings.insert(
        0,
        Finding::new(
            "policy-known-after-apply",
            Severity::Error,
            Area::Policy,
            format!(
                "this Terraform plan does not hold {}: it is known only after apply (it depends on something the plan creates), so what was read lacks it",
                unknown.join(", ")
            ),
        )
        .with_fix("apply, then paste `terraform show -json` (the state), or the deployed configuration itself"),
    );
}

/// A template written as a string: `aws cloudformation get-template` output (`TemplateBody`),
/// `describe-stack-set` output or an `AWS::CloudFormation::StackSet` resource (`TemplateBody` with the
/// `Parameters` values the stacks get). The body, and each `(ParameterKey, ParameterValue)`.
fn template_body_of(value: &Value) -> Option<(&str, Vec<(&str, &str)>)> {
    let holder = if value.get("TemplateBody").is_some_and(Value::is_string) {
        value.as_object()?
    } else {
        nested::find(value, |m| {
            m.get("TemplateBody").is_some_and(Value::is_string)
        })
        .into_iter()
        .next()?
        .1
    };
    let parameters = holder
        .get("Parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| {
            Some((
                p.get("ParameterKey")?.as_str()?,
                p.get("ParameterValue")?.as_str()?,
            ))
        })
        .collect();
    Some((holder.get("TemplateBody")?.as_str()?, parameters))
}

/// A template given as a string (see [`template_body_of`]), evaluated as if it had been pasted, with the given
/// parameter values as the parameters' defaults. Its locations are in the template, not in the pasted text, so
/// they are dropped.
fn template_body(
    body: &str,
    parameters: &[(&str, &str)],
    claims: Option<&Map<String, Value>>,
    alg: Option<&str>,
    now: i64,
) -> Evaluation {
    let (mut template, how) = if let Ok(p) = json::parse(body) {
        (p.value, ", from `TemplateBody`")
    } else {
        match yaml::parse(body) {
            Ok(parsed) if parsed.value.is_object() => {
                (parsed.value, ", read from the YAML in `TemplateBody`")
            }
            _ => return not_recognized(&Value::Null),
        }
    };
    let mut how = how.to_string();
    if !parameters.is_empty() {
        if let Some(declared) = template
            .get_mut("Parameters")
            .and_then(Value::as_object_mut)
        {
            for (key, value) in parameters {
                if let Some(Value::Object(p)) = declared.get_mut(*key) {
                    p.insert("Default".into(), Value::String((*value).to_string()));
                }
            }
            how.push_str(" with the parameter values it is deployed with");
        }
    }
    let text = serde_json::to_string_pretty(&template).unwrap_or_default();
    let mut evaluation = dispatch(&template, &text, Some(&how), claims, alg, now);
    for f in &mut evaluation.findings {
        f.location = None;
    }
    evaluation
}

fn not_recognized(value: &Value) -> Evaluation {
    let unknown = aws::parse::unknown_until_apply(value);
    if !unknown.is_empty() {
        let roles = unknown
            .iter()
            .map(|a| format!("`{a}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let finding = Finding::new(
            "policy-known-after-apply",
            Severity::Error,
            Area::Policy,
            format!("this Terraform plan holds no trust policy to read: `assume_role_policy` of {roles} is known only after apply (it depends on something the plan creates, such as the OIDC provider)"),
        )
        .with_fix("apply, then paste `terraform show -json` (the state) or `aws iam get-role --role-name <name>`; or paste the policy JSON the configuration renders");
        return Evaluation::unusable(PolicyInfo::default(), vec![finding]);
    }
    if value.as_array().is_some_and(Vec::is_empty) {
        let finding = Finding::new(
            "policy-empty-list",
            Severity::Error,
            Area::Policy,
            "the policy is an empty list: the command that printed it found nothing to trust the token (an app with no federated credential, a pool with no provider, no roles)",
        )
        .with_fix("if it is `az ad app federated-credential list`, the app has no federated credential, which Entra answers with `AADSTS70021`: create one for this token (the suggested configurations below); otherwise paste what the right command prints for the role, provider or credential");
        return Evaluation::unusable(PolicyInfo::default(), vec![finding]);
    }
    let expected = "an AWS IAM trust policy (or `aws iam get-role` output, a CloudFormation or Terraform JSON role), a Google workload identity provider, a Vault JWT role, or an Azure federated identity credential";
    let finding = Finding::new(
        "policy-not-recognized",
        Severity::Error,
        Area::Policy,
        format!("this is not a trust configuration claimcheck knows: expected {expected}"),
    )
    .with_fix("paste the trust configuration itself: `aws iam get-role --role-name <name>`, `gcloud iam workload-identity-pools providers describe <id> ... --format=json`, `vault read -format=json auth/jwt/role/<name>` or `az ad app federated-credential list --id <app-id>`");
    Evaluation::unusable(PolicyInfo::default(), vec![finding])
}

/// The issuer's key set (a JWKS, or one JWK) where the configuration belongs: it has its own input.
fn key_set_pasted(value: &Value) -> Option<Evaluation> {
    let is_jwk = |k: &Value| k.get("kty").is_some_and(Value::is_string);
    let keys = match value.get("keys") {
        Some(Value::Array(keys)) => !keys.is_empty() && keys.iter().all(is_jwk),
        _ => is_jwk(value),
    };
    keys.then(|| {
        let finding = Finding::new(
            "policy-is-a-key-set",
            Severity::Error,
            Area::Policy,
            "the policy input holds the issuer's signing keys (a JWKS), not a trust configuration",
        )
        .with_fix("paste them in the \"Keys\" box (`--jwks`) to check the token's signature, and the role's trust configuration as the policy");
        Evaluation::unusable(PolicyInfo::default(), vec![finding])
    })
}

/// An error message of the failing step (STS's, Google STS's JSON body, Vault's, Entra's) where the
/// configuration belongs: it has its own input.
fn error_text_pasted(text: &str) -> Option<Evaluation> {
    if explain_error_text(text, None).is_empty() {
        return None;
    }
    let finding = Finding::new(
        "policy-is-error-text",
        Severity::Error,
        Area::Policy,
        "the policy input holds the error message of the failing step, not a trust configuration",
    )
    .with_fix("paste it in the \"Error text from the job\" box (`--error-text`), and the role's trust configuration as the policy")
    .at(Location { line: 1, column: 1 });
    Some(Evaluation::unusable(PolicyInfo::default(), vec![finding]))
}

/// Formats that hold the configuration but not as a document (a `vault write` command, the aws cli's
/// `--output text`): what to run instead.
fn not_a_document(text: &str) -> Option<Evaluation> {
    let t = text.trim_start();
    // A token where the configuration belongs (the two inputs swapped): one word, so not a document holding one.
    if crate::token::looks_like_jwt(t)
        && !t
            .trim()
            .trim_start_matches("Bearer ")
            .contains(char::is_whitespace)
    {
        let finding = Finding::new(
            "policy-is-a-token",
            Severity::Error,
            Area::Policy,
            "the policy input holds a token (a JWT), not a trust configuration",
        )
        .with_fix("give it as the token (the Token box, or `--token`), and the role's trust configuration as the policy")
        .at(Location { line: 1, column: 1 });
        return Some(Evaluation::unusable(PolicyInfo::default(), vec![finding]));
    }
    // The role's ARN, as `aws iam list-roles` or the console shows it, instead of its trust policy.
    if let Some(name) = t
        .trim_end()
        .strip_prefix("arn:")
        .filter(|arn| !arn.contains(char::is_whitespace))
        .and_then(|arn| arn.split_once(":iam::"))
        .and_then(|(_, rest)| rest.split_once(":role/"))
        .map(|(_, path)| path.rsplit('/').next().unwrap_or(path))
        .filter(|name| !name.is_empty())
    {
        let finding = Finding::new(
            "policy-is-role-arn",
            Severity::Error,
            Area::Policy,
            format!(
                "this is the role's ARN, not its trust policy: `{}`",
                crate::report::excerpt(t.trim_end(), 120)
            ),
        )
        .with_fix(format!(
            "paste the output of `aws iam get-role --role-name {name}` (it holds the trust policy)"
        ))
        .at(Location { line: 1, column: 1 });
        return Some(Evaluation::unusable(PolicyInfo::default(), vec![finding]));
    }
    // Formats that hold the configuration but not as a document: what to run instead.
    // A `vault write ... - <<EOF` here-document holds the role itself: read by [`wrapped`].
    // A command may follow the shell's prompt.
    let t = t.strip_prefix("$ ").unwrap_or(t);
    let instead = if t.starts_with("vault write") && !t.contains("<<") {
        // [`command`] reads `vault write` of a role or a config with `key=value` arguments; what it leaves
        // is one of these.
        let words: Vec<&str> = t.split_whitespace().collect();
        let map = |key: &str| {
            words.iter().any(|w| {
                w.strip_prefix(key)
                    .and_then(|r| r.strip_prefix('='))
                    .is_some_and(|v| !v.starts_with('@'))
            })
        };
        let elsewhere = words
            .iter()
            .any(|w| *w == "-" || w.starts_with("-<") || w.contains("=@") || w.ends_with("=-"));
        let (message, fix) = if map("bound_claims") || map("claim_mappings") {
            (
                "this `vault write` gives `bound_claims` or `claim_mappings`, which are maps, as `key=value`: Vault refuses that (it expects a map and gets a string), so it writes no role",
                "write the role as JSON on stdin, which claimcheck reads: `vault write auth/<mount>/role/<name> - <<EOF`, then the role (`{\"role_type\": \"jwt\", \"bound_claims\": {\"oidc.circleci.com/vcs-ref\": \"refs/heads/main\"}, …}`), then `EOF`",
            )
        } else if elsewhere {
            (
                "this `vault write` takes values from a file or from stdin (`key=@file`, `-`), which are not in the paste",
                "paste the JSON the file or stdin held, or the role as Vault stores it: `vault read -format=json auth/jwt/role/<name>`",
            )
        } else {
            (
                "this `vault write` writes no JWT auth role or config (`auth/<mount>/role/<name>`, `auth/<mount>/config`)",
                "paste the role the job logs in with: `vault read -format=json auth/jwt/role/<name>`",
            )
        };
        Some((PolicyKind::Vault, message, fix))
    } else if t.contains("Terraform will perform the following actions")
        || t.contains(
            "Terraform used the selected providers to generate the following execution plan",
        )
        || t.lines().any(is_plan_resource_line)
    {
        Some((
            PolicyKind::Aws,
            "this is `terraform plan`'s text output, a diff for people to read, not a document claimcheck can evaluate",
            "run `terraform plan -out plan.tfplan`, then paste `terraform show -json plan.tfplan` (or `terraform show -json` for the state)",
        ))
    } else if t.starts_with("az ") && t.contains("federated-credential") && t.contains("--issuer") {
        Some((
            PolicyKind::Azure,
            "this is the `az` command that creates a federated credential, with its flags, not the credential as Entra stores it",
            "run it, then paste `az identity federated-credential list --identity-name <identity> --resource-group <group>` (or `az ad app federated-credential list --id <app-id>`)",
        ))
    } else if t.starts_with("gcloud ")
        && t.contains("workload-identity-pools providers")
        && t.contains("--issuer-uri")
    {
        Some((
            PolicyKind::Gcp,
            "this is the `gcloud` command that creates or updates a provider, with its flags, not the provider as Google stores it",
            "run it, then paste `gcloud iam workload-identity-pools providers describe <id> --workload-identity-pool <pool> --location global --format=json`",
        ))
    } else if t.starts_with("ROLE\t") || t.contains("\nASSUMEROLEPOLICYDOCUMENT\t") {
        Some((
            PolicyKind::Aws,
            "this is the aws cli's `--output text`, which flattens the policy into columns and loses its structure",
            "paste `aws iam get-role --role-name <name> --output json` instead",
        ))
    } else {
        None
    };
    instead.map(|(kind, message, fix)| {
        let finding = Finding::new(
            "policy-format-not-supported",
            Severity::Error,
            Area::Policy,
            message,
        )
        .with_fix(fix)
        .at(Location { line: 1, column: 1 });
        let info = PolicyInfo {
            kind: Some(kind),
            ..PolicyInfo::default()
        };
        Evaluation::unusable(info, vec![finding])
    })
}

/// `  # aws_iam_role.ci will be created` (a resource address, then what the plan does to it).
fn is_plan_resource_line(line: &str) -> bool {
    let Some(rest) = line.trim_start().strip_prefix("# ") else {
        return false;
    };
    let address = rest.split(' ').next().unwrap_or("");
    address.contains('.')
        && !address.contains('/')
        && [
            " will be created",
            " will be updated in-place",
            " must be replaced",
            " will be destroyed",
        ]
        .iter()
        .any(|w| rest.ends_with(w))
}

/// The text is not JSON: say where, and guess which platform it was meant for.
fn unreadable(text: &str, e: json::JsonError) -> Evaluation {
    let t = text.trim_start();
    let kind = if text.contains("Statement") || text.contains("AssumeRolePolicyDocument") {
        Some(PolicyKind::Aws)
    } else {
        None
    };
    // A block such as `resource "google_iam_workload_identity_pool_provider" "circleci" {` on any line (a comment
    // or the shell's prompt may come first).
    let hcl = hcl::looks_like(t);
    // Bicep names a resource type in single quotes with its API version: `resource fic 'Microsoft…@2023-01-31'`.
    let bicep = t
        .lines()
        .any(|l| l.starts_with("resource ") && l.contains('\'') && l.contains('@'));

    // `vault read`'s `Key  Value` table of something other than a JWT role or config ([`vault::table`] read
    // those already).
    let table = vault::table::is_table(t);
    let program = (!bicep && !table).then(|| program_source(t)).flatten();
    let hcl_resource = hcl.then(|| hcl_platform(t)).flatten();
    let kind = match (table, bicep, &program) {
        (true, _, _) => Some(PolicyKind::Vault),
        (_, true, _) => Some(PolicyKind::Azure),
        (_, _, Some((_, program, _))) => program.or(kind),
        _ => hcl_resource.map(|(kind, _)| kind).or(kind),
    };
    let finding = if table {
        Finding::new(
            "policy-table-not-supported",
            Severity::Error,
            Area::Policy,
            "this is `vault read`'s table output, but of no JWT auth role or config (no `bound_audiences`, `user_claim`, `bound_issuer`, …)",
        )
        .with_fix("paste `vault read auth/jwt/role/<name>` (the role the job logs in with; `-format=json` keeps the values' types) and `vault read auth/jwt/config`")
    } else if bicep {
        Finding::new(
            "policy-bicep-not-supported",
            Severity::Error,
            Area::Policy,
            "this looks like Bicep source, which claimcheck does not read",
        )
        .with_fix("paste the deployed credentials instead: `az identity federated-credential list --identity-name <identity> --resource-group <group>` (or `az ad app federated-credential list --id <app-id>`)")
    } else if let Some((tool, _, fix)) = program {
        Finding::new(
            "policy-program-not-supported",
            Severity::Error,
            Area::Policy,
            format!("this looks like {tool} source code, which claimcheck does not run"),
        )
        .with_fix(fix)
    } else if hcl {
        Finding::new(
            "policy-hcl-not-supported",
            Severity::Error,
            Area::Policy,
            if t.contains("module \"") {
                "this Terraform HCL holds no trust configuration claimcheck can evaluate (a role's `assume_role_policy`, an `aws_iam_policy_document`, a workload identity provider, a Vault JWT role or a federated identity credential, with its arguments); a `module` block's resources are in its source, which was not pasted"
            } else {
                "this Terraform HCL holds no trust configuration claimcheck can evaluate (a role's `assume_role_policy`, an `aws_iam_policy_document`, a workload identity provider, a Vault JWT role or a federated identity credential, with its arguments)"
            },
        )
        .with_fix(hcl_resource.map_or(
            "paste the rendered JSON instead: `terraform show -json`, or what the cloud's CLI prints for the deployed configuration (`aws iam get-role --role-name <name>` for a role)",
            |(_, fix)| fix,
        ))
    } else {
        Finding::new(
            "policy-json-syntax",
            Severity::Error,
            Area::Policy,
            format!(
                "the policy is not valid JSON: {} at line {}, column {}",
                e.message, e.location.line, e.location.column
            ),
        )
        .with_fix(json_fix(text, e.location))
    }
    .at(e.location);
    let info = PolicyInfo {
        kind,
        ..PolicyInfo::default()
    };
    Evaluation::unusable(info, vec![finding])
}

/// The platform a Terraform HCL text configures, by the first resource type it names that claimcheck knows,
/// and what to paste instead: the cloud CLI's JSON for the deployed configuration, or Terraform's rendered JSON.
pub(super) fn hcl_platform(t: &str) -> Option<(PolicyKind, &'static str)> {
    const TYPES: [(&str, PolicyKind, &str); 7] = [
        ("\"google_iam_workload_identity_pool_provider\"", PolicyKind::Gcp, "paste the provider as Google describes it instead: `gcloud iam workload-identity-pools providers describe <provider> --workload-identity-pool=<pool> --location=global --format=json`, or Terraform's rendered JSON (`terraform show -json`)"),
        ("\"vault_jwt_auth_backend_role\"", PolicyKind::Vault, "paste the role as Vault reads it instead: `vault read -format=json auth/<mount>/role/<name>`, or Terraform's rendered JSON (`terraform show -json`)"),
        ("\"azuread_application_federated_identity_credential\"", PolicyKind::Azure, "paste the credential as Entra stores it instead: `az ad app federated-credential list --id <app-id>`, or Terraform's rendered JSON (`terraform show -json`)"),
        ("\"azurerm_federated_identity_credential\"", PolicyKind::Azure, "paste the credential as Azure stores it instead: `az identity federated-credential list --identity-name <identity> --resource-group <group>`, or Terraform's rendered JSON (`terraform show -json`)"),
        ("\"aws_iam_role\"", PolicyKind::Aws, AWS_HCL_FIX),
        ("\"aws_iam_policy_document\"", PolicyKind::Aws, AWS_HCL_FIX),
        ("\"aws_iam_openid_connect_provider\"", PolicyKind::Aws, AWS_HCL_FIX),
    ];
    const AWS_HCL_FIX: &str = "paste the role's trust policy as IAM stores it instead: `aws iam get-role --role-name <name>`, or Terraform's rendered JSON (`terraform show -json`)";
    TYPES
        .iter()
        .filter_map(|&(name, kind, fix)| t.find(name).map(|at| (at, kind, fix)))
        .min_by_key(|&(at, _, _)| at)
        .map(|(_, kind, fix)| (kind, fix))
}

/// How to fix a JSON syntax error at `at`: the usual cause, or what the text shows went wrong when it holds
/// typographic quotes (a word processor or chat tool) or non-breaking spaces (a web page).
fn json_fix(text: &str, at: Location) -> String {
    let place = format!("line {}, column {}", at.line, at.column);
    let t = text.trim_start();
    if t.starts_with("{'") || t.starts_with("[{'") || text.contains("datetime.datetime(") {
        format!("this is a Python dict (single quotes, `True`/`None`, `datetime.datetime(...)`), as `print()` shows a boto3 response: print it as JSON instead (`print(json.dumps(response, default=str))`), or paste `aws iam get-role --role-name <name>` output; the first thing JSON cannot read is at {place}")
    } else if ["%{", "${"].contains(&at_location(text, at, 2).as_str()) {
        format!("this is a template with Terraform's `${{...}}` or `%{{...}}` still in it (a `templatefile()` source): paste the rendered document instead (`terraform show -json`, or what the cloud's CLI prints for the deployed configuration); the first thing JSON cannot read is at {place}")
    } else if text.contains(['\u{201c}', '\u{201d}', '\u{2018}', '\u{2019}']) {
        format!("replace the typographic quotes (“ ” ‘ ’) with straight ones (\"): the text went through an editor or chat tool that changed them; then check {place}")
    } else if text.contains('\u{a0}') {
        format!("replace the non-breaking spaces (from a web page) with ordinary spaces; then check {place}")
    } else {
        format!("fix the JSON at {place} (a missing comma, quote or bracket is the usual cause)")
    }
}

/// Up to `n` characters of `text` from `at` (line and character column, 1-based).
fn at_location(text: &str, at: Location, n: usize) -> String {
    text.lines()
        .nth(at.line.saturating_sub(1))
        .unwrap_or("")
        .chars()
        .skip(at.column.saturating_sub(1))
        .take(n)
        .collect()
}

/// The first of `table`'s values whose needle `lower` (lowercase text) contains.
fn first_in<T: Copy>(lower: &str, table: &[(&str, T)]) -> Option<T> {
    table
        .iter()
        .find(|(n, _)| lower.contains(n))
        .map(|&(_, v)| v)
}

/// Source code (TypeScript, JavaScript, Python, Go, C#, Java) of a CDK, CDKTF or Pulumi program, or of any
/// program: a line opens the way only code does (`import x`, `from x import y`, `package main`, `const x =`,
/// ...), and the text calls something. The tool's name (for the message), the platform it configures, and what
/// to paste instead.
fn program_source(t: &str) -> Option<(&'static str, Option<PolicyKind>, &'static str)> {
    const OPENINGS: [&str; 12] = [
        "import ",
        "from ",
        "package ",
        "using ",
        "const ",
        "let ",
        "var ",
        "export ",
        "def ",
        "class ",
        "func ",
        "public class ",
    ];
    // Not a `key: value` line (broken YAML such as `from: x`), and the opening word is followed by a name or
    // a bracket, as code has it.
    let code = t.contains('(')
        && t.lines().take(200).any(|l| {
            let l = l.trim_start();
            l.contains("require(")
                || !l.contains(": ")
                    && OPENINGS.iter().any(|o| {
                        l.strip_prefix(o)
                            .and_then(|rest| rest.chars().next())
                            .is_some_and(|c| c.is_ascii_alphanumeric() || "_{*(\"'@$".contains(c))
                    })
        });
    if !code {
        return None;
    }
    use PolicyKind::{Aws, Azure, Gcp, Vault};
    let lower = t.to_ascii_lowercase();
    let kind = first_in(
        &lower,
        &[
            ("workloadidentitypool", Gcp),
            ("workload_identity_pool", Gcp),
            ("authbackendrole", Vault),
            ("auth_backend_role", Vault),
            ("boundclaims", Vault),
            ("bound_claims", Vault),
            ("federatedidentitycredential", Azure),
            ("federated_identity_credential", Azure),
            ("iam.role", Aws),
            ("iam.newrole", Aws),
            ("assumerolepolicy", Aws),
            ("assume_role_policy", Aws),
            ("assumedby", Aws),
            ("assumed_by", Aws),
        ],
    );
    const CDKTF: (&str, &str) = (
        "a CDK for Terraform program's",
        "run `cdktf synth`, then paste `cdktf.out/stacks/<stack>/cdk.tf.json`",
    );
    const CDK: (&str, &str) = ("an AWS CDK app's", "run `cdk synth`, then paste `cdk.out/<Stack>.template.json`, or `aws iam get-role --role-name <name>`");
    const PULUMI: (&str, &str) = ("a Pulumi program's", "paste `pulumi stack export`, or the deployed resource (e.g. `aws iam get-role --role-name <name>`)");
    let (tool, fix) = first_in(
        &lower,
        &[
            ("cdktf", CDKTF),
            ("aws-cdk", CDK),
            ("aws_cdk", CDK),
            ("awscdk", CDK),
            ("amazon.cdk", CDK),
            ("pulumi", PULUMI),
        ],
    )
    .unwrap_or((
        "a program's",
        "paste what it deploys: `aws iam get-role --role-name <name>`, `gcloud ... describe --format json`, `vault read -format=json auth/jwt/role/<name>` or `az ... federated-credential list`",
    ));
    Some((tool, kind, fix))
}

/// Configurations generated from the token for `kind` (AWS when `None`).
pub fn suggest(kind: Option<PolicyKind>, claims: &Map<String, Value>) -> Vec<Snippet> {
    let p = platform(kind.unwrap_or(PolicyKind::Aws)).or_else(|| PLATFORMS.first());
    p.map(|p| (p.suggest)(claims)).unwrap_or_default()
}

/// Recognise an error message a job printed and explain it (every platform is asked), each finding with the
/// platform that recognised it.
pub fn explain_error_text(
    text: &str,
    claims: Option<&Map<String, Value>>,
) -> Vec<(PolicyKind, Finding)> {
    PLATFORMS
        .iter()
        .flat_map(|p| {
            (p.explain_error_text)(text, claims)
                .into_iter()
                .map(|f| (p.kind, f))
        })
        .collect()
}

/// Helpers the platforms' tests share.
#[cfg(test)]
pub(crate) mod test_support {
    use crate::report::Location;

    /// The first finding with `code` (panics, listing the findings, when there is none).
    pub fn finding<'e>(e: &'e super::Evaluation, code: &str) -> &'e crate::report::Finding {
        e.findings
            .iter()
            .find(|f| f.code == code)
            .unwrap_or_else(|| panic!("no `{code}` in {:#?}", e.findings))
    }

    /// The location of the first finding with `code` (panics when there is none).
    pub fn location_of(e: &super::Evaluation, code: &str) -> Option<Location> {
        finding(e, code).location
    }

    pub fn at(line: usize, column: usize) -> Option<Location> {
        Some(Location { line, column })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Location;

    #[test]
    fn a_condition_pasted_alone_is_located_where_it_starts() {
        let claims = serde_json::json!({"sub": "s"});
        let e = evaluate("\n\n   assertion.sub == 'other'\n", claims.as_object(), 0);
        assert_eq!(
            test_support::location_of(&e, "gcp-condition-rejects"),
            test_support::at(3, 4)
        );
    }

    #[test]
    fn syntax_error_is_unusable_with_location() {
        let e = evaluate(
            "{\"Statement\": [\n  {\"Effect\": \"Allow\" \"Action\": \"x\"}\n]}",
            None,
            0,
        );
        assert!(e.unusable);
        assert_eq!(e.info.kind, Some(PolicyKind::Aws));
        assert_eq!(e.findings[0].code, "policy-json-syntax");
        assert_eq!(e.findings[0].location.map(|l| l.line), Some(2));
    }

    /// Terraform JSON whose trust fields are `${var.x}`: unknown, never a mismatch with a fix that writes the
    /// variable's text; a field that fails on its own still denies.
    #[test]
    fn template_values_leave_the_verdict_open_on_every_platform() {
        let org = "8f2c1a4e-3b6d-4f0a-9c1e-5d7b2a9e4c10";
        let sub = format!("org/{org}/project/p/user/u");
        let claims: Map<String, Value> = serde_json::from_value(serde_json::json!({
            "iss": format!("https://oidc.circleci.com/org/{org}"), "aud": org, "sub": sub,
            "iat": 1000, "exp": 4600, "oidc.circleci.com/project-id": "p"}))
        .unwrap();
        let azure = |subject: &str| {
            serde_json::json!({"resource": {"azurerm_federated_identity_credential": {"c": {
                "name": "c", "parent_id": "${azurerm_user_assigned_identity.ci.id}",
                "audience": ["${var.org_id}"], "issuer": "https://oidc.circleci.com/org/${var.org_id}",
                "subject": subject}}}})
            .to_string()
        };
        let e = evaluate(&azure(&sub), Some(&claims), 2000);
        assert_eq!(e.verdict, None, "{:#?}", e.checks);
        let codes: Vec<_> = e
            .findings
            .iter()
            .filter(|f| f.severity != Severity::Info)
            .map(|f| f.code)
            .collect();
        assert_eq!(codes, ["policy-template-variable"]);
        assert!(e
            .info
            .decided_by
            .as_deref()
            .unwrap()
            .starts_with("undecided: `issuer`, `audiences`"));
        // An ARM template's expressions are template values too.
        let arm = serde_json::json!({"type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
            "name": "id/c", "properties": {"issuer": "[format('https://oidc.circleci.com/org/{0}', parameters('orgId'))]",
            "subject": sub, "audiences": ["[parameters('orgId')]"]}});
        let e = evaluate(&arm.to_string(), Some(&claims), 2000);
        assert_eq!(e.verdict, None, "{:#?}", e.checks);
        // A literal subject that does not match still denies.
        let e = evaluate(&azure("org/other/project/p/user/u"), Some(&claims), 2000);
        assert_eq!(e.verdict, Some(Verdict::Deny));
        let vault = serde_json::json!({"resource": {"vault_jwt_auth_backend_role": {"deploy": {
            "backend": "circleci", "role_name": "deploy", "role_type": "jwt", "user_claim": "sub",
            "bound_audiences": ["${var.org_id}"], "bound_claims": {"oidc.circleci.com/project-id": "${var.project_id}"}}}}});
        let e = evaluate(&vault.to_string(), Some(&claims), 2000);
        assert_eq!(e.verdict, None, "{:#?}", e.checks);
        assert_eq!(e.findings[0].code, "policy-template-variable");
    }

    #[test]
    fn a_cel_list_literal_is_not_an_arm_template_expression() {
        let org = "8f2c1a4e-3b6d-4f0a-9c1e-5d7b2a9e4c10";
        let claims: Map<String, Value> = serde_json::from_value(serde_json::json!({
            "iss": format!("https://oidc.circleci.com/org/{org}"), "aud": org,
            "sub": format!("org/{org}/project/p/user/u"), "iat": 1000, "exp": 4600,
            "oidc.circleci.com/project-id": "p", "oidc.circleci.com/vcs-ref": "refs/heads/feature"}))
        .unwrap();
        // gcloud's describe output: a condition that starts and ends with a list literal and calls a macro.
        let provider = |condition: &str| {
            serde_json::json!({"name": "projects/1/locations/global/workloadIdentityPools/p/providers/c",
                "state": "ACTIVE", "oidc": {"issuerUri": format!("https://oidc.circleci.com/org/{org}"),
                "allowedAudiences": [org]}, "attributeMapping": {"google.subject": "assertion.sub"},
                "attributeCondition": condition})
            .to_string()
        };
        let e = evaluate(
            &provider("['refs/heads/main', 'refs/heads/release'].exists(r, assertion['oidc.circleci.com/vcs-ref'] == r) && assertion['oidc.circleci.com/project-id'] in ['p']"),
            Some(&claims),
            2000,
        );
        assert_eq!(e.verdict, Some(Verdict::Deny), "{:#?}", e.checks);
        assert_eq!(e.info.decided_by.as_deref(), Some("`attributeCondition`"));
        let codes: Vec<_> = e.findings.iter().map(|f| f.code).collect();
        assert_eq!(codes, ["gcp-condition-rejects"]);
        // Even one that starts like an ARM function call.
        let e = evaluate(
            &provider("[string(assertion.aud)] == ['x']"),
            Some(&claims),
            2000,
        );
        assert_eq!(e.verdict, Some(Verdict::Deny), "{:#?}", e.checks);
        assert!(!e
            .findings
            .iter()
            .any(|f| f.code == "policy-template-variable"));
    }

    #[test]
    fn the_commands_that_create_a_credential_or_a_provider_are_read_as_what_they_create() {
        let claims: Map<String, Value> = serde_json::from_value(serde_json::json!({
            "iss": "https://oidc.circleci.com/org/o", "sub": "org/o/project/p/user/u", "aud": "o",
            "iat": 1000, "exp": 4600
        }))
        .unwrap();
        let az = "$ az identity federated-credential create --name cc --identity-name id --resource-group rg \\\n  --issuer https://oidc.circleci.com/org/o --subject org/o/project/p/user/u --audiences o";
        let e = evaluate(az, Some(&claims), 2000);
        assert_eq!(e.info.kind, Some(PolicyKind::Azure));
        assert_eq!(e.verdict, Some(Verdict::Allow), "{e:#?}");
        assert!(e
            .info
            .detected
            .as_deref()
            .unwrap()
            .ends_with(", read from `az … federated-credential create`'s flags"));
        let note = e
            .findings
            .iter()
            .find(|f| f.code == "policy-read-from-command")
            .unwrap();
        assert!(note
            .fix
            .as_deref()
            .unwrap()
            .contains("az identity federated-credential list"));
        // A wrong subject is located at the flag's value.
        let wrong = az.replace("user/u", "user/v");
        let e = evaluate(&wrong, Some(&claims), 2000);
        assert_eq!(e.verdict, Some(Verdict::Deny));
        let at = e
            .findings
            .iter()
            .find(|f| f.code == "azure-no-credential-matches")
            .and_then(|f| f.location)
            .unwrap();
        let line = wrong.lines().nth(at.line - 1).unwrap();
        assert!(
            line[at.column - 1..].starts_with("org/o/project/p/user/v"),
            "{at:?}"
        );

        // No `--allowed-audiences`: the provider accepts only its own resource name, not the org ID.
        let gcloud = "gcloud iam workload-identity-pools providers create-oidc cc --location global \\\n  --workload-identity-pool p --issuer-uri https://oidc.circleci.com/org/o --attribute-mapping google.subject=assertion.sub";
        let e = evaluate(gcloud, Some(&claims), 2000);
        assert_eq!(e.info.kind, Some(PolicyKind::Gcp));
        assert_eq!(e.verdict, Some(Verdict::Deny));
        let failing: Vec<_> = e
            .checks
            .iter()
            .filter(|c| c.result == Outcome::Fail)
            .map(|c| c.key.as_ref())
            .collect();
        assert_eq!(failing, ["allowedAudiences"]);
        let e = evaluate(
            &format!("{gcloud} --allowed-audiences=o"),
            Some(&claims),
            2000,
        );
        assert_eq!(e.verdict, Some(Verdict::Allow), "{e:#?}");

        // An update changes only what it names, and az without `--audiences` leaves them to az's default: what
        // to paste instead.
        let update = gcloud.replace("create-oidc", "update-oidc");
        let e = evaluate(&update, Some(&claims), 2000);
        assert_eq!(e.findings[0].code, "policy-format-not-supported");
        assert!(e.findings[0]
            .fix
            .as_deref()
            .unwrap()
            .contains("providers describe"));
        let e = evaluate(&az.replace(" --audiences o", ""), Some(&claims), 2000);
        assert_eq!(e.findings[0].code, "policy-format-not-supported");
    }

    #[test]
    fn typographic_quotes_and_non_breaking_spaces_are_named() {
        let e = evaluate("{\n  “Version”: \"2012-10-17\"}", None, 0);
        assert_eq!(e.findings[0].code, "policy-json-syntax");
        assert_eq!(
            e.findings[0].fix.as_deref(),
            Some("replace the typographic quotes (“ ” ‘ ’) with straight ones (\"): the text went through an editor or chat tool that changed them; then check line 2, column 3")
        );
        let e = evaluate("{\n\u{a0}\"Version\": \"2012-10-17\"}", None, 0);
        assert!(e.findings[0]
            .fix
            .as_deref()
            .unwrap()
            .starts_with("replace the non-breaking spaces"));
    }

    #[test]
    fn unrecognized_json_says_what_was_expected() {
        let e = evaluate("{\"hello\": 1}", None, 0);
        assert!(e.unusable);
        assert_eq!(e.info.kind, None);
        assert_eq!(e.findings[0].code, "policy-not-recognized");
        assert!(e.findings[0].message.contains("AWS IAM trust policy"));
    }

    #[test]
    fn findings_inside_a_policy_written_as_a_json_string_point_into_the_pasted_text() {
        use test_support::{at, finding, location_of};
        // Terraform JSON (`jsonencode` output is minified), a duplicate key and a literal `*` in `StringEquals`.
        let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::1:oidc-provider/oidc.circleci.com/org/o"},"Action":"sts:AssumeRoleWithWebIdentity","Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.circleci.com/org/o:sub":"org/o/project/*"}}}]}"#;
        let text = format!(
            "{{\n  \"resource\": {{\"aws_iam_role\": {{\"ci\": {{\n    \"assume_role_policy\": {}\n  }}}}}}\n}}",
            serde_json::Value::String(policy.into())
        );
        let claims: Map<String, Value> = serde_json::from_value(serde_json::json!({
            "iss": "https://oidc.circleci.com/org/o", "aud": "o", "sub": "org/o/project/p/user/u",
            "iat": 1_000, "exp": 4_600,
        }))
        .unwrap();
        let e = evaluate(&text, Some(&claims), 2_000);
        assert_eq!(e.info.kind, Some(PolicyKind::Aws));
        let line = text.lines().nth(2).unwrap();
        let column = |needle: &str| line.find(needle).map(|i| i + 1).unwrap();
        assert_eq!(
            location_of(&e, "wildcard-in-string-equals"),
            at(3, column(r#"\"oidc.circleci.com/org/o:sub"#))
        );
        let second = line.rfind(r#"\"Action"#).unwrap() + 1;
        assert_eq!(location_of(&e, "policy-duplicate-key"), at(3, second));
        let duplicate = finding(&e, "policy-duplicate-key");
        assert!(
            duplicate.message.contains(&format!(
                "first at line 3, column {}",
                column(r#"\"Action"#)
            )),
            "{}",
            duplicate.message
        );
        // Percent-encoded, the columns of the decoded text are not the pasted ones: no location, and the
        // message names the embedded document's own position.
        let encoded: String = policy
            .bytes()
            .map(|b| match b {
                b'{' | b'}' | b'"' | b':' | b',' | b'[' | b']' | b'/' | b'*' => format!("%{b:02X}"),
                _ => (b as char).to_string(),
            })
            .collect();
        let text =
            format!(r#"{{"Role": {{"RoleName": "ci", "AssumeRolePolicyDocument": "{encoded}"}}}}"#);
        let e = evaluate(&text, Some(&claims), 2_000);
        assert_eq!(location_of(&e, "wildcard-in-string-equals"), None);
        let duplicate = finding(&e, "policy-duplicate-key");
        assert_eq!(duplicate.location, None);
        assert!(
            duplicate.message.contains("of the embedded document"),
            "{}",
            duplicate.message
        );
    }

    #[test]
    fn a_terraform_plan_with_the_policy_unknown_until_apply_says_so() {
        // `terraform show -json plan` when the role's policy names an OIDC provider the same plan creates.
        let plan = r#"{"format_version":"1.2","terraform_version":"1.9.5",
          "planned_values":{"root_module":{"resources":[{"address":"aws_iam_role.circleci","type":"aws_iam_role",
            "values":{"name":"circleci-deploy","max_session_duration":3600}}]}},
          "resource_changes":[
            {"address":"aws_iam_openid_connect_provider.circleci","type":"aws_iam_openid_connect_provider",
             "change":{"actions":["create"],"after":{"url":"https://oidc.circleci.com/org/o1"},"after_unknown":{"arn":true}}},
            {"address":"aws_iam_role.circleci","type":"aws_iam_role",
             "change":{"actions":["create"],"after":{"name":"circleci-deploy"},"after_unknown":{"arn":true,"assume_role_policy":true}}}],
          "configuration":{"root_module":{"resources":[{"address":"aws_iam_role.circleci","type":"aws_iam_role",
            "expressions":{"assume_role_policy":{"references":["data.aws_iam_policy_document.trust.json","data.aws_iam_policy_document.trust"]}}}]}}}"#;
        let e = evaluate(plan, None, 0);
        assert!(e.unusable);
        assert_eq!(e.findings.len(), 1);
        assert_eq!(e.findings[0].code, "policy-known-after-apply");
        assert_eq!(
            e.findings[0].message,
            "this Terraform plan holds no trust policy to read: `assume_role_policy` of `aws_iam_role.circleci` is known only after apply (it depends on something the plan creates, such as the OIDC provider)"
        );
        // Once known (after apply, or a literal policy), the plan is read as before.
        let known = plan.replace(
            r#""after_unknown":{"arn":true,"assume_role_policy":true}"#,
            r#""after_unknown":{"arn":true}"#,
        );
        assert_eq!(
            evaluate(&known, None, 0).findings[0].code,
            "policy-not-recognized"
        );
    }

    #[test]
    fn yaml_is_read_and_located_in_the_yaml() {
        let org = "8f2c1a4e-3b6d-4f0a-9c1e-5d7b2a9e4c10";
        let sub = format!("org/{org}/project/1d3e5f70-2a4b-4c6d-8e9f-0a1b2c3d4e5f/user/a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d");
        let claims: Map<String, Value> = serde_json::from_value(serde_json::json!({
            "iss": format!("https://oidc.circleci.com/org/{org}"),
            "aud": org,
            "sub": format!("{sub}/vcs-origin/github.com/a/b/vcs-ref/refs/heads/main"),
            "iat": 1_000, "exp": 4_600,
        }))
        .unwrap();
        let text = format!(
            "# the role's trust policy\nVersion: '2012-10-17'\nStatement:\n- Effect: Allow\n  Principal:\n    Federated: arn:aws:iam::123456789012:oidc-provider/oidc.circleci.com/org/{org}\n  Action: sts:AssumeRoleWithWebIdentity\n  Condition:\n    StringEquals:\n      oidc.circleci.com/org/{org}:sub: {sub}\n"
        );
        let e = evaluate(&text, Some(&claims), 2_000);
        assert_eq!(e.info.kind, Some(PolicyKind::Aws));
        assert_eq!(
            e.info.detected.as_deref(),
            Some("IAM trust policy document, read from YAML")
        );
        assert_eq!(e.verdict, Some(Verdict::Deny));
        let f = e
            .findings
            .iter()
            .find(|f| f.code == "sub-expects-v1")
            .unwrap();
        // Line 10 of the YAML, where the key is written (not a line of the JSON it was evaluated as).
        assert_eq!(
            f.location,
            Some(Location {
                line: 10,
                column: 7
            })
        );
    }

    fn circleci_claims(org: &str, sub: &str) -> Map<String, Value> {
        serde_json::from_value(serde_json::json!({
            "iss": format!("https://oidc.circleci.com/org/{org}"),
            "aud": org,
            "sub": sub,
            "iat": 1_000, "exp": 4_600,
        }))
        .unwrap()
    }

    #[test]
    fn json_with_comments_or_trailing_commas_is_read_without_them_and_named() {
        let org = "8f2c1a4e-3b6d-4f0a-9c1e-5d7b2a9e4c10";
        let sub = format!("org/{org}/project/1d3e5f70-2a4b-4c6d-8e9f-0a1b2c3d4e5f/user/a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d");
        let claims = circleci_claims(org, &sub);
        let policy = |aud: &str, note: &str, comma: &str| {
            format!(
                "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{{\n    \"Effect\": \"Allow\",{note}\n    \"Principal\": {{\"Federated\": \"arn:aws:iam::123456789012:oidc-provider/oidc.circleci.com/org/{org}\"}},\n    \"Action\": \"sts:AssumeRoleWithWebIdentity\",\n    \"Condition\": {{\"StringEquals\": {{\"oidc.circleci.com/org/{org}:aud\": \"{aud}\"{comma}}}}}\n  }}]\n}}"
            )
        };
        let evaluated = |text: &str| evaluate(text, Some(&claims), 2_000);
        // A comment: the policy is evaluated as if it were not there (allow), and named where it is.
        let e = evaluated(&policy(org, " // the job's role", ""));
        assert_eq!(e.verdict, Some(Verdict::Allow));
        let f = &e.findings[0];
        assert_eq!(f.code, "policy-json-comments");
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(f.message, "the pasted JSON has a comment at line 4, column 24: JSON allows neither comments nor trailing commas, and IAM refuses such a document (`MalformedPolicyDocument`); it was read as if they were not there");
        assert_eq!(
            f.location,
            Some(Location {
                line: 4,
                column: 24
            })
        );
        // A block comment and a trailing comma; a condition that fails still fails, located in the pasted text.
        let text = policy("other", " /* who */", ",");
        let e = evaluated(&text);
        assert_eq!(e.verdict, Some(Verdict::Deny));
        assert!(e.findings[0]
            .message
            .starts_with("the pasted JSON has a comment at line 4, column 24 (and 1 more):"));
        let aud = e.checks.iter().find(|c| c.key.ends_with(":aud")).unwrap();
        assert_eq!(aud.result, Outcome::Fail);
        // Nothing else changed: the same policy without the comment and the comma has the same checks.
        let plain = evaluated(&policy("other", "", ""));
        assert_eq!(e.checks, plain.checks);
        // Strings that look like comments are strings; a comment line above the document labels the paste
        // (read as before, with no warning).
        let e = evaluated(&format!("// deploy role, prod\n{}", policy(org, "", "")));
        assert_eq!(e.verdict, Some(Verdict::Allow));
        assert!(e.findings.iter().all(|f| f.code != "policy-json-comments"));
        // A comment next to another error: the error says what the comment is.
        let e = evaluated("{\n  \"Version\": \"2012-10-17\", // v\n  \"Statement\": [{\"Effect\": \"Allow\" \"Action\": \"x\"}]\n}");
        assert_eq!(e.findings[0].code, "policy-json-syntax");
        assert!(
            e.findings[0]
                .message
                .contains("a comment, which JSON does not allow (remove it)"),
            "{}",
            e.findings[0].message
        );
        // Another platform's configuration says which tool refuses it.
        let vault = format!("{{\"role_type\": \"jwt\", \"user_claim\": \"sub\", \"bound_audiences\": [\"{org}\",], \"bound_subject\": \"{sub}\"}}");
        let e = evaluated(&vault);
        assert_eq!(e.info.kind, Some(PolicyKind::Vault));
        assert!(
            e.findings[0]
                .message
                .contains("a trailing comma at line 1, column"),
            "{}",
            e.findings[0].message
        );
        assert!(e.findings[0]
            .message
            .contains("Vault refuses such a request body"));
    }

    #[test]
    fn get_template_output_is_read_with_a_json_or_a_yaml_template_body() {
        let org = "8f2c1a4e-3b6d-4f0a-9c1e-5d7b2a9e4c10";
        let sub = format!("org/{org}/project/1d3e5f70-2a4b-4c6d-8e9f-0a1b2c3d4e5f/user/a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d");
        let claims = circleci_claims(org, &sub);
        // A JSON template: `TemplateBody` is an object, and its parameters resolve the `Fn::Sub`.
        let json_body = serde_json::json!({"TemplateBody": {
            "Parameters": {"OrgId": {"Type": "String", "Default": org}},
            "Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow",
                    "Principal": {"Federated": {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:oidc-provider/oidc.circleci.com/org/${OrgId}"}},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {"StringEquals": {format!("oidc.circleci.com/org/{org}:aud"): {"Ref": "OrgId"}}}}]}}}}},
            "StagesAvailable": ["Original", "Processed"]});
        let e = evaluate(&json_body.to_string(), Some(&claims), 2_000);
        assert_eq!(e.info.kind, Some(PolicyKind::Aws));
        assert!(e
            .info
            .detected
            .as_deref()
            .unwrap()
            .starts_with("CloudFormation template"));
        assert_eq!(e.verdict, Some(Verdict::Allow), "{:?}", e.findings);
        // A YAML template: `TemplateBody` is the template's text.
        let yaml = format!(
            "Parameters:\n  OrgId:\n    Type: String\n    Default: {org}\nResources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Principal:\n              Federated: !Sub arn:aws:iam::${{AWS::AccountId}}:oidc-provider/oidc.circleci.com/org/${{OrgId}}\n            Action: sts:AssumeRoleWithWebIdentity\n            Condition:\n              StringEquals:\n                oidc.circleci.com/org/{org}:sub: {sub}/nope\n"
        );
        let wrapped = serde_json::json!({"TemplateBody": yaml, "StagesAvailable": ["Original"]});
        let e = evaluate(&wrapped.to_string(), Some(&claims), 2_000);
        assert_eq!(e.info.kind, Some(PolicyKind::Aws));
        assert_eq!(
            e.info.detected.as_deref(),
            Some("CloudFormation template (`AssumeRolePolicyDocument`, an object), read from the YAML in `TemplateBody`")
        );
        assert_eq!(e.verdict, Some(Verdict::Deny));
        assert!(e.findings.iter().all(|f| f.location.is_none()));
        // Not a template: said as for any other JSON.
        let e = evaluate(r#"{"TemplateBody": "just: [text"}"#, Some(&claims), 2_000);
        assert_eq!(e.findings[0].code, "policy-not-recognized");

        // `describe-stack-set` (or a StackSet resource): the template without defaults, and the values the
        // stacks are deployed with, which decide the verdict.
        let no_default = yaml.replace(&format!("    Default: {org}\n"), "");
        for (value, verdict) in [(org, Verdict::Deny), ("another-org", Verdict::Deny)] {
            let stack_set = serde_json::json!({"StackSet": {"StackSetName": "ci", "TemplateBody": no_default,
                "Parameters": [{"ParameterKey": "OrgId", "ParameterValue": value}]}});
            let e = evaluate(&stack_set.to_string(), Some(&claims), 2_000);
            assert_eq!(e.verdict, Some(verdict));
            assert_eq!(
                e.info.detected.as_deref(),
                Some("CloudFormation template (`AssumeRolePolicyDocument`, an object), read from the YAML in `TemplateBody` with the parameter values it is deployed with")
            );
        }
        let allowing = no_default.replace(&format!("{sub}/nope"), &sub);
        let resource = serde_json::json!({"Resources": {"Set": {"Type": "AWS::CloudFormation::StackSet", "Properties": {
            "TemplateBody": allowing, "Parameters": [{"ParameterKey": "OrgId", "ParameterValue": org}]}}}});
        let e = evaluate(&resource.to_string(), Some(&claims), 2_000);
        assert_eq!(e.verdict, Some(Verdict::Allow), "{:#?}", e.checks);
        // Without the values: only the deployed stack knows the org, and no provider mismatch is claimed.
        let e = evaluate(
            &serde_json::json!({"TemplateBody": allowing}).to_string(),
            Some(&claims),
            2_000,
        );
        assert_eq!(e.verdict, None);
        assert!(!e
            .findings
            .iter()
            .any(|f| f.code == "condition-key-provider-mismatch"));
    }

    #[test]
    fn pulumi_stack_export_is_read_once_for_inputs_and_outputs() {
        let org = "8f2c1a4e-3b6d-4f0a-9c1e-5d7b2a9e4c10";
        let sub = format!("org/{org}/project/1d3e5f70-2a4b-4c6d-8e9f-0a1b2c3d4e5f/user/a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d");
        let claims = circleci_claims(org, &sub);
        let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::123456789012:oidc-provider/oidc.circleci.com/org/{org}")},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {format!("oidc.circleci.com/org/{org}:aud"): org}}}]})
        .to_string();
        let export = serde_json::json!({"version": 3, "deployment": {"manifest": {}, "resources": [
            {"urn": "urn:pulumi:prod::ci::pulumi:pulumi:Stack::ci-prod", "type": "pulumi:pulumi:Stack"},
            {"urn": "urn:pulumi:prod::ci::aws:iam/role:Role::circleci", "type": "aws:iam/role:Role",
             "inputs": {"assumeRolePolicy": policy, "name": "circleci"},
             "outputs": {"arn": "arn:aws:iam::123456789012:role/circleci", "assumeRolePolicy": policy}}]}});
        let e = evaluate(&export.to_string(), Some(&claims), 2_000);
        assert_eq!(e.info.kind, Some(PolicyKind::Aws));
        assert_eq!(
            e.info.detected.as_deref(),
            Some("Pulumi state (`assumeRolePolicy`, a JSON string)")
        );
        assert_eq!(e.verdict, Some(Verdict::Allow));
        assert!(!e.findings.iter().any(|f| f.code == "aws-several-roles"));
    }

    #[test]
    fn gcloud_list_output_in_yaml_is_a_list_of_providers() {
        let claims: Map<String, Value> = serde_json::from_value(serde_json::json!({
            "iss": "https://oidc.circleci.com/org/o", "aud": "o", "sub": "org/o/project/p/user/u",
            "oidc.circleci.com/project-id": "p", "iat": -60, "exp": 3540,
        }))
        .unwrap();
        let provider = |id: &str, project: &str| {
            format!("---\nattributeCondition: assertion['oidc.circleci.com/project-id'] == '{project}'\nattributeMapping:\n  google.subject: assertion.sub\nname: projects/1/locations/global/workloadIdentityPools/p/providers/{id}\noidc:\n  allowedAudiences:\n  - o\n  issuerUri: https://oidc.circleci.com/org/o\n")
        };
        let e = evaluate(
            &format!("{}{}", provider("a", "q"), provider("b", "p")),
            Some(&claims),
            0,
        );
        assert_eq!(e.info.kind, Some(PolicyKind::Gcp));
        assert_eq!(e.verdict, Some(Verdict::Allow));
        assert_eq!(
            e.info.decided_by.as_deref(),
            Some("provider `b` accepts the token")
        );
    }

    #[test]
    fn a_document_in_a_fence_or_a_command_is_read_and_located_where_it_was_pasted() {
        let claims: Map<String, Value> = serde_json::from_value(serde_json::json!({
            "iss": "https://oidc.circleci.com/org/o", "aud": "o", "exp": 3600, "iat": 0,
            "sub": "org/o/project/p/user/u/vcs-origin/github.com/a/b/vcs-ref/refs/heads/main",
        }))
        .unwrap();
        let policy = "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\",\n\"Principal\": {\"Federated\": \"arn:aws:iam::1:oidc-provider/oidc.circleci.com/org/o\"},\n\"Action\": \"sts:AssumeRoleWithWebIdentity\",\n\"Condition\": {\"StringEquals\": {\"oidc.circleci.com/org/o:sub\": \"org/o/project/p/user/u\"}}}]}";
        let at = |text: &str| {
            let e = evaluate(text, Some(&claims), 60);
            assert_eq!(e.info.kind, Some(PolicyKind::Aws), "{text}");
            assert!(e
                .info
                .detected
                .as_deref()
                .unwrap()
                .ends_with(", inside the pasted text"));
            e.findings
                .iter()
                .find(|f| f.code == "sub-expects-v1")
                .and_then(|f| f.location)
        };
        let alone = evaluate(policy, Some(&claims), 60);
        let plain = alone
            .findings
            .iter()
            .find(|f| f.code == "sub-expects-v1")
            .and_then(|f| f.location)
            .unwrap();
        assert_eq!(plain.line, 4);
        let fenced = at(&format!("the policy:\n\n```json\n{policy}\n```\n"));
        assert_eq!(
            fenced,
            Some(Location {
                line: 7,
                column: plain.column
            })
        );
        let command =
            format!("aws iam update-assume-role-policy --role-name r --policy-document '{policy}'");
        assert_eq!(at(&command), Some(plain));
        // Formats that are not documents say what to paste instead.
        for (text, kind) in [
            (
                "vault write auth/jwt/role/r role_type=jwt bound_claims='{\"a\": \"b\"}'",
                PolicyKind::Vault,
            ),
            (
                "ROLE\tarn:aws:iam::1:role/r\nASSUMEROLEPOLICYDOCUMENT\t2012-10-17\n",
                PolicyKind::Aws,
            ),
        ] {
            let e = evaluate(text, Some(&claims), 60);
            assert!(e.unusable);
            assert_eq!(e.info.kind, Some(kind));
            assert_eq!(e.findings[0].code, "policy-format-not-supported");
        }
    }

    #[test]
    fn broken_yaml_says_where() {
        let e = evaluate("oidc:\n  issuerUri: \"https://x\n", None, 0);
        assert!(e.unusable);
        assert_eq!(e.findings[0].code, "policy-yaml-syntax");
        assert_eq!(
            e.findings[0].message,
            "the policy looks like YAML but cannot be read: this quoted string is never closed at line 2, column 14"
        );
        assert_eq!(
            e.findings[0].location,
            Some(Location {
                line: 2,
                column: 14
            })
        );
        // YAML that holds no configuration is "not recognized", like such JSON.
        assert_eq!(
            evaluate("hello: world\n", None, 0).findings[0].code,
            "policy-not-recognized"
        );
    }

    #[test]
    fn a_vault_table_of_no_role_is_named() {
        let e = evaluate(
            "$ vault kv get secret/ci\nKey                  Value\n---                  -----\npassword             hunter2\n",
            None,
            0,
        );
        assert_eq!(e.info.kind, Some(PolicyKind::Vault));
        assert!(e.unusable);
        assert_eq!(e.findings[0].code, "policy-table-not-supported");
        assert!(e.findings[0]
            .fix
            .as_deref()
            .unwrap()
            .starts_with("paste `vault read auth/jwt/role/<name>`"));
    }

    #[test]
    fn terraform_plan_text_says_what_to_paste_instead() {
        let plan = "Terraform will perform the following actions:\n\n  # aws_iam_role.ci will be created\n  + resource \"aws_iam_role\" \"ci\" {\n      + assume_role_policy = jsonencode(\n            {\n              + Version = \"2012-10-17\"\n            }\n        )\n    }\n";
        for text in [
            plan.to_string(),
            plan.replace(
                "Terraform will perform the following actions:\n",
                "2026-01-01T00:00:00Z ",
            ),
        ] {
            let e = evaluate(&text, None, 0);
            assert_eq!(e.findings[0].code, "policy-format-not-supported", "{text}");
            assert!(e.findings[0]
                .fix
                .as_deref()
                .unwrap()
                .contains("terraform show -json"));
        }
        // A YAML comment that merely says so is not a plan.
        assert!(!super::is_plan_resource_line(
            "# the role will be created by CloudFormation"
        ));
    }

    #[test]
    fn a_piece_copied_with_the_comma_after_it_is_read() {
        let statement = "{\"Effect\": \"Allow\", \"Principal\": {\"Federated\": \"arn:aws:iam::123456789012:oidc-provider/oidc.circleci.com/org/o\"}, \"Action\": \"sts:AssumeRoleWithWebIdentity\"},\n";
        let e = evaluate(statement, None, 0);
        assert_eq!(e.info.kind, Some(PolicyKind::Aws), "{:?}", e.findings);
        assert!(e
            .info
            .detected
            .as_deref()
            .unwrap()
            .starts_with("IAM policy statements"));
        // Only one comma is forgiven: many cost one more read, not one per comma (a quadratic hang).
        let commas = format!("{{\"a\": 1}}{}", ",".repeat(200_000));
        let e = evaluate(&commas, None, 0);
        assert!(e.findings.iter().any(|f| f.severity == Severity::Error));
    }

    #[test]
    fn a_python_dict_or_an_unrendered_template_gets_its_own_fix() {
        let boto3 = "{'Role': {'Path': '/', 'RoleName': 'deploy', 'CreateDate': datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=tzutc()), 'AssumeRolePolicyDocument': {'Version': '2012-10-17', 'Statement': []}}}";
        let e = evaluate(boto3, None, 0);
        assert_eq!(e.findings[0].code, "policy-json-syntax");
        let fix = e.findings[0].fix.as_deref().unwrap();
        assert!(
            fix.starts_with("this is a Python dict")
                && fix.contains("json.dumps(response, default=str)"),
            "{fix}"
        );
        assert!(fix.ends_with("at line 1, column 2"), "{fix}");
        let template = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n  %{ for org in orgs ~}\n    {\"Effect\": \"Allow\"},\n  %{ endfor ~}\n  ]\n}\n";
        let e = evaluate(template, None, 0);
        let fix = e.findings[0].fix.as_deref().unwrap();
        assert!(
            fix.starts_with("this is a template with Terraform's"),
            "{fix}"
        );
        assert!(fix.ends_with("at line 4, column 3"), "{fix}");
        // An ordinary typo keeps the usual fix, also where strings hold `${...}` (CloudFormation's `Fn::Sub`).
        let cfn = "{\"Fn::Sub\": \"arn:aws:iam::${AWS::AccountId}:root\" \"x\": 1}";
        let fix = evaluate(cfn, None, 0).findings[0].fix.clone().unwrap();
        assert!(fix.starts_with("fix the JSON at line 1"), "{fix}");
        let e = evaluate("{\"Version\": \"2012-10-17\" \"Statement\": []}", None, 0);
        assert!(e.findings[0]
            .fix
            .as_deref()
            .unwrap()
            .starts_with("fix the JSON at line 1"));
    }

    #[test]
    fn hcl_names_its_platform_and_what_to_paste_instead() {
        for (text, kind, command) in [
            ("resource \"google_iam_workload_identity_pool_provider\" \"circleci\" {\n  attribute_condition = \"true\"\n}\n", PolicyKind::Gcp, "gcloud iam workload-identity-pools providers describe"),
            ("resource \"vault_jwt_auth_backend_role\" \"deploy\" {\n  role_name = \"deploy\"\n}\n", PolicyKind::Vault, "vault read -format=json auth/<mount>/role/<name>"),
            ("resource \"azuread_application_federated_identity_credential\" \"circleci\" {\n  subject = \"x\"\n}\n", PolicyKind::Azure, "az ad app federated-credential list"),
            ("resource \"azurerm_federated_identity_credential\" \"circleci\" {\n  subject = \"x\"\n}\n", PolicyKind::Azure, "az identity federated-credential list"),
            ("# role\nresource \"aws_iam_role\" \"deploy\" {\n  name = \"deploy\"\n}\n", PolicyKind::Aws, "aws iam get-role"),
        ] {
            let e = evaluate(text, None, 0);
            assert_eq!(e.findings[0].code, "policy-hcl-not-supported", "{text}");
            assert_eq!(e.info.kind, Some(kind), "{text}");
            let fix = e.findings[0].fix.as_deref().unwrap();
            assert!(fix.contains(command) && fix.contains("terraform show -json"), "{fix}");
        }
        // A module or an unknown resource: no platform, the generic fix.
        let e = evaluate("module \"oidc\" {\n  source = \"./oidc\"\n}\n", None, 0);
        assert_eq!(e.info.kind, None);
        assert!(e.findings[0]
            .fix
            .as_deref()
            .unwrap()
            .starts_with("paste the rendered JSON instead"));
    }

    #[test]
    fn hcl_is_named() {
        let e = evaluate("resource \"aws_iam_role\" \"r\" {\n}", None, 0);
        assert_eq!(e.findings[0].code, "policy-hcl-not-supported");
        // After a comment or a shell prompt line, as copied from a file or a terminal.
        for text in [
            "# CircleCI OIDC\nresource \"google_iam_workload_identity_pool_provider\" \"circleci\" {\n  workload_identity_pool_id = \"circleci\"\n}\n",
            "$ cat main.tf\nterraform {\n}\n\n  module \"oidc\" {\n  source = \"./oidc\"\n}\n",
        ] {
            let e = evaluate(text, None, 0);
            assert_eq!(e.findings[0].code, "policy-hcl-not-supported", "{text}");
        }
        // Quoted text that merely mentions a block is not HCL.
        let e = evaluate("{\"Description\": \"resource \\\"x\\\" {\"", None, 0);
        assert_eq!(e.findings[0].code, "policy-json-syntax");
        // Bicep also starts with `resource`, but its type is quoted with an API version: an Azure resource.
        let bicep = "param orgId string\n\nresource fic 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = {\n  name: 'circleci'\n}\n";
        let e = evaluate(bicep, None, 0);
        assert_eq!(e.info.kind, Some(PolicyKind::Azure));
        assert_eq!(e.findings[0].code, "policy-bicep-not-supported");
    }

    #[test]
    fn program_source_is_named_with_what_to_paste() {
        let cases = [
            ("import * as cdk from 'aws-cdk-lib';\nimport * as iam from 'aws-cdk-lib/aws-iam';\nnew iam.Role(this, 'Deploy', {\n  assumedBy: new iam.WebIdentityPrincipal(arn),\n});\n", "an AWS CDK app's", Some(PolicyKind::Aws), "cdk synth"),
            ("from aws_cdk import Stack, aws_iam as iam\n\nclass CiStack(Stack):\n    pass\n", "an AWS CDK app's", None, "cdk synth"),
            ("import pulumi\nimport pulumi_gcp as gcp\n\nprovider = gcp.iam.WorkloadIdentityPoolProvider(\"circleci\")\n", "a Pulumi program's", Some(PolicyKind::Gcp), "pulumi stack export"),
            ("package main\n\nimport \"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam\"\n\nfunc main() { iam.NewRole(ctx, \"deploy\", nil) }\n", "a Pulumi program's", Some(PolicyKind::Aws), "pulumi stack export"),
            ("import { TerraformStack } from 'cdktf';\nnew JwtAuthBackendRole(this, 'role', { boundClaims: {} });\n", "a CDK for Terraform program's", Some(PolicyKind::Vault), "cdktf synth"),
            ("const azure = require('@azure/arm-msi');\nclient.federatedIdentityCredentials.createOrUpdate(rg, id, 'circleci', {});\n", "a program's", Some(PolicyKind::Azure), "federated-credential list"),
        ];
        for (text, tool, kind, fix) in cases {
            let e = evaluate(text, None, 0);
            assert!(e.unusable, "{text}");
            let f = &e.findings[0];
            assert_eq!(f.code, "policy-program-not-supported", "{text}");
            assert_eq!(
                f.message,
                format!("this looks like {tool} source code, which claimcheck does not run")
            );
            assert!(f.fix.as_deref().unwrap_or("").contains(fix), "{f:?}");
            assert_eq!(e.info.kind, kind, "{text}");
        }
        // Broken JSON that merely holds such words stays a JSON error; HCL stays HCL.
        for (text, code) in [
            (
                "{\"Sid\": \"import from (old)\",\n\"Effect\" \"Allow\"}",
                "policy-json-syntax",
            ),
            (
                "resource \"aws_iam_role\" \"ci\" {\n  name = \"ci\"\n}\n",
                "policy-hcl-not-supported",
            ),
            (
                "resource \"aws_iam_role\" \"ci\" {\n  assume_role_policy = jsonencode({})\n}\n",
                "policy-no-statement",
            ),
        ] {
            assert_eq!(evaluate(text, None, 0).findings[0].code, code, "{text}");
        }
    }

    #[test]
    fn aws_is_dispatched() {
        let e = evaluate(r#"{"Version":"2012-10-17","Statement":[]}"#, None, 0);
        assert_eq!(e.info.kind, Some(PolicyKind::Aws));
        assert!(!e.unusable);
    }

    /// Every document another platform's corpus recognizes reaches that platform (AWS, asked first, does
    /// not claim it).
    #[test]
    fn other_platforms_are_dispatched() {
        let corpora = [
            (
                PolicyKind::Gcp,
                include_str!("../../tests/fixtures/gcp/cases.json"),
            ),
            (
                PolicyKind::Vault,
                include_str!("../../tests/fixtures/vault/cases.json"),
            ),
            (
                PolicyKind::Azure,
                include_str!("../../tests/fixtures/azure/cases.json"),
            ),
        ];
        for (kind, text) in corpora {
            let corpus: Value = serde_json::from_str(text).unwrap();
            let own = platform(kind).unwrap();
            let mut seen = 0;
            for case in corpus["cases"].as_array().unwrap() {
                let policy = &case["policy"];
                if (own.recognize)(policy).is_none() {
                    continue;
                }
                seen += 1;
                let e = evaluate(&serde_json::to_string(policy).unwrap(), None, 0);
                assert_eq!(e.info.kind, Some(kind), "{}", case["name"]);
            }
            assert!(seen > 0, "{kind:?}");
        }
    }
}
