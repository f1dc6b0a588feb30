//! The administrator's accounts page (`#/accounts`): every account with its
//! roles, adding one, changing its roles or password, disabling and enabling
//! it. The server enforces the `admin` role; others are told they may not.

use leptos::prelude::*;

use aftersales_rules::StaffRole;

use super::api::{self, Account};
use super::{failure_text, role_name, Ctx, API};
use crate::ui::i18n::Lang;
use crate::ui::text::text;

type Accounts = RwSignal<Option<Result<Vec<Account>, api::Failure>>>;

/// Role checkboxes bound to `chosen`; `prefix` keeps their ids unique on the page.
fn role_boxes(l: Lang, chosen: RwSignal<Vec<StaffRole>>, prefix: String) -> impl IntoView {
    StaffRole::ALL
        .iter()
        .map(|role| {
            let role = *role;
            let id = format!("{prefix}-{}", role.as_str());
            let for_id = id.clone();
            view! {
                <label class="stf-filter stf-check" for=for_id>
                    <input
                        type="checkbox"
                        id=id
                        value=role.as_str()
                        prop:checked=move || chosen.get().contains(&role)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            chosen
                                .update(|c| {
                                    c.retain(|r| *r != role);
                                    if on {
                                        c.push(role);
                                    }
                                });
                        }
                    />
                    <span>{role_name(l, role)}</span>
                </label>
            }
        })
        .collect_view()
}

#[component]
pub fn Accounts() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let accounts: Accounts = RwSignal::new(None);
    let notice = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move {
        let answer = api::accounts(API).await;
        if let Err(f) = &answer {
            ctx.check_signed_in(f);
        }
        accounts.set(Some(answer));
    });

    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let roles = RwSignal::new(Vec::<StaffRole>::new());
    let busy = RwSignal::new(false);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let (u, p, r) = (
            username.get_untracked(),
            password.get_untracked(),
            roles.get_untracked(),
        );
        leptos::task::spawn_local(async move {
            let l = ctx.lang.get_untracked();
            match api::add_account(API, u.trim(), &p, &r).await {
                Ok(list) => {
                    username.set(String::new());
                    password.set(String::new());
                    roles.set(Vec::new());
                    notice.set(Some(
                        tr!(l, staff.accounts.added, name = u.trim().to_owned()).to_string(),
                    ));
                    accounts.set(Some(Ok(list)));
                }
                Err(f) => notice.set(Some(failure_text(l, &f))),
            }
            busy.set(false);
        });
    };

    let list = move || {
        let l = ctx.lang.get();
        match accounts.get() {
            None => view! { <p class="stf-loading">{tr!(l, staff.loading)}</p> }.into_any(),
            Some(Err(f)) => view! { <p role="alert">{failure_text(l, &f)}</p> }.into_any(),
            Some(Ok(list)) => {
                let me = ctx.session.get().map(|s| s.username).unwrap_or_default();
                let rows = list
                    .into_iter()
                    .map(|a| account_row(l, a, &me, accounts, notice))
                    .collect_view();
                view! {
                    <table class="stf-table stf-accounts">
                        <thead>
                            <tr>
                                <th scope="col">{tr!(l, staff.username)}</th>
                                <th scope="col">{tr!(l, staff.accounts.roles)}</th>
                                <th scope="col">{tr!(l, staff.accounts.state)}</th>
                                <th scope="col">{tr!(l, staff.accounts.actions)}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                }
                .into_any()
            }
        }
    };
    view! {
        <section aria-labelledby="stf-accounts-title">
            <h2 id="stf-accounts-title">{text(|l| tr!(l, staff.accounts.title))}</h2>
            <div class="stf-notice" role="status" aria-live="polite">
                {move || notice.get().map(|n| view! { <p>{n}</p> })}
            </div>
            {list}
            <form class="stf-card stf-add-account" on:submit=add>
                <h3>{text(|l| tr!(l, staff.accounts.add_title))}</h3>
                <label class="stf-field">
                    <span>{text(|l| tr!(l, staff.username))}</span>
                    <input
                        type="text"
                        name="new_username"
                        required
                        maxlength="64"
                        autocomplete="off"
                        pattern="[A-Za-z0-9._@\\-]+"
                        prop:value=move || username.get()
                        on:input=move |ev| username.set(event_target_value(&ev))
                    />
                </label>
                <label class="stf-field">
                    <span>{text(|l| tr!(l, staff.accounts.new_password))}</span>
                    <input
                        type="password"
                        name="new_password"
                        required
                        minlength="8"
                        autocomplete="new-password"
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev))
                    />
                </label>
                <fieldset class="stf-roles-choice">
                    <legend>{text(|l| tr!(l, staff.accounts.roles))}</legend>
                    {move || role_boxes(ctx.lang.get(), roles, "new".into())}
                </fieldset>
                <button
                    type="submit"
                    class="stf-button stf-primary"
                    prop:disabled=move || busy.get() || roles.get().is_empty()
                >
                    {text(|l| tr!(l, staff.accounts.add))}
                </button>
            </form>
        </section>
    }
}

/// One account: its roles (changeable), whether it is disabled, and its actions.
fn account_row(
    l: Lang,
    a: Account,
    me: &str,
    accounts: Accounts,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let name = StoredValue::new(a.username.clone());
    let roles = RwSignal::new(a.roles.clone());
    let new_password = RwSignal::new(String::new());
    let editing = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let disabled = a.disabled_at.is_some();
    let is_me = a.username == me;
    let change = move |body: serde_json::Value| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let l = crate::ui::text::language().get_untracked();
            let who = name.get_value();
            match api::change_account(API, &who, body).await {
                Ok(list) => {
                    notice.set(Some(tr!(l, staff.accounts.changed, name = who).to_string()));
                    accounts.set(Some(Ok(list)));
                }
                Err(f) => notice.set(Some(failure_text(l, &f))),
            }
            busy.set(false);
        });
    };
    let role_text = a
        .roles
        .iter()
        .map(|r| role_name(l, *r))
        .collect::<Vec<_>>()
        .join(tr!(l, staff.list_separator));
    let state = match &a.disabled_at {
        Some(at) => tr!(
            l,
            staff.accounts.disabled_since,
            at = at.get(..10).unwrap_or(at).to_owned()
        )
        .to_string(),
        None => tr!(l, staff.accounts.active).to_owned(),
    };
    let prefix = format!("acct-{}", a.username);
    view! {
        <tr data-account=a.username.clone() data-disabled=disabled.then_some("")>
            <td>{a.username.clone()}</td>
            <td data-label=tr!(l, staff.accounts.roles)>{role_text}</td>
            <td data-label=tr!(l, staff.accounts.state)>{state}</td>
            <td data-label=tr!(l, staff.accounts.actions)>
                <button
                    type="button"
                    class="stf-button"
                    aria-expanded=move || editing.get().to_string()
                    on:click=move |_| editing.update(|e| *e = !*e)
                >
                    {tr!(l, staff.accounts.edit)}
                </button>
                {(!is_me)
                    .then(|| {
                        let label = if disabled {
                            tr!(l, staff.accounts.enable)
                        } else {
                            tr!(l, staff.accounts.disable)
                        };
                        view! {
                            <button
                                type="button"
                                class=if disabled { "stf-button" } else { "stf-button stf-danger" }
                                prop:disabled=move || busy.get()
                                on:click=move |_| change(
                                    serde_json::json!({ "disabled": !disabled }),
                                )
                            >
                                {label}
                            </button>
                        }
                    })}
                <div class="stf-account-edit" hidden=move || !editing.get()>
                    <fieldset class="stf-roles-choice">
                        <legend>{tr!(l, staff.accounts.roles)}</legend>
                        {role_boxes(l, roles, prefix)}
                    </fieldset>
                    <button
                        type="button"
                        class="stf-button"
                        prop:disabled=move || busy.get() || roles.get().is_empty()
                        on:click=move |_| change(
                            serde_json::json!({ "roles": roles.get_untracked() }),
                        )
                    >
                        {tr!(l, staff.accounts.save_roles)}
                    </button>
                    <label class="stf-field">
                        <span>{tr!(l, staff.accounts.new_password)}</span>
                        <input
                            type="password"
                            minlength="8"
                            autocomplete="new-password"
                            prop:value=move || new_password.get()
                            on:input=move |ev| new_password.set(event_target_value(&ev))
                        />
                    </label>
                    <button
                        type="button"
                        class="stf-button"
                        prop:disabled=move || busy.get() || new_password.get().chars().count() < 8
                        on:click=move |_| {
                            let p = new_password.get_untracked();
                            new_password.set(String::new());
                            change(serde_json::json!({ "password": p }));
                        }
                    >
                        {tr!(l, staff.accounts.set_password)}
                    </button>
                </div>
            </td>
        </tr>
    }
}
