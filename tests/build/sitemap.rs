//! What `sitemap.xml` lists: every indexable URL, pagers of paginated listings included, and
//! nothing a page's `[extra] noindex = true` asks search engines to leave out.

use std::collections::BTreeSet;

use crate::support::Site;
use crate::xml::sitemap_locs;

const BASE: &str = "https://example.org";

fn site() -> Site {
    let site = Site::empty();
    site.write(
        "config.toml",
        &format!("base_url = \"{BASE}\"\ntaxonomies = [{{ name = \"tags\", paginate_by = 2 }}]\n"),
    );
    for template in ["page.html", "section.html", "index.html"] {
        site.write(&format!("templates/{template}"), "x");
    }
    site.write("templates/tags/list.html", "x");
    site.write("templates/tags/single.html", "x");
    site.write(
        "content/blog/_index.md",
        "+++\nsort_by = \"date\"\npaginate_by = 2\n+++\n",
    );
    for n in 1..=5 {
        site.write(
            &format!("content/blog/p{n}.md"),
            &format!(
                "+++\ntitle = \"P{n}\"\ndate = 2026-01-0{n}\n[taxonomies]\ntags = [\"t\"]\n+++\n"
            ),
        );
    }
    site.write(
        "content/thanks.md",
        "+++\ntitle = \"Thanks\"\n[extra]\nnoindex = true\n+++\n",
    );
    site.write(
        "content/hidden/_index.md",
        "+++\n[extra]\nnoindex = true\n+++\n",
    );
    site.write("content/hidden/kept.md", "+++\ntitle = \"Kept\"\n+++\n");
    site
}

#[test]
fn sitemap_lists_every_pager_and_leaves_out_noindex_pages_and_sections() {
    let run = site().build(&[]).succeeded();
    let locs = sitemap_locs(&run.read("sitemap.xml"));
    let expected: BTreeSet<String> = [
        "/",
        "/blog/",
        "/blog/page/2/",
        "/blog/page/3/",
        "/blog/p1/",
        "/blog/p2/",
        "/blog/p3/",
        "/blog/p4/",
        "/blog/p5/",
        "/hidden/kept/",
        "/tags/",
        "/tags/t/",
        "/tags/t/page/2/",
        "/tags/t/page/3/",
    ]
    .iter()
    .map(|path| format!("{BASE}{path}"))
    .collect();
    assert_eq!(locs, expected);
    // The pages left out are still built: noindex is about search engines, not about output.
    assert!(run.exists("thanks/index.html") && run.exists("hidden/index.html"));
    for pager in ["blog/page/3/index.html", "tags/t/page/3/index.html"] {
        assert!(run.exists(pager), "{pager} is listed, so it must exist");
    }
}
