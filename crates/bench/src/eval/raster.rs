//! PNG copies of the SVG plots, rendered from the same SVG text with resvg (pure Rust: no
//! network, no C library), so the two never differ in content.
//!
//! Text needs a font: the system's fonts are loaded once (fontdb scans the usual directories,
//! `/usr/share/fonts` on Debian) and the first of [`SANS_FAMILIES`] found is used for
//! `sans-serif`. Debian's `fonts-dejavu-core` provides DejaVu Sans (`.ci/run` installs it when
//! missing). Without any of them the PNG is still written, with shapes but without text, and
//! [`font_family`] returns None so the caller can say so.

use std::sync::{Arc, OnceLock};
use tieup_core::error::{Error, Result};

/// Font families tried for `sans-serif`, in order (Debian packages: fonts-dejavu-core,
/// fonts-liberation, fonts-ipafont-gothic, fonts-noto-core).
pub const SANS_FAMILIES: [&str; 5] = [
    "DejaVu Sans",
    "Liberation Sans",
    "IPAGothic",
    "Noto Sans",
    "Arial",
];

/// The parse options with the system's fonts, loaded once per process.
fn options() -> &'static (resvg::usvg::Options<'static>, Option<String>) {
    static OPTIONS: OnceLock<(resvg::usvg::Options<'static>, Option<String>)> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut db = resvg::usvg::fontdb::Database::new();
        db.load_system_fonts();
        let family = SANS_FAMILIES
            .iter()
            .find(|f| {
                db.faces()
                    .any(|face| face.families.iter().any(|(n, _)| n == *f))
            })
            .map(|f| f.to_string());
        if let Some(f) = &family {
            db.set_sans_serif_family(f.clone());
        }
        let options = resvg::usvg::Options {
            fontdb: Arc::new(db),
            ..Default::default()
        };
        (options, family)
    })
}

/// The font family used for the PNGs' text, or None when no known sans-serif font is installed
/// (the PNGs then have no text).
pub fn font_family() -> Option<&'static str> {
    options().1.as_deref()
}

/// Renders an SVG document to PNG bytes at its own size.
pub fn svg_to_png(svg: &str) -> Result<Vec<u8>> {
    let fail = |what: String| Error::InvalidParam {
        name: "plot",
        value: String::new(),
        reason: format!("rendering the PNG failed: {what}"),
    };
    let tree = resvg::usvg::Tree::from_str(svg, &options().0).map_err(|e| fail(e.to_string()))?;
    let size = tree.size().to_int_size();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| fail(format!("empty size {}x{}", size.width(), size.height())))?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|e| fail(e.to_string()))
}
