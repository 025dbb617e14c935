//! The "Policy" text area, with parse errors (line/column) right under it.

use yew::prelude::*;

use super::text::rich;
use super::text_box::TextBox;
use crate::policy::PolicyKind;
use crate::report::{Area, Severity};
use crate::state::Action;
use crate::ui::callbacks;
use crate::ui::reducer::Dispatch;
use crate::ui::report_prop::ReportProp;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub value: AttrValue,
    pub report: ReportProp,
    pub dispatch: Dispatch,
}

pub fn kind_name(kind: PolicyKind) -> &'static str {
    match kind {
        PolicyKind::Aws => "AWS",
        PolicyKind::Gcp => "Google Cloud",
        PolicyKind::Vault => "Vault",
        PolicyKind::Azure => "Azure",
    }
}

#[component]
pub fn PolicyInput(props: &Props) -> Html {
    let info = &props.report.policy;
    // Reading errors (JSON syntax with line/column, unknown format); evaluation findings are listed below.
    let errors = props.report.findings.iter().filter(|f| {
        f.area == Area::Policy && f.severity == Severity::Error && f.code.starts_with("policy-")
    });
    html! {
        <div class="field field-policy">
            <label for="policy-input">{ "Policy" }</label>
            <TextBox id="policy-input" rows={12}
                placeholder="an IAM trust policy, GCP provider, Vault role or Azure credential (JSON, YAML or Terraform)"
                describedby="policy-status" value={props.value.clone()}
                oninput={callbacks::on_text(&props.dispatch, Action::SetPolicy)} />
            <div id="policy-status" class="field-status">
                if let Some(kind) = info.kind {
                    <p class="policy-kind">
                        { "read as " }<strong>{ kind_name(kind) }</strong>
                        if let Some(detected) = &info.detected { { ": " }{ rich(detected) } }
                    </p>
                }
                <ul class="input-errors">
                    { for errors.map(|f| html! {
                        <li class="input-error" data-code={f.code}>{ rich(&f.message) }</li>
                    }) }
                </ul>
            </div>
        </div>
    }
}
