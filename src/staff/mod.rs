//! The staff console (`staff.html`, bin `aftersales-staff`): the store's people
//! work the customers' requests through the store's procedure. Its own WASM,
//! never part of a customer's load, and no service worker precaches it.
//!
//! - [`sign_in`] the sign-in form (the session is an `HttpOnly` cookie; the
//!   CSRF token of its answer goes with every change, `browser::http`);
//! - [`queue`] `#/`, `#/<tab>`: the requests by status or waiting for the
//!   member's roles, with filters, search and a CSV export, each with its next
//!   service level's live countdown, refreshed every 15 s;
//! - [`request`] `#/r/<id>`: one request in full, and the moves the member's
//!   roles allow;
//! - [`reports`] `#/reports`: the dashboard, charts of the requests over time
//!   and the service levels kept;
//! - [`accounts`] `#/accounts`: the administrator's accounts page.

mod accounts;
pub mod api;
mod queue;
mod reports;
mod request;
mod sign_in;

use leptos::prelude::*;

use aftersales_rules::{StaffRole, Timestamp};

use crate::browser::router::{encode, split_fragment, Fragment, HashRouter};
use crate::browser::{clock, http, language};
use crate::ui::i18n::Lang;
use crate::ui::text::{self, text};
use api::Session;

/// Where the API lives, relative to the console's page.
const API: &str = "api/";

/// The queue's tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    New,
    /// Open requests whose next step is one of the member's roles.
    Waiting,
    InProgress,
    Closed,
    Rejected,
}

impl Tab {
    pub const ALL: [Tab; 5] = [
        Tab::New,
        Tab::Waiting,
        Tab::InProgress,
        Tab::Closed,
        Tab::Rejected,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Tab::New => "new",
            Tab::Waiting => "waiting",
            Tab::InProgress => "in_progress",
            Tab::Closed => "closed",
            Tab::Rejected => "rejected",
        }
    }

    /// The server's query for the tab.
    pub fn query(self) -> (&'static str, &'static str) {
        match self {
            Tab::New => ("status", "received"),
            Tab::Waiting => ("waiting", "true"),
            other => ("status", other.id()),
        }
    }

    fn parse(id: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|t| t.id() == id)
    }
}

/// A page of the console, from the location's fragment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Page {
    Queue(Tab),
    Request(String),
    Reports,
    Accounts,
    NotFound,
}

impl Fragment for Page {
    fn parse(hash: &str) -> Page {
        let (segments, _) = split_fragment(hash);
        let seg: Vec<&str> = segments.iter().map(String::as_str).collect();
        match seg.as_slice() {
            [] => Page::Queue(Tab::New),
            ["reports"] => Page::Reports,
            ["accounts"] => Page::Accounts,
            [tab] => Tab::parse(tab).map_or(Page::NotFound, Page::Queue),
            ["r", id] => Page::Request((*id).to_owned()),
            _ => Page::NotFound,
        }
    }

    fn href(&self) -> String {
        match self {
            Page::Queue(Tab::New) => "#/".to_owned(),
            Page::Queue(tab) => format!("#/{}", tab.id()),
            Page::Request(id) => format!("#/r/{}", encode(id)),
            Page::Reports => "#/reports".to_owned(),
            Page::Accounts => "#/accounts".to_owned(),
            Page::NotFound => "#/not-found".to_owned(),
        }
    }
}

/// What every page needs. All `Copy` handles.
#[derive(Clone, Copy)]
pub struct Ctx {
    pub lang: RwSignal<Lang>,
    pub router: HashRouter<Page>,
    pub session: RwSignal<Option<Session>>,
    pub clock: ReadSignal<Timestamp>,
    /// The policy's product kinds (`kinds` of `policy.json`), for their names.
    pub kinds: RwSignal<Option<serde_json::Value>>,
}

impl Ctx {
    /// The call failed because the session ended: back to the sign-in form.
    pub fn check_signed_in(&self, failure: &api::Failure) {
        if failure.signed_out() {
            self.session.set(None);
        }
    }
}

/// A role in words.
pub fn role_name(l: Lang, role: StaffRole) -> &'static str {
    match role {
        StaffRole::FrontDesk => tr!(l, staff.role.front_desk),
        StaffRole::ServiceCentre => tr!(l, staff.role.service_centre),
        StaffRole::Technician => tr!(l, staff.role.technician),
        StaffRole::StoreManager => tr!(l, staff.role.store_manager),
        StaffRole::OperationsHead => tr!(l, staff.role.operations_head),
        StaffRole::GeneralManager => tr!(l, staff.role.general_manager),
        StaffRole::Finance => tr!(l, staff.role.finance),
        StaffRole::Admin => tr!(l, staff.role.admin),
    }
}

/// A failure in words: the server's own message where it gave one.
pub fn failure_text(l: Lang, failure: &api::Failure) -> String {
    match failure {
        api::Failure::Network => tr!(l, staff.error_network).to_owned(),
        api::Failure::Refused { message, .. } if !message.is_empty() => message.clone(),
        _ => tr!(l, staff.error_unreadable).to_owned(),
    }
}

/// Whether the session has been looked up yet.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Start {
    Asking,
    Known,
}

#[component]
pub fn App() -> impl IntoView {
    let lang = RwSignal::new(language::initial_lang(None));
    text::set_language(lang);
    Effect::new(move |_| {
        let l = lang.get();
        http::set_language(l.code());
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("lang", l.code());
        }
    });
    let ctx = Ctx {
        lang,
        router: HashRouter::install(),
        session: RwSignal::new(None),
        clock: clock::ticking(),
        kinds: RwSignal::new(None),
    };
    provide_context(ctx);
    let start = RwSignal::new(Start::Asking);
    leptos::task::spawn_local(async move {
        if let Ok(s) = api::session(API).await {
            ctx.session.set(Some(s));
        }
        start.set(Start::Known);
        ctx.kinds.set(api::policy_kinds(API).await);
    });
    let switch_lang = move |_| {
        lang.update(|l| *l = l.other());
        language::remember(lang.get_untracked());
    };
    let sign_out = move |_| {
        leptos::task::spawn_local(async move {
            api::sign_out(API).await;
            ctx.session.set(None);
        });
    };
    view! {
        <div class="stf">
            <header class="stf-header">
                <h1 class="stf-title">
                    <a href="#/">{text(|l| tr!(l, staff.title))}</a>
                </h1>
                <nav class="stf-nav" aria-label=text(|l| tr!(l, staff.nav_label))>
                    {move || {
                        ctx.session
                            .get()
                            .map(|s| {
                                let l = lang.get();
                                let roles = s
                                    .roles
                                    .iter()
                                    .map(|r| role_name(l, *r))
                                    .collect::<Vec<_>>()
                                    .join(tr!(l, staff.list_separator));
                                let admin = s.has(StaffRole::Admin);
                                view! {
                                    <a class="stf-navlink" href=Page::Queue(Tab::New).href()>
                                        {tr!(l, staff.nav_queue)}
                                    </a>
                                    <a class="stf-navlink" href=Page::Reports.href()>
                                        {tr!(l, staff.nav_reports)}
                                    </a>
                                    {admin
                                        .then(|| {
                                            view! {
                                                <a class="stf-navlink" href=Page::Accounts.href()>
                                                    {tr!(l, staff.nav_accounts)}
                                                </a>
                                            }
                                        })}
                                    <span class="stf-who">
                                        <span class="stf-user">{s.username.clone()}</span>
                                        <span class="stf-roles">{roles}</span>
                                    </span>
                                    <button type="button" class="stf-button" on:click=sign_out>
                                        {text(|l| tr!(l, staff.sign_out))}
                                    </button>
                                }
                            })
                    }}
                    <button type="button" class="stf-button stf-lang" on:click=switch_lang>
                        <span lang=move || {
                            lang.get().other().code()
                        }>{move || lang.get().other().endonym()}</span>
                    </button>
                </nav>
            </header>
            <main class="stf-main" id="stf-main">
                {move || match (start.get(), ctx.session.get().is_some()) {
                    (Start::Asking, _) => {
                        view! { <p class="stf-loading">{text(|l| tr!(l, staff.loading))}</p> }
                            .into_any()
                    }
                    (Start::Known, false) => view! { <sign_in::SignIn /> }.into_any(),
                    (Start::Known, true) => {
                        match ctx.router.route.get() {
                            Page::Queue(tab) => view! { <queue::Queue tab /> }.into_any(),
                            Page::Request(id) => view! { <request::Request id /> }.into_any(),
                            Page::Reports => view! { <reports::Reports /> }.into_any(),
                            Page::Accounts => view! { <accounts::Accounts /> }.into_any(),
                            Page::NotFound => {
                                view! {
                                    <p role="alert">{text(|l| tr!(l, staff.not_found))}</p>
                                    <a href="#/">{text(|l| tr!(l, staff.back_to_queue))}</a>
                                }
                                    .into_any()
                            }
                        }
                    }
                }}
            </main>
        </div>
    }
}
