//! `#/`: "My requests", every request filed from this device: those still in
//! the outbox (with their sync state) and those the server confirmed (with
//! their status, refreshed when the page opens and when it regains focus).

use leptos::prelude::*;

use aftersales_rules::{RequestType, Timestamp};

use super::when::when;
use super::{status_id, status_text, Ctx, Page};
use crate::browser::router::Fragment;
use crate::requests::api::RequestStatus;
use crate::requests::outbox::{self, MyRequest, OutboxState, OutboxView, PhotoState};
use crate::ui::i18n::{self, Lang};
use crate::ui::shell::PageTitle;
use crate::ui::text::{colon, text};

/// Statuses older than this are fetched again when the page opens or regains focus.
const STALE_MS: f64 = 30_000.0;
/// At most this many look-ups per refresh (the server rate-limits them).
const MAX_REFRESH: usize = 6;

/// One line of the list.
#[derive(Clone, Debug, PartialEq)]
struct Item {
    id: String,
    kind: RequestType,
    order_number: String,
    filed_at: String,
    /// `saved`, `sending`, `photos`, `sent`, `needs_fix`.
    sync: &'static str,
    status: Option<RequestStatus>,
    code: Option<String>,
    href: String,
}

fn sync_state(e: &OutboxView) -> &'static str {
    match e.state {
        OutboxState::Saved => "saved",
        OutboxState::Sending => "sending",
        OutboxState::Received
            if e.photos
                .iter()
                .any(|p| matches!(p, PhotoState::Queued | PhotoState::Uploading { .. })) =>
        {
            "photos"
        }
        OutboxState::Received => "sent",
        OutboxState::NeedsFix => "needs_fix",
    }
}

fn sync_text(l: Lang, sync: &str) -> &'static str {
    match sync {
        "saved" => tr!(l, requests.sync_saved),
        "sending" => tr!(l, requests.sync_sending),
        "photos" => tr!(l, requests.sync_photos),
        "needs_fix" => tr!(l, requests.sync_needs_fix),
        _ => tr!(l, requests.sync_sent),
    }
}

/// The outbox first (it needs attention or is on its way), then the confirmed
/// requests, newest first; a request in both is listed once, from the outbox.
fn items(entries: &[OutboxView], mine: &[MyRequest]) -> Vec<Item> {
    let mut out: Vec<Item> = entries
        .iter()
        .rev()
        .map(|e| {
            let confirmed = mine.iter().find(|m| m.id == e.id);
            Item {
                id: e.id.clone(),
                kind: e.request_type,
                order_number: e.order_number.clone(),
                filed_at: e.filed_at.clone(),
                sync: sync_state(e),
                status: confirmed.map(|m| m.status),
                code: e.tracking_code.clone(),
                href: Page::Entry(e.id.clone()).href(),
            }
        })
        .collect();
    out.extend(
        mine.iter()
            .filter(|m| !entries.iter().any(|e| e.id == m.id))
            .map(|m| Item {
                id: m.id.clone(),
                kind: m.request_type,
                order_number: m.order_number.clone(),
                filed_at: m.filed_at.clone(),
                sync: "sent",
                status: Some(m.status),
                code: Some(m.tracking_code.clone()),
                href: Page::Track {
                    id: m.id.clone(),
                    code: m.tracking_code.clone(),
                }
                .href(),
            }),
    );
    out
}

/// Fetches the status of open requests whose status is old.
async fn refresh_statuses(api_base: String) {
    let now = js_sys::Date::now();
    let stale: Vec<MyRequest> = outbox::my_requests()
        .await
        .into_iter()
        .filter(|m| {
            !matches!(m.status, RequestStatus::Closed | RequestStatus::Rejected)
                && now - m.checked_at > STALE_MS
        })
        .take(MAX_REFRESH)
        .collect();
    for m in stale {
        if outbox::refresh(&api_base, &m.id).await.is_err() {
            // Offline or rate-limited: the next focus tries again.
            break;
        }
    }
}

#[component]
pub fn MinePage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let list: RwSignal<Option<Vec<Item>>> = RwSignal::new(None);
    Effect::new(move |_| {
        ctx.stored.track();
        leptos::task::spawn_local(async move {
            let entries = outbox::entries().await;
            let mine = outbox::my_requests().await;
            list.try_set(Some(items(&entries, &mine)));
        });
    });
    Effect::new(move |_| {
        ctx.focus.track();
        leptos::task::spawn_local(refresh_statuses(ctx.api_base()));
    });

    view! {
        <PageTitle text=Signal::derive(move || text(|l| tr!(l, portal.my_requests))().to_owned()) />
        <p class="asp-intro">{text(|l| tr!(l, requests.mine_intro))}</p>
        {move || match list.get() {
            None => {
                view! {
                    <p class="asp-status" role="status">
                        {text(|l| tr!(l, requests.mine_loading))}
                    </p>
                }
                    .into_any()
            }
            Some(items) if items.is_empty() => {
                view! {
                    <p class="asp-empty" data-state="empty">
                        {text(|l| tr!(l, requests.mine_empty))}
                    </p>
                }
                    .into_any()
            }
            Some(items) => {
                view! {
                    <ul class="asp-request-list">
                        {items.into_iter().map(item_view).collect_view()}
                    </ul>
                }
                    .into_any()
            }
        }}
        <p class="asp-actions">
            <a class="asp-secondary" href=ctx.self_check("#/")>
                {text(|l| tr!(l, requests.new_check))}
            </a>
        </p>
    }
}

fn item_view(item: Item) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let filed = Timestamp::parse(&item.filed_at).ok();
    let Item {
        id,
        kind,
        order_number,
        sync,
        status,
        code,
        href,
        ..
    } = item;
    view! {
        <li class="asp-request-item" data-id=id data-sync=sync data-status=status.map(status_id)>
            <a class="asp-request-link" href=href>
                <span class="asp-request-title">
                    {move || i18n::request_type(ctx.lang.get(), kind)} " · " {order_number}
                </span>
                {filed
                    .map(|at| {
                        view! {
                            <span class="asp-request-meta">
                                {move || {
                                    let l = ctx.lang.get();
                                    let now = ctx.clock.get();
                                    tr!(l, requests.filed_on, when = when(at, now, l)).to_string()
                                }}
                            </span>
                        }
                    })}
                <span class="asp-badges">
                    <span class=format!(
                        "asp-badge asp-sync-{sync}",
                    )>{move || sync_text(ctx.lang.get(), sync)}</span>
                    {status
                        .map(|s| {
                            view! {
                                <span class=format!(
                                    "asp-badge asp-status-{}",
                                    status_id(s),
                                )>{move || status_text(ctx.lang.get(), s)}</span>
                            }
                        })}
                </span>
                {code
                    .map(|code| {
                        view! {
                            <span class="asp-request-code">
                                {move || tr!(ctx.lang.get(), requests.tracking_code)}
                                {move || colon(ctx.lang.get())} <span class="asp-code">{code}</span>
                            </span>
                        }
                    })}
            </a>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::requests::outbox::OutboxState;

    fn entry(id: &str, state: OutboxState, photos: Vec<PhotoState>) -> OutboxView {
        OutboxView {
            id: id.into(),
            request_type: RequestType::Return,
            order_number: "DEMO-1003".into(),
            filed_at: "2026-11-22T10:00:00+08:00".into(),
            state,
            tracking_code: (state == OutboxState::Received).then(|| "AB2CD3EF".into()),
            problem: None,
            last_failure: None,
            attempts: 0,
            next_attempt_at: None,
            photos,
        }
    }

    fn mine(id: &str) -> MyRequest {
        MyRequest {
            id: id.into(),
            tracking_code: "CODE".into(),
            request_type: RequestType::Repair,
            order_number: "DEMO-1004".into(),
            filed_at: "2026-11-21T10:00:00+08:00".into(),
            status: RequestStatus::InProgress,
            checked_at: 0.0,
            photos_failed: 0,
        }
    }

    #[test]
    fn outbox_entries_come_first_and_requests_are_listed_once() {
        let entries = [
            entry("a", OutboxState::Saved, vec![]),
            entry("b", OutboxState::Received, vec![PhotoState::Queued]),
            entry("c", OutboxState::NeedsFix, vec![]),
        ];
        let list = items(&entries, &[mine("b"), mine("d")]);
        let ids: Vec<&str> = list.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["c", "b", "a", "d"]);
        let syncs: Vec<&str> = list.iter().map(|i| i.sync).collect();
        assert_eq!(syncs, ["needs_fix", "photos", "saved", "sent"]);
        assert_eq!(list[1].status, Some(RequestStatus::InProgress));
        assert_eq!(list[1].href, "#/o/b");
        assert_eq!(list[3].href, "#/r/d?code=CODE");
        assert_eq!(list[3].code.as_deref(), Some("CODE"));
    }
}
