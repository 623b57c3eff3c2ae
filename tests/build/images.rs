//! Images: Zola's `resize_image` and `get_image_metadata` in real builds, the files they write,
//! the cache that later builds reuse, and errors that name what is wrong.

use std::path::Path;

use image::{ImageFormat, RgbImage};

use crate::support::Site;

/// A `width` × `height` picture, left half red and right half blue, saved as `format`.
fn picture(path: &Path, width: u32, height: u32, format: ImageFormat) {
    let image = RgbImage::from_fn(width, height, |x, _| {
        if x < width / 2 {
            image::Rgb([220, 20, 20])
        } else {
            image::Rgb([20, 20, 220])
        }
    });
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    image.save_with_format(path, format).unwrap();
}

/// A site whose page template calls `body` (Tera) and shows its output.
fn site_with(body: &str) -> Site {
    let site = Site::empty();
    site.write("config.toml", "base_url = \"https://x.org\"\n");
    site.write("content/_index.md", "+++\ntitle = \"Home\"\n+++\n");
    site.write(
        "content/post/index.md",
        "+++\ntitle = \"Post\"\n+++\nText.\n",
    );
    site.write("templates/index.html", "home");
    site.write("templates/page.html", body);
    picture(
        &site.root().join("static/cover.png"),
        300,
        380,
        ImageFormat::Png,
    );
    picture(
        &site.root().join("content/post/photo.jpg"),
        600,
        300,
        ImageFormat::Jpeg,
    );
    site
}

/// The dimensions of the output file at `url` (an absolute URL under https://x.org).
fn size_of(site: &Site, url: &str) -> (u32, u32) {
    let rel = url.trim_start_matches("https://x.org/");
    let file = site.dist().join(rel);
    image::image_dimensions(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// The sizes Zola 0.22.1 gives a 300 × 380 source (checked with its binary: the other side is
/// rounded down).
#[test]
fn each_op_gives_the_size_zola_gives_and_writes_that_image() {
    let calls = [
        ("scale", "width=150, height=150", (150, 150)),
        ("fit_width", "width=100", (100, 126)),
        ("fit_height", "height=150", (118, 150)),
        ("fit", "width=5000, height=5000", (300, 380)),
        ("fit", "width=150, height=150", (118, 150)),
        ("fill", "width=150, height=150", (150, 150)),
    ];
    let body: String = calls
        .iter()
        .map(|(op, args, _)| {
            format!("{{% set i = resize_image(path=\"cover.png\", {args}, op=\"{op}\") %}}{{{{ i.url | safe }}}} {{{{ i.width }}}}x{{{{ i.height }}}} {{{{ i.orig_width }}}}x{{{{ i.orig_height }}}}\n")
        })
        .collect();
    let site = site_with(&body);
    let run = site.build(&[]).succeeded();
    let html = run.read("post/index.html");
    let lines: Vec<&str> = html.lines().collect();
    for ((op, args, size), line) in calls.iter().zip(&lines) {
        let parts: Vec<&str> = line.split(' ').collect();
        assert_eq!(
            parts[1],
            format!("{}x{}", size.0, size.1),
            "{op} {args}: {line}"
        );
        assert_eq!(parts[2], "300x380", "{line}");
        assert!(
            parts[0].starts_with("https://x.org/processed_images/"),
            "{line}"
        );
        assert_eq!(
            size_of(&site, parts[0]),
            *size,
            "{op} {args}: the file's own size"
        );
    }
}

#[test]
fn formats_are_chosen_as_zola_chooses_them_and_written_as_named() {
    let site = site_with(concat!(
        "{% set i = resize_image(path=\"cover.png\", width=50, height=50) %}{{ i.url | safe }}\n",
        "{% set i = resize_image(path=\"@/post/photo.jpg\", width=50, height=50) %}{{ i.url | safe }}\n",
        "{% set i = resize_image(path=\"cover.png\", width=50, height=50, format=\"jpg\", quality=60) %}{{ i.url | safe }}\n",
        "{% set i = resize_image(path=\"cover.png\", width=50, height=50, format=\"webp\") %}{{ i.url | safe }}\n",
        "{% set i = resize_image(path=\"cover.png\", width=50, height=50, format=\"webp\", quality=70) %}{{ i.url | safe }}\n",
        "{% set i = resize_image(path=\"cover.png\", width=50, height=50, format=\"avif\", speed=10) %}{{ i.url | safe }}\n",
    ));
    let run = site.build(&[]).succeeded();
    let html = run.read("post/index.html");
    let urls: Vec<&str> = html.lines().collect();
    let magic = |url: &str| {
        let bytes =
            std::fs::read(site.dist().join(url.trim_start_matches("https://x.org/"))).unwrap();
        bytes[..12].to_vec()
    };
    assert!(
        urls[0].ends_with(".png") && magic(urls[0]).starts_with(b"\x89PNG"),
        "{}",
        urls[0]
    );
    assert!(
        urls[1].ends_with(".jpg") && magic(urls[1]).starts_with(b"\xff\xd8"),
        "{}",
        urls[1]
    );
    assert!(
        urls[2].ends_with(".jpg") && magic(urls[2]).starts_with(b"\xff\xd8"),
        "{}",
        urls[2]
    );
    for webp in &urls[3..5] {
        assert!(
            webp.ends_with(".webp") && &magic(webp)[8..12] == b"WEBP",
            "{webp}"
        );
    }
    assert_ne!(urls[3], urls[4], "lossless and lossy WebP are two images");
    assert!(
        urls[5].ends_with(".avif") && &magic(urls[5])[4..12] == b"ftypavif",
        "{}",
        urls[5]
    );
}

#[test]
fn metadata_reads_rasters_and_svgs_and_allow_missing_gives_nothing() {
    let site = site_with(concat!(
        "{% set m = get_image_metadata(path=\"cover.png\") %}{{ m.width }}x{{ m.height }} {{ m.format }} {{ m.mime | safe }}\n",
        "{% set m = get_image_metadata(path=\"@/post/photo.jpg\") %}{{ m.width }}x{{ m.height }} {{ m.format }} {{ m.mime | safe }}\n",
        "{% set m = get_image_metadata(path=\"logo.svg\") %}{{ m.width }}x{{ m.height }} {{ m.format }} {{ m.mime | safe }}\n",
        "{% set m = get_image_metadata(path=\"gone.png\", allow_missing=true) %}{% if m %}found{% else %}missing{% endif %}\n",
    ));
    site.write(
        "static/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 64 32\"/>",
    );
    let run = site.build(&[]).succeeded();
    let html = run.read("post/index.html");
    let lines: Vec<&str> = html.lines().collect();
    assert_eq!(lines[0], "300x380 png image/png");
    assert_eq!(lines[1], "600x300 jpg image/jpeg");
    assert_eq!(lines[2], "64x32 svg image/svg+xml");
    assert_eq!(
        lines[3], "missing",
        "a missing file with allow_missing is null"
    );
}

#[test]
fn a_missing_image_fails_the_build_naming_the_path_and_the_page() {
    let site = site_with(
        "{% set i = resize_image(path=\"nope.png\", width=10, height=10) %}{{ i.url | safe }}",
    );
    let run = site.build(&[]).failed();
    let output = run.output();
    assert!(
        output.contains("nope.png") && output.contains("resize_image"),
        "{output}"
    );
    assert!(
        output.contains("post/index.md") || output.contains("page.html"),
        "{output}"
    );
    assert!(!site.dist().exists(), "a failed build writes nothing");
}

#[test]
fn exif_orientation_is_applied_and_the_metadata_dropped() {
    let site = site_with(
        "{% set i = resize_image(path=\"turned.jpg\", width=20, op=\"fit_width\") %}{{ i.url | safe }} {{ i.orig_width }}x{{ i.orig_height }}",
    );
    // Stored 40 wide and 10 tall, with EXIF orientation 6: shown 10 wide and 40 tall.
    let stored = site.root().join("static/plain.jpg");
    picture(&stored, 40, 10, ImageFormat::Jpeg);
    let jpeg = std::fs::read(&stored).unwrap();
    std::fs::write(
        site.root().join("static/turned.jpg"),
        with_orientation(&jpeg, 6),
    )
    .unwrap();
    let run = site.build(&[]).succeeded();
    let html = run.read("post/index.html");
    let (url, orig) = html.split_once(' ').unwrap();
    assert_eq!(orig, "10x40");
    assert_eq!(size_of(&site, url), (20, 80));
    let written =
        std::fs::read(site.dist().join(url.trim_start_matches("https://x.org/"))).unwrap();
    assert!(
        !written.windows(6).any(|w| w == b"Exif\0\0"),
        "EXIF carried over"
    );
}

/// `jpeg` with an EXIF block saying `orientation`, right after its start marker.
fn with_orientation(jpeg: &[u8], orientation: u8) -> Vec<u8> {
    let tiff: [u8; 26] = [
        b'M',
        b'M',
        0,
        42,
        0,
        0,
        0,
        8, // big-endian TIFF, first IFD at 8
        0,
        1, // one entry
        0x01,
        0x12,
        0,
        3,
        0,
        0,
        0,
        1,
        0,
        orientation,
        0,
        0, // Orientation, SHORT, 1 value
        0,
        0,
        0,
        0, // no next IFD
    ];
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let length = (app1.len() + 2) as u16;
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

#[test]
fn processed_images_are_cached_between_builds_and_unused_ones_pruned() {
    let site = site_with(
        "{% set i = resize_image(path=\"cover.png\", width=30, height=30) %}{{ i.url | safe }}",
    );
    let first = site.build(&[]).succeeded().read("post/index.html");
    let cache = site.root().join(".kiln/cache/images");
    let name = first.rsplit('/').next().unwrap().to_string();
    let cached = cache.join(&name);
    let made = std::fs::metadata(&cached).unwrap().modified().unwrap();
    let second = site.build(&[]).succeeded().read("post/index.html");
    assert_eq!(first, second);
    assert_eq!(
        std::fs::metadata(&cached).unwrap().modified().unwrap(),
        made,
        "not made again"
    );

    site.write(
        "templates/page.html",
        "{% set i = resize_image(path=\"cover.png\", width=31, height=30) %}{{ i.url | safe }}",
    );
    site.build(&[]).succeeded();
    assert!(!cached.exists(), "the image no page asks for is pruned");
    assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 1);

    // A changed source is a new image, even at the same size.
    picture(
        &site.root().join("static/cover.png"),
        300,
        380,
        ImageFormat::Jpeg,
    );
    let changed = site.build(&[]).succeeded().read("post/index.html");
    assert!(!changed.contains(&name));
}

#[test]
fn cached_images_are_linked_into_the_output_and_the_sites_own_files_copied() {
    use std::os::unix::fs::MetadataExt;
    let site = site_with(
        "{% set i = resize_image(path=\"cover.png\", width=30, height=30) %}{{ i.url | safe }}",
    );
    let run = site.build(&[]).succeeded();
    let url = run.read("post/index.html");
    let name = url.rsplit('/').next().unwrap();
    let inode = |path: &Path| std::fs::metadata(path).unwrap().ino();
    let cached = site.root().join(".kiln/cache/images").join(name);
    let served = run.path(&format!("processed_images/{name}"));
    assert_eq!(inode(&cached), inode(&served), "one file, not a copy");
    let source = site.root().join("static/cover.png");
    assert_ne!(
        inode(&source),
        inode(&run.path("cover.png")),
        "static files are copies"
    );
    // A second build, all cached, links the same file again.
    let run = site.build(&[]).succeeded();
    assert_eq!(
        inode(&cached),
        inode(&run.path(&format!("processed_images/{name}")))
    );
}

#[test]
fn shortcodes_may_resize_images_as_in_zolas_documentation() {
    let site = site_with("{{ page.content | safe }}");
    site.write(
        "templates/shortcodes/thumb.html",
        "{% set i = resize_image(path=path, width=40, height=30, op=\"fill\") %}<img src=\"{{ i.url | safe }}\" width=\"{{ i.width }}\" height=\"{{ i.height }}\">",
    );
    site.write(
        "content/post/index.md",
        "+++\ntitle = \"Post\"\n+++\n{{ thumb(path=\"cover.png\") }}\n",
    );
    let run = site.build(&[]).succeeded();
    let html = run.read("post/index.html");
    let url = html
        .split("src=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap();
    assert!(url.contains("/processed_images/"), "{html}");
    assert_eq!(size_of(&site, url), (40, 30));
}

#[test]
fn a_gallery_shortcode_links_and_resizes_each_colocated_picture_as_zola_documents() {
    let site = site_with("{{ page.content | safe }}");
    site.write(
        "templates/shortcodes/gallery.html",
        "{% for asset in page.assets %}{% if asset is matching(\"[.](jpg|png)$\") %}{% set image = resize_image(path=asset, width=24, height=18) %}<a href=\"{{ get_url(path=asset) | safe }}\"><img src=\"{{ image.url | safe }}\"></a>\n{% endif %}{% endfor %}",
    );
    site.write(
        "content/post/index.md",
        "+++\ntitle = \"Post\"\n+++\n{{ gallery() }}\n",
    );
    let run = site.build(&[]).succeeded();
    let html = run.read("post/index.html");
    assert!(
        html.contains("<a href=\"https://x.org/post/photo.jpg\">"),
        "{html}"
    );
    let thumb = html
        .split("src=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap();
    assert_eq!(size_of(&site, thumb), (24, 18));
    assert!(
        run.exists("post/photo.jpg"),
        "the picture itself is copied beside the page"
    );
}
