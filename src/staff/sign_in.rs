//! The sign-in form. A wrong password, a locked account and a locked client
//! get the server's own words; the form never says which usernames exist.

use leptos::prelude::*;

use super::{api, failure_text, Ctx, API};
use crate::ui::text::text;

#[component]
pub fn SignIn() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<api::Failure>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        problem.set(None);
        let (user, pass) = (username.get_untracked(), password.get_untracked());
        leptos::task::spawn_local(async move {
            match api::sign_in(API, user.trim(), &pass).await {
                Ok(session) => {
                    password.set(String::new());
                    ctx.session.set(Some(session));
                }
                Err(failure) => problem.set(Some(failure)),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="stf-card stf-sign-in" aria-labelledby="stf-sign-in-title">
            <h2 id="stf-sign-in-title">{text(|l| tr!(l, staff.sign_in_title))}</h2>
            <form on:submit=submit novalidate>
                <label class="stf-field">
                    <span>{text(|l| tr!(l, staff.username))}</span>
                    <input
                        name="username"
                        autocomplete="username"
                        autocapitalize="none"
                        required
                        prop:value=move || username.get()
                        on:input=move |ev| username.set(event_target_value(&ev))
                    />
                </label>
                <label class="stf-field">
                    <span>{text(|l| tr!(l, staff.password))}</span>
                    <input
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev))
                    />
                </label>
                <div class="stf-problem" role="alert" aria-live="assertive">
                    {move || {
                        problem.get().map(|f| view! { <p>{failure_text(ctx.lang.get(), &f)}</p> })
                    }}
                </div>
                <button
                    type="submit"
                    class="stf-button stf-primary"
                    prop:disabled=move || busy.get()
                >
                    {text(|l| tr!(l, staff.sign_in))}
                </button>
            </form>
        </section>
    }
}
