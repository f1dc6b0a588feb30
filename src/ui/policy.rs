//! Loading the store's policy (`policy.json`) at run time, validated by the
//! engine, and what a customer sees when it cannot be used.

use std::sync::Arc;

use leptos::prelude::*;

use aftersales_rules::zone::Zone;
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

/// Validates a fetched `policy.json` (`url` says where the zone table sits).
/// The store's time zone is resolved without the zone table when it is one of
/// the few built in (`Zone::builtin`); for any other, the table is fetched as
/// data (`zones.json` beside the policy), so the first load carries no table.
pub async fn read_policy(url: &str, text: &str) -> Loaded {
    let errors = match Policy::from_json_with_zones(text, &Zone::builtin) {
        Ok(p) => return Loaded::Ready(Arc::new(p)),
        Err(errors) if !errors.0.iter().any(|e| e.path == "time_zone") => errors,
        Err(_) => match http::fetch_text(&zones_url(url)).await {
            Err(e) => return Loaded::Failed(e),
            Ok(table) => {
                let table = zone_table(&table);
                let zones = |name: &str| {
                    let rule = table.as_ref()?.get(name)?.as_str()?;
                    Zone::with_rule(name, rule)
                };
                match Policy::from_json_with_zones(text, &zones) {
                    Ok(p) => return Loaded::Ready(Arc::new(p)),
                    Err(errors) => errors,
                }
            }
        },
    };
    Loaded::Invalid(errors.0.iter().map(ToString::to_string).collect())
}

/// `zones.json` beside the policy file.
fn zones_url(policy_url: &str) -> String {
    let base = policy_url.split(['?', '#']).next().unwrap_or_default();
    match base.rfind('/') {
        Some(slash) => format!("{}zones.json", &base[..=slash]),
        None => "zones.json".to_owned(),
    }
}

/// The zone table as data, `{"Europe/Berlin": "CET-1CEST,M3.5.0,M10.5.0/3", …}`.
fn zone_table(text: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    match serde_json::from_str(text) {
        Ok(serde_json::Value::Object(map)) => Some(map),
        _ => None,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_zone_table_sits_beside_the_policy() {
        assert_eq!(zones_url("policy.json"), "zones.json");
        assert_eq!(
            zones_url("/shop/after-sales/policy.json?v=3"),
            "/shop/after-sales/zones.json"
        );
        assert_eq!(
            zones_url("https://cdn.example.com/p/policy.json"),
            "https://cdn.example.com/p/zones.json"
        );
    }

    #[test]
    fn a_zone_outside_the_builtin_ones_is_read_from_the_table_as_data() {
        let mut json: serde_json::Value =
            serde_json::from_str(aftersales_rules::policy::DEFAULT_POLICY_JSON).unwrap();
        json["time_zone"] = "Europe/Berlin".into();
        let text = json.to_string();
        let errors = Policy::from_json_with_zones(&text, &Zone::builtin).unwrap_err();
        assert!(errors.0.iter().all(|e| e.path == "time_zone"), "{errors}");
        let table = zone_table(&Zone::table_json()).unwrap();
        let zones = |name: &str| Zone::with_rule(name, table.get(name)?.as_str()?);
        let policy = Policy::from_json_with_zones(&text, &zones).unwrap();
        assert_eq!(policy.time_zone, Zone::named("Europe/Berlin").unwrap());
        assert_eq!(zone_table("[]"), None);
    }
}
