//! The "Token" text area, with what decoding found right under it.

use yew::prelude::*;

use super::text::rich;
use super::text_box::TextBox;
use crate::state::Action;
use crate::token::Form;
use crate::ui::callbacks;
use crate::ui::reducer::Dispatch;
use crate::ui::report_prop::ReportProp;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub value: AttrValue,
    pub report: ReportProp,
    pub dispatch: Dispatch,
}

fn form_text(form: Form, signed: bool) -> &'static str {
    match form {
        Form::Jws if !signed => "token without its signature (header.payload.)",
        Form::Jws => "signed token (header.payload.signature)",
        Form::Jwe => "encrypted token: its claims cannot be read",
        Form::Partial => "partial token",
        Form::Invalid => "not a token",
    }
}

#[component]
pub fn TokenInput(props: &Props) -> Html {
    let decoded = props.report.token.as_ref();
    html! {
        <div class="field field-token">
            <label for="token-input">{ "Token" }</label>
            <TextBox id="token-input" rows={6}
                placeholder="eyJhbGciOiJSUzI1NiIs… (the value of $CIRCLE_OIDC_TOKEN_V2)"
                describedby="token-status" value={props.value.clone()}
                oninput={callbacks::on_text(&props.dispatch, Action::SetToken)} />
            <div id="token-status" class="field-status">
                if let Some(decoded) = decoded {
                    <p class="token-form">{ form_text(decoded.form, decoded.signature_present) }</p>
                    { for decoded.cleanup.iter().map(|c| html! { <p class="cleanup">{ rich(c) }</p> }) }
                    <ul class="input-errors">
                        { for decoded.errors.iter().map(|e| html! {
                            <li class="input-error" data-segment={e.segment.as_str()}>
                                { rich(&e.to_string()) }<span class="fix">{ rich(e.fix()) }</span>
                            </li>
                        }) }
                    </ul>
                }
            </div>
        </div>
    }
}
