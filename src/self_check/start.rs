//! "What do you need?": the five requests, in the customer's words.

use leptos::prelude::*;

use aftersales_rules::RequestType;

use crate::browser::router::Fragment;
use crate::self_check::route::Route;
use crate::ui::i18n::{self, Lang};
use crate::ui::shell::PageTitle;
use crate::ui::text::{language, text};

fn hint(l: Lang, r: RequestType) -> &'static str {
    match r {
        RequestType::Cancel => tr!(l, portal.start_cancel),
        RequestType::Return => tr!(l, portal.start_return),
        RequestType::Exchange => tr!(l, portal.start_exchange),
        RequestType::Repair => tr!(l, portal.start_repair),
        RequestType::Complaint => tr!(l, portal.start_complaint),
    }
}

/// Needs no context: `index.html` carries this page rendered at build time
/// (`self_check::first_paint`).
#[component]
pub fn StartPage() -> impl IntoView {
    let lang = language();
    let l = move || lang.get();
    view! {
        <PageTitle text=Signal::derive(text(|l| tr!(l, portal.start_title)).to_owned()) />
        <p class="asp-intro">{text(|l| tr!(l, portal.start_intro))}</p>
        <ul class="asp-choices">
            {RequestType::ALL
                .iter()
                .map(|&r| {
                    let href = Route::Order {
                        request: r,
                        number: None,
                    }
                        .href();
                    view! {
                        <li>
                            <a class="asp-choice" href=href data-request=r.as_str()>
                                <span class="asp-choice-title">
                                    {move || i18n::request_type(l(), r)}
                                </span>
                                <span class="asp-choice-hint">{move || hint(l(), r)}</span>
                            </a>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
