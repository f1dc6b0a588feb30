//! The self-check's steps as routes: every step is a URL in the fragment
//! (`#/return/ask/goods_intact`, `#/return?order=SO-1001`).

use aftersales_rules::{Condition, RequestType};

use crate::browser::embed::PageId;
use crate::browser::router::{encode, query_param, split_fragment, Fragment, HashRouter};

/// The self-check's router.
pub type Router = HashRouter<Route>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// "What do you need?"
    Start,
    /// Which order: look it up, pick a demo, or go to hand entry. `number` prefills
    /// the lookup (`#/return?order=SO-1001`).
    Order {
        request: RequestType,
        number: Option<String>,
    },
    /// Enter the order by hand.
    Manual(RequestType),
    /// Which items the request is about.
    Items(RequestType),
    /// Why (returns and exchanges): a quality defect or another reason.
    Reason(RequestType),
    /// What a complaint is about.
    About,
    /// One question the answer depends on: a condition of the decision.
    Ask(RequestType, Condition),
    /// The answer.
    Answer(RequestType),
    /// File the request.
    File(RequestType),
    /// The requests filed from this device.
    Requests,
    /// One request, opened by id and tracking code (works on any device).
    Track {
        id: String,
        code: String,
    },
    NotFound,
}

impl Fragment for Route {
    fn parse(hash: &str) -> Route {
        let (segments, query) = split_fragment(hash);
        let param = |name: &str| query_param(query, name);
        let seg: Vec<&str> = segments.iter().map(String::as_str).collect();
        if let ["requests", rest @ ..] = seg.as_slice() {
            return match rest {
                [] => Route::Requests,
                [id] => match param("code") {
                    Some(code) => Route::Track {
                        id: (*id).to_owned(),
                        code,
                    },
                    None => Route::Requests,
                },
                _ => Route::NotFound,
            };
        }
        let Some((&first, rest)) = seg.split_first() else {
            return Route::Start;
        };
        let Some(request) = RequestType::parse(first) else {
            return Route::NotFound;
        };
        match rest {
            [] => Route::Order {
                request,
                number: param("order"),
            },
            ["manual"] => Route::Manual(request),
            ["items"] => Route::Items(request),
            ["reason"] if matches!(request, RequestType::Return | RequestType::Exchange) => {
                Route::Reason(request)
            }
            ["about"] if request == RequestType::Complaint => Route::About,
            ["ask", condition] => {
                Condition::parse(condition).map_or(Route::NotFound, |c| Route::Ask(request, c))
            }
            ["answer"] => Route::Answer(request),
            ["file"] => Route::File(request),
            _ => Route::NotFound,
        }
    }

    fn href(&self) -> String {
        let path = match self {
            Route::Start => String::new(),
            Route::Order { request, number } => match number {
                Some(n) => format!("{}?order={}", request.as_str(), encode(n)),
                None => request.as_str().to_owned(),
            },
            Route::Manual(r) => format!("{}/manual", r.as_str()),
            Route::Items(r) => format!("{}/items", r.as_str()),
            Route::Reason(r) => format!("{}/reason", r.as_str()),
            Route::About => "complaint/about".to_owned(),
            Route::Ask(r, c) => format!("{}/ask/{}", r.as_str(), encode(c.as_wire())),
            Route::Answer(r) => format!("{}/answer", r.as_str()),
            Route::File(r) => format!("{}/file", r.as_str()),
            Route::Requests => "requests".to_owned(),
            Route::Track { id, code } => format!("requests/{}?code={}", encode(id), encode(code)),
            Route::NotFound => "not-found".to_owned(),
        };
        format!("#/{path}")
    }
}

impl Route {
    /// Where a filing or tracking route lives now: its fragment in the requests app.
    pub fn requests_fragment(&self) -> Option<String> {
        match self {
            Route::File(r) => Some(format!("#/file/{}", r.as_str())),
            Route::Requests => Some("#/".to_owned()),
            Route::Track { id, code } => Some(format!("#/r/{}?code={}", encode(id), encode(code))),
            _ => None,
        }
    }

    /// The page a host page is told about (`browser::embed`); none for the
    /// routes that leave for the requests app or do not exist.
    pub fn page_id(&self) -> Option<PageId> {
        match self {
            Route::Start => Some(PageId::Start),
            Route::Order { .. } | Route::Manual(_) => Some(PageId::Order),
            Route::Items(_) | Route::Reason(_) | Route::About | Route::Ask(..) => {
                Some(PageId::Question)
            }
            Route::Answer(_) => Some(PageId::Answer),
            Route::File(_) | Route::Requests | Route::Track { .. } | Route::NotFound => None,
        }
    }

    /// A step of a check after the start page: in the steps' own part of the
    /// WASM (`self_check::steps`).
    pub fn is_step(&self) -> bool {
        matches!(self.page_id(), Some(p) if p != PageId::Start)
    }

    /// The request type a step belongs to.
    pub fn request(&self) -> Option<RequestType> {
        match self {
            Route::Order { request, .. } => Some(*request),
            Route::Manual(r)
            | Route::Items(r)
            | Route::Reason(r)
            | Route::Ask(r, _)
            | Route::Answer(r)
            | Route::File(r) => Some(*r),
            Route::About => Some(RequestType::Complaint),
            Route::Start | Route::Requests | Route::Track { .. } | Route::NotFound => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_round_trips_through_its_fragment() {
        let routes = [
            Route::Start,
            Route::Order {
                request: RequestType::Return,
                number: Some("SO 1001/二".into()),
            },
            Route::Order {
                request: RequestType::Cancel,
                number: None,
            },
            Route::Manual(RequestType::Repair),
            Route::Items(RequestType::Exchange),
            Route::Reason(RequestType::Return),
            Route::About,
            Route::Ask(
                RequestType::Return,
                Condition::parse("document:receipt_or_invoice").unwrap(),
            ),
            Route::Answer(RequestType::Cancel),
            Route::File(RequestType::Complaint),
            Route::Requests,
            Route::Track {
                id: "0b9c6a5e-2f0e-4f6b-9a51-1f6f4a3e2c11".into(),
                code: "K7P-2XQ".into(),
            },
        ];
        for route in routes {
            assert_eq!(Route::parse(&route.href()), route, "{}", route.href());
        }
    }

    #[test]
    fn odd_fragments_are_handled() {
        assert_eq!(Route::parse(""), Route::Start);
        assert_eq!(Route::parse("#"), Route::Start);
        assert_eq!(Route::parse("#/"), Route::Start);
        assert_eq!(Route::parse("#/refund"), Route::NotFound);
        assert_eq!(Route::parse("#/return/ask/colour"), Route::NotFound);
        assert_eq!(Route::parse("#/cancel/reason"), Route::NotFound);
        assert_eq!(Route::parse("#/requests/abc"), Route::Requests);
        assert_eq!(
            Route::parse("#/return?order=SO-1%"),
            Route::Order {
                request: RequestType::Return,
                number: Some("SO-1%".into())
            }
        );
    }
}
