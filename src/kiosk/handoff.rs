//! "Continue on my phone": on the self-check's answer page, a QR code that opens
//! the same answer on the customer's own phone. The link is the answer's route
//! with the check in progress (`handover::draft_for_another_device`: the order
//! and the answers, never the phone number); the self-check on the phone reads
//! it and shows the same decision.

use leptos::prelude::*;

use aftersales_rules::RequestType;

use crate::browser::router::{current_hash, encode, plain_link, split_fragment};
use crate::handover;
use crate::ui::qr::qr_image;
use crate::ui::text::text;

/// The request whose answer the fragment shows (`#/return/answer`), if any.
pub fn answer_page(fragment: &str) -> Option<RequestType> {
    let (segments, _) = split_fragment(fragment);
    match segments.as_slice() {
        [request, answer] if answer == "answer" => RequestType::parse(request),
        _ => None,
    }
}

/// The link that opens the answer to `request` with `draft_query` (`?draft=…`)
/// on another device, relative to the self-check's page.
pub fn answer_link(request: RequestType, draft_query: &str) -> String {
    format!("#/{}/answer{draft_query}", encode(request.as_str()))
}

/// The QR code of the answer on show, below the app's page; nothing elsewhere.
#[component]
pub fn ContinueOnPhone() -> impl IntoView {
    let fragment = RwSignal::new(current_hash());
    let _ = window_event_listener(leptos::ev::hashchange, move |_| {
        fragment.set(current_hash())
    });
    let link = Memo::new(move |_| {
        let request = answer_page(&fragment.get())?;
        let draft = handover::load_draft()?;
        let query = handover::draft_for_another_device(&draft);
        Some(plain_link(&answer_link(request, &query)))
    });
    move || {
        link.get().map(|link| {
            view! {
                <aside class="asp-share asp-handoff" aria-labelledby="asp-phone-title">
                    <h3 class="asp-sub" id="asp-phone-title">
                        {text(|l| tr!(l, kiosk.phone_title))}
                    </h3>
                    <p class="asp-hint">{text(|l| tr!(l, kiosk.phone_text))}</p>
                    <div class="asp-phone-qr" data-link=link.clone()>
                        {qr_image(&link, text(|l| tr!(l, kiosk.phone_qr)))}
                    </div>
                </aside>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_answer_page_is_handed_over() {
        assert_eq!(answer_page("#/return/answer"), Some(RequestType::Return));
        assert_eq!(
            answer_page("#/repair/answer?x=1"),
            Some(RequestType::Repair)
        );
        assert_eq!(answer_page("#/return"), None);
        assert_eq!(answer_page("#/return/ask/goods_intact"), None);
        assert_eq!(answer_page("#/refund/answer"), None);
        assert_eq!(answer_page(""), None);
        assert_eq!(
            answer_link(RequestType::Exchange, "?draft=%7B%7D"),
            "#/exchange/answer?draft=%7B%7D"
        );
    }
}
