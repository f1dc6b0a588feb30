//! A minimal async wrapper over IndexedDB: the database `aftersales` holds
//! everything the portal keeps on the device, so "wipe everything" (kiosk) is
//! one `deleteDatabase`.
//!
//! Values are JSON strings (small WASM, no serde-wasm-bindgen) or `Blob`s
//! (photos); keys are strings given out of line.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransaction};

use crate::browser::events;

pub const DATABASE: &str = "aftersales";
const VERSION: u32 = 1;

/// Requests not yet confirmed by the server (JSON, key = request id).
pub const OUTBOX: &str = "outbox";
/// Photo blobs waiting for upload (key = `{request id}/{index}`).
pub const PHOTOS: &str = "photos";
/// Requests the server confirmed, for the tracking page (JSON, key = id).
pub const MINE: &str = "mine";
/// Small bookkeeping (the sync lease where Web Locks are missing).
pub const META: &str = "meta";
const STORES: [&str; 4] = [OUTBOX, PHOTOS, MINE, META];

/// Why the device store failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdbError {
    /// No IndexedDB here (very old browser, storage blocked by settings).
    Unavailable,
    /// The device is out of space for this site.
    QuotaExceeded,
    /// Anything else, with the DOMException's name for the log.
    Failed(String),
}

impl From<JsValue> for IdbError {
    fn from(e: JsValue) -> Self {
        let name = Reflect::get(&e, &"name".into())
            .ok()
            .and_then(|n| n.as_string())
            .unwrap_or_else(|| "Error".into());
        match name.as_str() {
            "QuotaExceededError" => IdbError::QuotaExceeded,
            "SecurityError" | "InvalidStateError" => IdbError::Unavailable,
            _ => IdbError::Failed(name),
        }
    }
}

/// One change inside a read-write transaction.
pub enum Op {
    Put {
        store: &'static str,
        key: String,
        value: JsValue,
    },
    Delete {
        store: &'static str,
        key: String,
    },
}

impl Op {
    pub fn put_json(store: &'static str, key: &str, json: String) -> Op {
        Op::Put {
            store,
            key: key.to_owned(),
            value: JsValue::from_str(&json),
        }
    }

    pub fn delete(store: &'static str, key: &str) -> Op {
        Op::Delete {
            store,
            key: key.to_owned(),
        }
    }
}

struct Connection {
    db: IdbDatabase,
    // Kept alive as long as the connection is cached.
    on_versionchange: Closure<dyn FnMut()>,
}

thread_local! {
    static CONNECTION: RefCell<Option<Connection>> = const { RefCell::new(None) };
}

fn forget_connection() {
    if let Some(Connection {
        db,
        on_versionchange,
    }) = CONNECTION.with(|c| c.borrow_mut().take())
    {
        db.set_onversionchange(None);
        db.close();
        // This may run inside that very callback (another page deletes the
        // database): dropping it here would free a running closure. Leaked,
        // once per connection closed.
        on_versionchange.forget();
    }
}

/// The open database, opened (and created) on first use.
async fn database() -> Result<IdbDatabase, IdbError> {
    if let Some(db) = CONNECTION.with(|c| c.borrow().as_ref().map(|c| c.db.clone())) {
        return Ok(db);
    }
    let factory = web_sys::window()
        .ok_or(IdbError::Unavailable)?
        .indexed_db()?
        .ok_or(IdbError::Unavailable)?;
    let request: IdbOpenDbRequest = factory.open_with_u32(DATABASE, VERSION)?;
    let upgrading = request.clone();
    let on_upgrade = Closure::<dyn FnMut()>::new(move || {
        let Ok(db) = upgrading.result().and_then(|r| r.dyn_into::<IdbDatabase>()) else {
            return;
        };
        let existing = db.object_store_names();
        for store in STORES {
            if !existing.contains(store) {
                let _ = db.create_object_store(store);
            }
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
    let outcome = events::first(&request, &["success", "error"]).await;
    request.set_onupgradeneeded(None);
    drop(on_upgrade);
    outcome?;
    if let Ok(Some(e)) = request.error() {
        return Err(JsValue::from(e).into());
    }
    let db: IdbDatabase = request.result()?.dyn_into()?;
    // Two calls of this page may open at once: the first connection stays the
    // one, and the other closes (an open one left behind would block deleting
    // the database for good).
    if let Some(first) = CONNECTION.with(|c| c.borrow().as_ref().map(|c| c.db.clone())) {
        db.close();
        return Ok(first);
    }
    // Another tab deleting or upgrading the database: let it, reopen on next use.
    let on_versionchange = Closure::<dyn FnMut()>::new(forget_connection);
    db.set_onversionchange(Some(on_versionchange.as_ref().unchecked_ref()));
    CONNECTION.with(|c| {
        *c.borrow_mut() = Some(Connection {
            db: db.clone(),
            on_versionchange,
        })
    });
    Ok(db)
}

/// A transaction over `stores`. Writes ask for strict durability (through
/// Reflect: the options argument is unstable in web-sys): "saved on device"
/// must survive a crash; browsers without the option ignore it.
fn transaction(db: &IdbDatabase, stores: &[&str], write: bool) -> Result<IdbTransaction, IdbError> {
    let names: Array = stores.iter().map(|s| JsValue::from_str(s)).collect();
    let open: Function = Reflect::get(db, &"transaction".into())?.dyn_into()?;
    let tx = if write {
        let options = Object::new();
        Reflect::set(&options, &"durability".into(), &"strict".into())?;
        open.call3(db, &names, &"readwrite".into(), &options)?
    } else {
        open.call2(db, &names, &"readonly".into())?
    };
    Ok(tx.dyn_into()?)
}

/// Waits for the end of `tx`: `complete` is success, `error`/`abort` failure.
async fn finished(tx: &IdbTransaction) -> Result<(), IdbError> {
    let event = events::first(tx, &["complete", "error", "abort"]).await?;
    if event.type_() == "complete" {
        Ok(())
    } else {
        Err(tx
            .error()
            .map(|e| IdbError::from(JsValue::from(e)))
            .unwrap_or(IdbError::Failed("AbortError".into())))
    }
}

async fn request_result(request: &IdbRequest) -> Result<JsValue, IdbError> {
    let event = events::first(request, &["success", "error"]).await?;
    if event.type_() == "success" {
        Ok(request.result()?)
    } else {
        Err(request
            .error()
            .ok()
            .flatten()
            .map(|e| IdbError::from(JsValue::from(e)))
            .unwrap_or(IdbError::Failed("Error".into())))
    }
}

fn apply(tx: &IdbTransaction, ops: Vec<Op>) -> Result<(), JsValue> {
    for op in ops {
        match op {
            Op::Put { store, key, value } => {
                tx.object_store(store)?.put_with_key(&value, &key.into())?;
            }
            Op::Delete { store, key } => {
                tx.object_store(store)?.delete(&key.into())?;
            }
        }
    }
    Ok(())
}

/// Applies `ops` in one transaction over `stores`: all or nothing, durable
/// when this returns `Ok`.
pub async fn write(stores: &[&str], ops: Vec<Op>) -> Result<(), IdbError> {
    let db = database().await?;
    let tx = transaction(&db, stores, true)?;
    if let Err(e) = apply(&tx, ops) {
        let _ = tx.abort();
        return Err(e.into());
    }
    finished(&tx).await
}

/// Reads `key` of `store` and, in the same transaction, applies the changes
/// `change` makes from it: an atomic read-modify-write, also across tabs
/// (transactions over the same store are serialised). `change` runs in the
/// request's success callback, so the transaction is certainly still active.
pub async fn update<R: 'static>(
    stores: &[&str],
    store: &'static str,
    key: &str,
    change: impl FnOnce(Option<JsValue>) -> (Vec<Op>, R) + 'static,
) -> Result<R, IdbError> {
    let db = database().await?;
    let tx = transaction(&db, stores, true)?;
    let request = tx.object_store(store)?.get(&key.into())?;
    let out: Rc<RefCell<Option<R>>> = Rc::new(RefCell::new(None));
    let (slot, reading, writing) = (out.clone(), request.clone(), tx.clone());
    let mut change = Some(change);
    let on_success = Closure::<dyn FnMut()>::new(move || {
        let Some(change) = change.take() else { return };
        let current = reading.result().ok().filter(|v| !v.is_undefined());
        let (ops, result) = change(current);
        *slot.borrow_mut() = Some(result);
        if apply(&writing, ops).is_err() {
            let _ = writing.abort();
        }
    });
    request.set_onsuccess(Some(on_success.as_ref().unchecked_ref()));
    let done = finished(&tx).await;
    request.set_onsuccess(None);
    drop(on_success);
    done?;
    let result = out.borrow_mut().take();
    result.ok_or_else(|| IdbError::Failed("no result".into()))
}

/// The value of `key` in `store`, if any.
pub async fn get(store: &str, key: &str) -> Result<Option<JsValue>, IdbError> {
    let db = database().await?;
    let tx = transaction(&db, &[store], false)?;
    let request = tx.object_store(store)?.get(&key.into())?;
    let value = request_result(&request).await?;
    Ok((!value.is_undefined()).then_some(value))
}

/// How many records `store` holds.
pub async fn count(store: &str) -> Result<u32, IdbError> {
    let db = database().await?;
    let tx = transaction(&db, &[store], false)?;
    let request = tx.object_store(store)?.count()?;
    let value = request_result(&request).await?;
    Ok(value.as_f64().unwrap_or(0.0) as u32)
}

/// Every value of `store`, in key order.
pub async fn get_all(store: &str) -> Result<Vec<JsValue>, IdbError> {
    let db = database().await?;
    let tx = transaction(&db, &[store], false)?;
    let request = tx.object_store(store)?.get_all()?;
    let values = request_result(&request).await?;
    Ok(values
        .dyn_into::<Array>()
        .map(|a| a.iter().collect())
        .unwrap_or_default())
}

/// Every JSON string of `store` (other values are skipped).
pub async fn get_all_json(store: &str) -> Result<Vec<String>, IdbError> {
    Ok(get_all(store)
        .await?
        .into_iter()
        .filter_map(|v| v.as_string())
        .collect())
}

/// Deletes the whole database (kiosk "wipe everything"). Other tabs close
/// their connections on `versionchange`, so this does not stay blocked.
pub async fn wipe() -> Result<(), IdbError> {
    forget_connection();
    let factory = web_sys::window()
        .ok_or(IdbError::Unavailable)?
        .indexed_db()?
        .ok_or(IdbError::Unavailable)?;
    let request = factory.delete_database(DATABASE)?;
    request_result(&request).await.map(|_| ())
}

/// Forgets the customer but for requests not yet delivered: those (and their
/// photos) stay in the outbox until the server confirmed them, since nobody
/// could file them again; "My requests" goes. With nothing waiting the whole
/// database goes.
pub async fn keep_only_undelivered() -> Result<(), IdbError> {
    if count(OUTBOX).await? == 0 {
        return wipe().await;
    }
    let db = database().await?;
    let tx = transaction(&db, &[MINE], true)?;
    tx.object_store(MINE)?.clear()?;
    finished(&tx).await
}
