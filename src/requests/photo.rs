//! Photo evidence, prepared in the browser: at most 1600 px on the long side,
//! re-encoded as JPEG. Phone photos shrink from several MB to a few hundred KB
//! (fast on a mobile link, well under the server's 5 MB), and re-encoding drops
//! EXIF metadata such as the location.

use js_sys::Promise;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, CanvasRenderingContext2d, HtmlCanvasElement, ImageBitmap};

/// The long side of a prepared photo, in pixels.
pub const MAX_SIDE: u32 = 1600;
pub const JPEG_QUALITY: f64 = 0.85;

/// Why a photo could not be prepared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhotoError {
    /// The browser cannot decode it (not an image, or e.g. HEIC outside Safari).
    Unreadable,
    /// Decoding worked but drawing or encoding failed (memory, canvas limits).
    Failed,
}

/// The size that fits within `max` × `max` keeping the aspect ratio; never
/// enlarges, never returns a zero side.
pub fn fit(width: u32, height: u32, max: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= max || long == 0 {
        return (width.max(1), height.max(1));
    }
    let scale = |side: u32| {
        let scaled = (u64::from(side) * u64::from(max) + u64::from(long) / 2) / u64::from(long);
        u32::try_from(scaled).unwrap_or(max).max(1)
    };
    (scale(width), scale(height))
}

/// The photo as a JPEG of at most [`MAX_SIDE`] px on the long side. Always
/// re-encodes, even small photos, so no metadata leaves the device.
/// `createImageBitmap` applies the EXIF orientation.
pub async fn downscale(photo: &Blob) -> Result<Blob, PhotoError> {
    let window = web_sys::window().ok_or(PhotoError::Failed)?;
    let decoding = window
        .create_image_bitmap_with_blob(photo)
        .map_err(|_| PhotoError::Unreadable)?;
    let bitmap: ImageBitmap = JsFuture::from(decoding)
        .await
        .and_then(|b| b.dyn_into())
        .map_err(|_| PhotoError::Unreadable)?;
    let (width, height) = fit(bitmap.width(), bitmap.height(), MAX_SIDE);
    let encoded = encode(&window, &bitmap, width, height).await;
    // Decoded photos are large: free the memory now, not at the next GC.
    bitmap.close();
    encoded
}

async fn encode(
    window: &web_sys::Window,
    bitmap: &ImageBitmap,
    width: u32,
    height: u32,
) -> Result<Blob, PhotoError> {
    let failed = |_| PhotoError::Failed;
    let canvas: HtmlCanvasElement = window
        .document()
        .ok_or(PhotoError::Failed)?
        .create_element("canvas")
        .map_err(failed)?
        .dyn_into()
        .map_err(|_| PhotoError::Failed)?;
    canvas.set_width(width);
    canvas.set_height(height);
    let context: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .map_err(failed)?
        .ok_or(PhotoError::Failed)?
        .dyn_into()
        .map_err(|_| PhotoError::Failed)?;
    // JPEG has no transparency: a transparent PNG would turn black.
    context.set_fill_style_str("#fff");
    context.fill_rect(0.0, 0.0, f64::from(width), f64::from(height));
    // Better downscaling where supported; the web-sys setter needs another feature.
    let _ = js_sys::Reflect::set(&context, &"imageSmoothingQuality".into(), &"high".into());
    context
        .draw_image_with_image_bitmap_and_dw_and_dh(
            bitmap,
            0.0,
            0.0,
            f64::from(width),
            f64::from(height),
        )
        .map_err(failed)?;
    // toBlob calls back with the blob (or null): the promise's resolve is that callback.
    let promise = Promise::new(&mut |resolve, reject| {
        if let Err(e) = canvas.to_blob_with_type_and_encoder_options(
            &resolve,
            "image/jpeg",
            &JsValue::from_f64(JPEG_QUALITY),
        ) {
            let _ = reject.call1(&JsValue::NULL, &e);
        }
    });
    let blob = JsFuture::from(promise).await.map_err(failed)?;
    // Safari keeps canvas memory until collected; a zero size frees it now.
    canvas.set_width(0);
    canvas.set_height(0);
    blob.dyn_into::<Blob>().map_err(|_| PhotoError::Failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_photos_fit_the_long_side() {
        assert_eq!(fit(4032, 3024, 1600), (1600, 1200));
        assert_eq!(fit(3024, 4032, 1600), (1200, 1600));
        assert_eq!(fit(4000, 4000, 1600), (1600, 1600));
        assert_eq!(fit(1601, 3, 1600), (1600, 3));
    }

    #[test]
    fn small_photos_keep_their_size_and_extremes_stay_positive() {
        assert_eq!(fit(1600, 900, 1600), (1600, 900));
        assert_eq!(fit(640, 480, 1600), (640, 480));
        assert_eq!(fit(100_000, 1, 1600), (1600, 1));
        assert_eq!(fit(0, 0, 1600), (1, 1));
        assert_eq!(fit(u32::MAX, u32::MAX, 1600), (1600, 1600));
    }
}
