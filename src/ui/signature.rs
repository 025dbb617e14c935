//! The "Keys" panel: paste the issuer's key set and see whether the token is genuine.
//!
//! Keys are read and the key chosen by the pure core ([`crate::signature::prepare`]); the crypto runs in
//! Web Crypto (`crypto.subtle.importKey` as `jwk` + `verify`), asynchronously: the verdict never waits for it.
//! Both verifiers answer a [`CryptoOutcome`] and the core words the result, so the CLI (`--jwks`) and the page
//! say the same thing. The result line carries `data-signature-status` (`valid`, `invalid`, `no-matching-key`,
//! `unsupported`, `absent`) once known.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::components::copy_button::CopyButton;
use super::components::text::{rich, visible};
use super::components::text_box::{TextBox, Typed};
use crate::report::{Severity, SignatureReport};
use crate::signature::{self, Alg, CryptoOutcome, Prepared, PublicKey, Step};
use crate::ui::report_prop::ReportProp;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub report: ReportProp,
    /// The sharer's result the opened link carries ([`crate::share::signature_report`]), with the token it is
    /// about; shown while no keys are pasted here.
    pub from_link: Option<(String, SignatureReport)>,
    /// Each result with the token (compact form) it was checked for; `None` while nothing is checked.
    pub on_result: Callback<Option<(String, SignatureReport)>>,
}

/// The panel: keys input, fetch command, result.
#[component]
pub fn SignaturePanel(props: &Props) -> Html {
    let keys = use_state(String::new);
    let parsed = use_memo((*keys).clone(), |text| signature::parse_keys(text));
    let result = use_state(|| None::<SignatureReport>);
    let token = props.report.token.clone();
    let compact = token
        .as_ref()
        .map(|t| t.compact.clone())
        .unwrap_or_default();

    use_effect_with((compact, (*keys).clone(), props.from_link.clone()), {
        let (result, parsed) = (result.clone(), parsed.clone());
        let on_result = props.on_result.clone();
        move |(compact, keys_text, from_link): &(
            String,
            String,
            Option<(String, SignatureReport)>,
        )| {
            let cancelled = Rc::new(Cell::new(false));
            // The result, in the panel and (with its token) for the verdict.
            let publish = {
                let compact = compact.clone();
                move |report: Option<SignatureReport>| {
                    on_result.emit(report.clone().map(|r| (compact.clone(), r)));
                    result.set(report);
                }
            };
            // No keys here: the sharer's result, for the token it was about.
            let from_link = || {
                from_link
                    .clone()
                    .filter(|(checked, _)| crate::share::same_signed_token(checked, compact))
                    .map(|(_, report)| report)
            };
            match token.filter(|_| !compact.is_empty() && !keys_text.trim().is_empty()) {
                None if !compact.is_empty() && keys_text.trim().is_empty() => publish(from_link()),
                None => publish(None),
                Some(decoded) => match signature::prepare(&decoded, &parsed) {
                    Step::Done(report) => publish(Some(report)),
                    Step::Ready(prepared) => {
                        publish(None);
                        let cancelled = cancelled.clone();
                        spawn_local(async move {
                            let report = match web_crypto(&prepared).await {
                                Some(outcome) => prepared.finish(outcome),
                                None => no_web_crypto(),
                            };
                            if !cancelled.get() {
                                publish(Some(report));
                            }
                        });
                    }
                },
            }
            move || cancelled.set(true)
        }
    });

    let oninput = {
        let keys = keys.clone();
        Callback::from(move |typed: Typed| keys.set(typed.text))
    };
    let claims = props.report.token.as_ref().and_then(|t| t.claims.as_ref());
    let fetch = claims.and_then(signature::fetch_command);
    let checking = result.is_none() && !keys.trim().is_empty() && props.report.token.is_some();
    html! {
        <section class="card signature" aria-labelledby="signature-heading">
            <h2 id="signature-heading">{ "Signature" }</h2>
            <div class="field field-keys">
                <label for="keys-input">{ "Keys" }</label>
                <TextBox id="keys-input" rows={6} describedby="keys-status"
                    placeholder="the issuer's key set (JWKS), a JWK, or a PEM public key"
                    value={AttrValue::from((*keys).clone())} {oninput} />
                <div id="keys-status" class="field-status">
                    <ul class="input-errors">
                        { for parsed.findings.iter().map(|f| html! {
                            <li class={classes!("input-error", (f.severity != Severity::Error).then_some("input-warning"))}
                                data-code={f.code}>
                                { rich(&f.message) }
                                if let Some(at) = f.location.filter(|at| !f.message.contains(&format!("line {}", at.line))) {
                                    <span class="location">{ format!(" (line {}, column {})", at.line, at.column) }</span>
                                }
                                if let Some(fix) = &f.fix { <span class="fix">{ " " }{ rich(fix) }</span> }
                            </li>
                        }) }
                    </ul>
                </div>
            </div>
            if let Some(snippet) = fetch {
                <figure class="snippet snippet-fetch-keys">
                    <figcaption>
                        <span class="snippet-title">{ snippet.title.clone() }</span>
                        <span class="snippet-language">{ snippet.language }</span>
                        <CopyButton text={AttrValue::from(snippet.text.clone())} what={AttrValue::from("the key set command")} />
                    </figcaption>
                    <pre class="mono" tabindex="0">{ visible(&snippet.text) }</pre>
                </figure>
            }
            <p class="signature-result" role="status" aria-live="polite" aria-busy={checking.to_string()}
                data-signature-status={result.as_ref().map(|r| r.status)}>
                if let Some(r) = &*result {
                    <strong class="signature-status">{ status_word(r.status) }</strong>{ " " }
                    <span class="signature-message">{ rich(&r.message) }</span>
                } else if checking {
                    { "checking the signature…" }
                } else if props.report.token.is_none() {
                    { "paste a token and its issuer's keys to check that the token is genuine" }
                } else {
                    { "paste the issuer's keys to check that the token is genuine" }
                }
            </p>
        </section>
    }
}

fn status_word(status: &str) -> &'static str {
    match status {
        "valid" => "Genuine:",
        "invalid" => "Not genuine:",
        "no-matching-key" => "No matching key:",
        "absent" => "No signature:",
        _ => "Cannot check:",
    }
}

/// Pages served over plain http (except localhost) have no `crypto.subtle`.
fn no_web_crypto() -> SignatureReport {
    SignatureReport {
        status: "unsupported",
        message: "this page has no Web Crypto (pages served over plain `http` get none): open it over `https` or \
                  from a file, or run `claimcheck check --jwks FILE`"
            .into(),
        key_id: None,
    }
}

fn set(object: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(object, &JsValue::from_str(key), &value.into());
}

/// The import and verify parameters for an algorithm.
fn params(alg: Alg, key: &PublicKey) -> (Object, Object) {
    let (import, verify) = (Object::new(), Object::new());
    let hash = alg.hash().map(|h| h.name());
    match (alg, key) {
        (Alg::PS256 | Alg::PS384 | Alg::PS512, _) => {
            set(&import, "name", "RSA-PSS");
            set(&verify, "name", "RSA-PSS");
            set(
                &verify,
                "saltLength",
                alg.hash().map_or(0, |h| h.output_len()) as u32,
            );
        }
        (_, PublicKey::Rsa { .. }) => {
            set(&import, "name", "RSASSA-PKCS1-v1_5");
            set(&verify, "name", "RSASSA-PKCS1-v1_5");
        }
        (_, PublicKey::Ec { curve, .. }) => {
            set(&import, "name", "ECDSA");
            set(&import, "namedCurve", curve.name());
            set(&verify, "name", "ECDSA");
            if let Some(hash) = hash {
                set(&verify, "hash", hash);
            }
            return (import, verify);
        }
        _ => {
            set(&import, "name", "Ed25519");
            set(&verify, "name", "Ed25519");
            return (import, verify);
        }
    }
    if let Some(hash) = hash {
        set(&import, "hash", hash);
    }
    (import, verify)
}

/// Run the check in Web Crypto; `None` when the page has none.
async fn web_crypto(p: &Prepared) -> Option<CryptoOutcome> {
    let crypto = web_sys::window()?.crypto().ok()?;
    if Reflect::get(&crypto, &JsValue::from_str("subtle")).map_or(true, |s| s.is_undefined()) {
        return None;
    }
    let subtle: SubtleCrypto = crypto.subtle();
    let jwk = Object::new();
    for (name, value) in p.key.jwk_members() {
        set(&jwk, name, value);
    }
    let (import, verify) = params(p.alg, &p.key);
    let usages = Array::of1(&JsValue::from_str("verify"));
    let imported = match subtle.import_key_with_object("jwk", &jwk, &import, false, &usages) {
        Ok(promise) => JsFuture::from(promise).await,
        Err(e) => Err(e),
    };
    let Some(key) = imported.ok().and_then(|k| k.dyn_into::<CryptoKey>().ok()) else {
        return Some(CryptoOutcome::KeyRejected);
    };
    let verified = match subtle.verify_with_object_and_u8_array_and_u8_array(
        &verify,
        &key,
        &p.signature,
        &p.signing_input,
    ) {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
        Err(_) => false,
    };
    Some(if verified {
        CryptoOutcome::Valid
    } else {
        CryptoOutcome::Invalid
    })
}
