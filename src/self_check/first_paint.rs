//! The start page painted before the WASM arrives.
//!
//! `scripts/build-portal.sh` runs the native bin `aftersales-first-paint`, which
//! writes into `dist/index.html`'s mount element the start page in each language,
//! rendered by the same components as the live page ([`header`], [`StartPage`],
//! the footer) from the same texts and the store file of the build, plus a small
//! inline script that shows the customer's language (the rules of
//! `browser::language`) before the first paint. A link to a request's order step
//! (`#/return?order=…`, the deep link a store sends) gets that page, painted the
//! same way; any other deep link the header only. The app then replaces it in one
//! frame once it is ready (`browser::mount`), so nothing shifts.

use leptos::prelude::*;

use aftersales_rules::RequestType;

use crate::browser::embed::FRAME_SCRIPT;
use crate::browser::language::LANG_KEY;
use crate::browser::mount::{FIRST_PAINT_ATTR, MOUNT_ID};
use crate::browser::router::Fragment;
use crate::browser::storage::STORAGE_PREFIX;
use crate::self_check::footer;
use crate::self_check::order;
use crate::self_check::route::Route;
use crate::self_check::start::StartPage;
use crate::ui::brand::Brand;
use crate::ui::i18n::Lang;
use crate::ui::shell::{header, BackLink, PageTitle};
use crate::ui::text::{language, set_language, text};

/// The start page in `lang`, as the live app renders it, in a hidden wrapper
/// that the inline [`chooser`] shows.
pub fn page(lang: Lang, brand: &Brand) -> String {
    Owner::new().with(|| {
        let lang_signal = RwSignal::new(lang);
        set_language(lang_signal);
        let brand_signal = RwSignal::new(brand.clone());
        // Rendered once, never updated: nothing needs to track the signals it reads.
        let html = untrack(|| {
            view! {
                <div class="asp" lang=lang.code() style=brand.style()>
                    {header(
                        lang_signal,
                        brand_signal,
                        "#/".to_owned(),
                        "requests.html#/".to_owned(),
                    )}
                    <div class="asp-page">
                        <StartPage />
                    </div>
                    <div class="asp-page" data-paint-route="order">
                        {order_page()}
                    </div>
                    {footer(lang_signal)}
                </div>
            }
            .to_html()
        });
        // Tachys marks text boundaries for hydration; a plain page has none. The
        // pages of both languages share the document with the live app, which
        // owns the ids (and what refers to them).
        let html = without_ids(&html.replace("<!>", ""));
        format!(
            "<div {FIRST_PAINT_ATTR}=\"{}\" hidden>{html}</div>",
            lang.code()
        )
    })
}

/// The order step as a deep link (`#/return?order=SO-1001`) opens it, painted
/// for a return: the [`chooser`] names the link's request, points the hand-entry
/// link at it, fills in the order number and makes it inert until the app takes
/// over (what is typed into a painted field would be lost). The look-up form and
/// the demo orders' summary are the live page's; the demo list itself is closed there.
fn order_page() -> impl IntoView {
    let request = RequestType::Return;
    view! {
        <BackLink href=Route::Start.href() />
        <PageTitle text=Signal::derive(move || order::order_title(language().get(), request)) />
        <form class="asp-form" novalidate>
            {order::lookup_fields(RwSignal::new(String::new()), RwSignal::new(String::new()))}
            <div aria-live="polite" class="asp-live"></div>
            <button type="submit" class="asp-submit">
                {text(|l| tr!(l, portal.lookup_submit))}
            </button>
        </form>
        {order::manual_link(request)}
        <details class="asp-demo">
            <summary>{text(|l| tr!(l, portal.demo_title))}</summary>
        </details>
    }
}

/// `html` without `id`, `for` and `aria-describedby` attributes.
fn without_ids(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    loop {
        let next = [" id=\"", " for=\"", " aria-describedby=\""]
            .iter()
            .filter_map(|a| rest.find(a).map(|at| (at, a.len())))
            .min();
        let Some((at, len)) = next else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..at]);
        let value = &rest[at + len..];
        rest = value.find('"').map_or("", |end| &value[end + 1..]);
    }
}

/// Shows the first paint in the customer's language: the host page's
/// (`?embed=1&lang=` in a store's frame, else `data-lang`), else the remembered
/// choice (`aftersales:lang`), else the browser's first Chinese or English language,
/// else Chinese, as `browser::language::initial_lang` decides. The painted
/// language switch works before the WASM: it shows the other page and remembers
/// the choice where the app will read it. The start route shows the start page,
/// a link to a request's order step (`#/return?order=…`) the order page
/// ([`order_page`]), any other deep link the header only, until the app is
/// ready. Sets `<html lang>` when the portal manages the document. In a store's frame (`?embed=1`) it marks
/// the mount `data-embed` (the stylesheet hides the brand bar) and starts the
/// frame script at once, before the WASM (`browser::embed`).
///
/// The mount id, the attribute, the storage key and the frame script are the
/// Rust constants (`@MOUNT`, `@ATTR`, `@LANG_KEY`, `@FRAME` below), so the
/// script cannot drift from the app.
pub fn chooser() -> String {
    CHOOSER_TEMPLATE
        .replace("@MOUNT", MOUNT_ID)
        .replace("@ATTR", FIRST_PAINT_ATTR)
        .replace("@LANG_KEY", &format!("{STORAGE_PREFIX}{LANG_KEY}"))
        .replace("@FRAME", FRAME_SCRIPT)
        .replace(
            "@TYPES",
            &RequestType::ALL
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join("|"),
        )
}

const CHOOSER_TEMPLATE: &str = concat!(
    "<script>(function(){",
    "var r=document.getElementById('@MOUNT'),n=navigator,s=null,l='zh-CN',t,i,p,m,",
    "pages={},deep=!/^#?\\/?$/.test(location.hash),manage,f,",
    "q=location.search,emb=/[?&]embed=1(&|$)/.test(q);",
    "if(!r)return;",
    "manage=r.getAttribute('data-manage-document')==='true';",
    "try{s=localStorage.getItem('@LANG_KEY')}catch(e){}",
    "s=r.getAttribute('data-lang')||s;",
    "if(emb){r.setAttribute('data-embed','');",
    "t=/[?&]lang=([^&]*)/.exec(q);if(t)s=decodeURIComponent(t[1]);",
    "f=document.createElement('script');f.src='@FRAME';document.head.appendChild(f)}",
    "t=[s].concat(n.languages||[],n.language||[]);",
    "for(i=0;i<t.length;i++){p=String(t[i]||'').split(/[-_]/)[0].toLowerCase();",
    "if(p==='zh')break;if(p==='en'){l='en';break}}",
    "function show(x){var k;if(!pages[x])return;",
    "for(k in pages)pages[k].hidden=k!==x;",
    "l=x;if(manage)document.documentElement.lang=x}",
    "m=/^#\\/?(@TYPES)\\/?(?:\\?(.*))?$/.exec(location.hash);",
    "t=/(?:^|&)order=([^&]+)/.exec(m&&m[2]||'');",
    "try{t=t&&decodeURIComponent(t[1])}catch(x){t=null}",
    "r.querySelectorAll('[@ATTR]').forEach(function(e){",
    "var b=e.querySelector('.asp-lang'),s=e.querySelector('.asp-page'),",
    "o=e.querySelector('[data-paint-route=order]'),c,h;",
    "pages[e.getAttribute('@ATTR')]=e;",
    "if(m){c=s.querySelector('[data-request='+m[1]+'] .asp-choice-title');h=o.querySelector('h2');",
    "h.textContent=c.textContent+h.textContent.slice(h.textContent.indexOf(' · '));",
    "o.querySelector('.asp-manual-link a').setAttribute('href','#/'+m[1]+'/manual');",
    "if(t)o.querySelector('input').value=t;",
    "o.setAttribute('inert','');",
    "if(!r.getAttribute('data-api-base'))o.querySelector('form').remove();",
    "if(r.getAttribute('data-demo')!=='true')o.querySelector('details').remove()}",
    "else o.remove();",
    "if(deep)s.remove();",
    "if(b)b.addEventListener('click',function(){var o=l==='en'?'zh-CN':'en';",
    "try{localStorage.setItem('@LANG_KEY',o)}catch(x){}show(o)})});",
    "show(l)})()</script>",
);

/// `index.html` with the first paint of every language and the [`chooser`]
/// after the mount element's `<noscript>`; `None` when the page has no mount
/// element with a `<noscript>` or already has a first paint.
pub fn into_index(index: &str, brand: &Brand) -> Option<String> {
    // The attribute as this writes it (the inlined stylesheet names it too).
    if index.contains(&format!("<div {FIRST_PAINT_ATTR}=")) {
        return None;
    }
    let mount = index
        .find(&format!("id={MOUNT_ID}"))
        .or_else(|| index.find(&format!("id=\"{MOUNT_ID}\"")))?;
    let at = mount + index[mount..].find("</noscript>")? + "</noscript>".len();
    let pages: String = [Lang::Zh, Lang::En]
        .into_iter()
        .map(|l| page(l, brand))
        .collect();
    Some(format!(
        "{}{pages}{}{}",
        &index[..at],
        chooser(),
        &index[at..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str = r#"<style>[data-first-paint]:not([hidden]) ~ .asp{display:none}</style><body><main><div data-demo=true id=aftersales-portal><noscript>needs JavaScript</noscript></div></main></body>"#;

    #[test]
    fn the_start_page_is_painted_in_both_languages_with_its_five_links() {
        let brand = Brand::parse(
            r##"{"name": {"zh-CN": "示例家居", "en": "Example Home"}, "accent": "#0a58a8"}"##,
        )
        .unwrap();
        let html = into_index(INDEX, &brand).unwrap();
        assert!(html.starts_with(
            "<style>[data-first-paint]:not([hidden]) ~ .asp{display:none}</style><body><main><div data-demo=true id=aftersales-portal><noscript>needs JavaScript</noscript><div data-first-paint=\"zh-CN\" hidden>"
        ));
        assert!(html.ends_with("})()</script></div></main></body>"));
        for (lang, title, store, cancel) in [
            ("zh-CN", "您需要什么帮助？", "示例家居", "取消订单"),
            ("en", "What do you need?", "Example Home", "Cancel order"),
        ] {
            let start = html.find(&format!("data-first-paint=\"{lang}\"")).unwrap();
            let page = &html[start..];
            let page = &page[..page.find("</footer>").unwrap()];
            assert!(
                page.contains(&format!("<div lang=\"{lang}\" class=\"asp\"")),
                "{page}"
            );
            assert!(page.contains(title), "{lang}: {page}");
            assert!(page.contains(store), "{lang}: {page}");
            assert!(page.contains(cancel), "{lang}: {page}");
            for request in ["cancel", "return", "exchange", "repair", "complaint"] {
                assert!(
                    page.contains(&format!("data-request=\"{request}\"")),
                    "{lang} {request}"
                );
            }
            assert!(page.contains("--asp-accent:#0a58a8"), "{page}");
            // The order step for deep links, with the look-up form and the hand-entry link.
            let order = &page[page.find("data-paint-route=\"order\"").unwrap()..];
            for part in [
                "class=\"asp-form\"",
                "type=\"tel\"",
                "href=\"#/return/manual\"",
                "class=\"asp-demo\"",
            ] {
                assert!(order.contains(part), "{lang} {part}: {order}");
            }
            assert!(!page.contains(" for="), "{page}");
            assert!(!page.contains("aria-describedby"), "{page}");
            assert!(!page.contains("<!>"));
            assert!(!page.contains(" id="), "ids belong to the live app: {page}");
        }
        let script = chooser();
        for name in [
            "'aftersales-portal'",
            "'aftersales:lang'",
            "'[data-first-paint]'",
            "(cancel|return|exchange|repair|complaint)",
        ] {
            assert!(script.contains(name), "{name} in {script}");
        }
        assert!(!script.contains('@'), "{script}");
        assert_eq!(into_index(&html, &brand), None, "painted once");
        assert_eq!(into_index("<div id=other></div>", &brand), None);
    }
}
