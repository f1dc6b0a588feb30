//! The one form field of every app: label, input, hint and error, wired for
//! assistive technology.

use leptos::prelude::*;

/// How an input is typed: `type`, `inputmode` and `autocomplete`.
#[derive(Clone, Copy)]
pub struct InputKind(pub &'static str, pub &'static str, pub &'static str);

pub const TEXT: InputKind = InputKind("text", "text", "off");
pub const PHONE: InputKind = InputKind("tel", "tel", "tel");
pub const WHEN: InputKind = InputKind("datetime-local", "none", "off");
pub const COUNT: InputKind = InputKind("number", "numeric", "off");
pub const AMOUNT: InputKind = InputKind("text", "decimal", "off");

/// A labelled input with its hint and error message, wired for assistive
/// technology (`aria-invalid`, `aria-describedby`). Every field of every form is
/// drawn by this one function, so its view code is compiled once (WASM size).
pub fn input_field(
    id: String,
    label: Signal<String>,
    kind: InputKind,
    value: RwSignal<String>,
    hint: Option<Signal<String>>,
    error: Signal<Option<&'static str>>,
) -> AnyView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = if hint.is_some() {
        format!("{hint_id} {error_id}")
    } else {
        error_id.clone()
    };
    view! {
        <div class="asp-field">
            <label for=id.clone()>{move || label.get()}</label>
            <input
                id=id
                type=kind.0
                inputmode=kind.1
                autocomplete=kind.2
                aria-invalid=move || error.get().map(|_| "true")
                aria-describedby=described
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            {hint
                .map(|h| {
                    view! {
                        <p class="asp-hint" id=hint_id>
                            {move || h.get()}
                        </p>
                    }
                })}
            <p class="asp-error" id=error_id>
                {move || error.get()}
            </p>
        </div>
    }
    .into_any()
}
