//! Loading the store's policy (`policy.json`) at run time, validated by the
//! engine, and what a customer sees when it cannot be used.

use std::sync::Arc;

use leptos::prelude::*;

use aftersales_rules::Policy;

use crate::browser::http::{self, FetchError};
use crate::ui::text::text;

/// What loading `policy.json` came to.
#[derive(Clone)]
pub enum Loaded {
    Ready(Arc<Policy>),
    Invalid(Vec<String>),
    Failed(FetchError),
}

impl Loaded {
    pub fn ready(&self) -> Option<Arc<Policy>> {
        match self {
            Loaded::Ready(policy) => Some(policy.clone()),
            _ => None,
        }
    }
}

/// Fetches `policy.json` and validates it with the engine.
pub async fn load_policy(url: String) -> Loaded {
    match http::fetch_text(&url).await {
        Err(e) => Loaded::Failed(e),
        Ok(text) => match Policy::from_json(&text) {
            Ok(p) => Loaded::Ready(Arc::new(p)),
            Err(errors) => Loaded::Invalid(errors.0.iter().map(ToString::to_string).collect()),
        },
    }
}

/// Why the policy cannot be used (nothing for a ready one).
pub fn policy_problem(loaded: Loaded) -> AnyView {
    match loaded {
        Loaded::Ready(_) => ().into_any(),
        Loaded::Invalid(errors) => view! {
            <div class="asp-alert" role="alert">
                <p class="asp-alert-title">{text(|l| tr!(l, portal.policy_invalid))}</p>
                <p>{text(|l| tr!(l, portal.policy_invalid_hint))}</p>
                // Field paths and messages come from the engine; they are technical and
                // stay as written (lang="en") for the store's staff.
                <ul class="asp-errors" lang="en">
                    {errors
                        .into_iter()
                        .map(|e| {
                            view! {
                                <li>
                                    <code>{e}</code>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </div>
        }
        .into_any(),
        Loaded::Failed(error) => {
            let detail = match error {
                FetchError::Status(code) => Some(code),
                FetchError::Unreachable => None,
            };
            view! {
                <div class="asp-alert" role="alert">
                    <p class="asp-alert-title">{text(|l| tr!(l, portal.load_failed))}</p>
                    {detail
                        .map(|code| {
                            view! {
                                <p>{text(|l| tr!(l, portal.load_failed_status))} " " {code}</p>
                            }
                        })}
                </div>
            }
            .into_any()
        }
    }
}
