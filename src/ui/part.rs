//! Parts of an app's WASM fetched on demand: the self-check's steps after the
//! start page, the requests app's pages.
//!
//! An app's bin declares each part with [`part!`]: in release builds
//! (`--cfg aftersales_split`, `scripts/build-portal.sh`) the part's view
//! becomes a split point, and `scripts/split-wasm.mjs` moves it, with all it
//! alone reaches, into a WASM file of its own; other builds link it in. The
//! split point sits in the bin because it is an exported function: in the
//! library it would be linked into every app. A page shows a part through
//! [`Loading`], which fetches it, stands in while it comes, and offers to try
//! again if it cannot come.

use std::future::Future;
use std::pin::{pin, Pin};
use std::task::{Context, Poll, Waker};

use leptos::prelude::*;

use crate::ui::text::text;

/// A part could not be fetched (offline before it was ever loaded).
#[derive(Debug)]
pub struct PartUnavailable;

impl From<leptos::wasm_split::SplitLoaderError> for PartUnavailable {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        PartUnavailable
    }
}

/// Fetches a part (at once for one linked in).
pub type Fetch = fn() -> Pin<Box<dyn Future<Output = Result<(), PartUnavailable>>>>;

/// A part taking `A`: how to fetch it, and how to enter it once fetched.
pub struct Part<A: 'static> {
    pub fetch: Fetch,
    /// `None` if the part is not in yet.
    pub enter: fn(A) -> Option<AnyView>,
}

impl<A> Clone for Part<A> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<A> Copy for Part<A> {}

/// The [`Fetch`] of a part linked in.
pub fn linked() -> Pin<Box<dyn Future<Output = Result<(), PartUnavailable>>>> {
    Box::pin(async { Ok(()) })
}

/// The value of a future that needs no waiting (entering a part already
/// fetched), polled once.
pub fn completed<T>(future: impl Future<Output = T>) -> Option<T> {
    match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(value) => Some(value),
        Poll::Pending => None,
    }
}

/// Declares a part in an app's bin: `part!(steps: Entry => steps::view)` is
/// the [`Part`] whose view is `steps::view(entry)`, split off in release builds.
/// The name is the part's file name (`aftersales-portal-<hash>-steps.wasm`).
#[macro_export]
macro_rules! part {
    ($name:ident : $arg:ty => $view:path) => {{
        #[cfg(not(aftersales_split))]
        let part = $crate::ui::part::Part::<$arg> {
            fetch: $crate::ui::part::linked,
            enter: |arg| Some($view(arg)),
        };
        #[cfg(aftersales_split)]
        let part = {
            // The split point: its signature crosses between WASM files, and a
            // load failure is returned, never a panic (which would abort).
            #[::leptos::wasm_split::wasm_split(
                $name,
                wasm_split_path = ::leptos::wasm_split,
                fallible,
                preload(fetch)
            )]
            fn enter(
                arg: $arg,
            ) -> ::std::result::Result<::leptos::prelude::AnyView, $crate::ui::part::PartUnavailable>
            {
                Ok($view(arg))
            }
            $crate::ui::part::Part::<$arg> {
                fetch: || {
                    ::std::boxed::Box::pin(async {
                        fetch().await.map_err($crate::ui::part::PartUnavailable::from)
                    })
                },
                enter: |arg| $crate::ui::part::completed(enter(arg)).and_then(Result::ok),
            }
        };
        part
    }};
}

/// A part on its way: fetched once, again on "try again" after a failure.
pub struct Loading<A: 'static> {
    part: Part<A>,
    state: RwSignal<PartState>,
}

impl<A> Clone for Loading<A> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<A> Copy for Loading<A> {}

#[derive(Clone, Copy, PartialEq, Eq)]
enum PartState {
    /// Not asked for yet ([`Loading::lazy`]).
    Idle,
    Fetching,
    Ready,
    Failed,
}

impl<A> Loading<A> {
    /// Starts fetching `part`.
    pub fn start(part: Part<A>) -> Loading<A> {
        let loading = Loading {
            part,
            state: RwSignal::new(PartState::Fetching),
        };
        loading.fetch();
        loading
    }

    /// A part fetched when first shown, or [prefetched](Loading::prefetch).
    pub fn lazy(part: Part<A>) -> Loading<A> {
        Loading {
            part,
            state: RwSignal::new(PartState::Idle),
        }
    }

    /// Fetches the part if nobody has asked for it yet.
    pub fn prefetch(self) {
        if self.state.get_untracked() == PartState::Idle {
            self.fetch();
        }
    }

    /// Whether fetching it is over, either way (tracks the part's state).
    pub fn settled(self) -> bool {
        matches!(self.state.get(), PartState::Ready | PartState::Failed)
    }

    fn fetch(self) {
        self.state.set(PartState::Fetching);
        let fetch = self.part.fetch;
        leptos::task::spawn_local(async move {
            let state = if fetch().await.is_ok() {
                PartState::Ready
            } else {
                PartState::Failed
            };
            self.state.set(state);
        });
    }

    /// The part's view of `arg`, or what stands in for it until the part is in
    /// (tracks the part's state: call it in a reactive closure).
    pub fn view(self, arg: A) -> AnyView {
        self.prefetch();
        match self.state.get() {
            PartState::Ready => match (self.part.enter)(arg) {
                Some(view) => view,
                None => self.failed(),
            },
            PartState::Idle | PartState::Fetching => view! {
                <p class="asp-status" role="status">
                    {text(|l| tr!(l, portal.part_loading))}
                </p>
            }
            .into_any(),
            PartState::Failed => self.failed(),
        }
    }

    fn failed(self) -> AnyView {
        // The page painted at build time gives way to this message.
        #[cfg(target_arch = "wasm32")]
        crate::browser::mount::ready();
        view! {
            <div class="asp-alert" role="alert">
                <p>{text(|l| tr!(l, portal.part_failed))}</p>
                <button type="button" class="asp-button" on:click=move |_| self.fetch()>
                    {text(|l| tr!(l, portal.part_retry))}
                </button>
            </div>
        }
        .into_any()
    }
}
