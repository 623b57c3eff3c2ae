#!/usr/bin/env python3
"""Generate a synthetic site of N pages for the build benchmark, as a Zola-format site and,
optionally, an equivalent Hugo site built from the same Markdown bodies.

Deterministic: the same --pages and --seed always produce the same bytes. Standard library only.
See bench/README.md for what the site contains and how the two copies differ.
"""

import argparse
import json
import random
import shutil
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"

SECTIONS = [
    ("blog", "Blog"),
    ("docs", "Documentation"),
    ("news", "News"),
    ("guides", "Guides"),
    ("notes", "Field notes"),
]
PAGINATE_BY = 10
FEED_LIMIT = 20
TAG_COUNT = 50
TAGS_PER_PAGE = (2, 4)
INTERNAL_LINKS_PER_PAGE = 3
BASE_URL = "https://bench.example.com"
SITE_TITLE = "Kiln benchmark site"
SITE_DESCRIPTION = "A synthetic site used to measure static site generators."
EPOCH = datetime(2015, 1, 1, 8, 0, 0, tzinfo=timezone.utc)

# Plain lowercase words: slugs and ids come out the same in every tool.
WORDS = """
able about above across active actual adapt add address admit adopt advance advice affect
afford agree ahead allow almost alone along already alter amount anchor angle annual answer
apply approach archive argue arrange arrive aside assume attach attempt audio author avoid
balance banner basic batch become before begin behave behind belong benefit better beyond
binary border bottom branch bridge brief bright broad budget buffer build bundle button cache
camera carry catalog center chain change channel chapter check choose circle claim clean clear
client close cluster coarse column common compile compose concern confirm connect consider
contain content context control convert copy corner correct cover create credit current custom
cycle daily damage debate decide default define degree delay deliver depend deploy derive
design detail develop device direct discover display divide domain double draft driver during
early editor effect effort either element embed enable encode engine enough entire entry equal
error escape estimate event exact example expand expect explain export extend extra factor
family fast feature feedback field figure filter final follow format forward frame fresh front
future gather general gentle global govern gradual graph group growth guide handle happen
header health height helpful hidden history holder honest host human idea image impact import
improve include index inline input insert inside install intent invite issue item journal
judge keep kernel label large latest layer layout leader learn legacy length level library
light limit linear listen little local logic lower machine manage manual margin market master
matter measure medium member memory merge method middle minute mirror mobile model modern
module moment monitor native nearby network neutral notice number object observe offer online
option order origin output owner package panel parallel parent partial pattern people perform
period person phase picture pixel place plain planet player pocket policy portal position
possible power predict prefer prepare present preview primary prior private process produce
profile program project prompt proper protect provide public publish quality query quick quiet
random range rapid rather reach reader ready reason record reduce region release remote render
repeat replace report request require reserve resolve result retain return review rhythm right
robust router runtime sample scale schema screen script search season second secure select
sender series server session settle shadow shape share shell shift signal simple single sketch
slice smooth socket source space speaker special speed split stable stage standard static
status steady stream street strong studio style submit subtle summary supply support surface
switch symbol system table target teacher template tenant theory thread ticket timber timing
token topic toward track trade travel trigger trust typical unit update upload useful valid
value vector vendor version video visible visual volume warning watch weight window winter
worker writer yellow yield
""".split()

TAG_WORDS = """
rust python golang javascript typescript css html http tls dns caching databases sqlite
postgres indexing search accessibility performance profiling testing security privacy design
typography layout animation audio video podcasting streaming markdown templates deployment
hosting cdn compression images fonts analytics seo feeds sitemaps localization workflow tooling
editors terminals linux networking concurrency memory compilers parsing
""".split()


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, required=True, help="number of content pages")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", type=Path, required=True, help="Zola-format site folder")
    parser.add_argument("--hugo", type=Path, help="also write the Hugo copy of the site here")
    parser.add_argument(
        "--hugo-links",
        choices=("ref", "plain"),
        default="ref",
        help="internal links in the Hugo copy: checked {{< ref >}} shortcodes (default, the "
        "equivalent of Zola's @/ links) or plain root-relative URLs",
    )
    parser.add_argument(
        "--more-code",
        action="store_true",
        help="give each page a python and a toml block besides its rust block",
    )
    parser.add_argument(
        "--highlight",
        action="store_true",
        help="turn syntax highlighting on in both copies (inline colours, a GitHub light theme)",
    )
    parser.add_argument(
        "--translate",
        metavar="CODE",
        help="also write every page and section in language CODE (`name.CODE.md`, "
        "`_index.CODE.md`, a [languages.CODE] table with its own feed and tags): a "
        "two-language Zola site; the Hugo copy stays in one language",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace the output folders if they exist"
    )
    args = parser.parse_args(argv)
    if args.pages < 1:
        parser.error("--pages must be at least 1")
    if len(TAG_WORDS) < TAG_COUNT:
        parser.error("internal: fewer tag words than TAG_COUNT")
    return args


def prepare_folder(path, force):
    """Refuse to mix generated files with anything already there, unless told to replace it."""
    if path.exists() and any(path.iterdir()):
        if not force:
            sys.exit(f"error: {path} exists and is not empty; pass --force to replace it")
        shutil.rmtree(path)
    path.mkdir(parents=True, exist_ok=True)


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


class Page:
    """One generated page: where it lives, its metadata, and its body with link placeholders."""

    def __init__(self, index, section, slug, title, date, description, tags):
        self.index = index
        self.section = section
        self.slug = slug
        self.title = title
        self.date = date
        self.description = description
        self.tags = tags
        self.body = ""

    @property
    def content_path(self):
        return f"{self.section}/{self.slug}.md"

    @property
    def url_path(self):
        return f"/{self.section}/{self.slug}/"


def words(rng, count):
    return [rng.choice(WORDS) for _ in range(count)]


def sentence(rng, low=8, high=16):
    text = " ".join(words(rng, rng.randint(low, high)))
    return text[0].upper() + text[1:] + "."


def title_case(items):
    return " ".join(w.capitalize() for w in items)


def make_pages(rng, count):
    tags = sorted(TAG_WORDS[:TAG_COUNT])
    pages = []
    for i in range(count):
        section = SECTIONS[i % len(SECTIONS)][0]
        stem = words(rng, 3)
        slug = f"{'-'.join(stem)}-{i:05d}"
        # Distinct timestamps keep date sorting free of ties, so every tool agrees on order.
        date = EPOCH + timedelta(hours=6 * i, minutes=rng.randint(0, 59))
        page_tags = sorted(rng.sample(tags, rng.randint(*TAGS_PER_PAGE)))
        title = title_case(stem) + f" {i}"
        pages.append(Page(i, section, slug, title, date, sentence(rng, 12, 20), page_tags))
    return pages


def paragraph(rng, links):
    """A paragraph of about 60 words with inline markup; `links` are placeholders to splice in."""
    parts = [sentence(rng) for _ in range(rng.randint(3, 5))]
    first = parts[0].split(" ")
    first[1] = f"**{first[1]}**"
    parts[0] = " ".join(first)
    extra = words(rng, 2)
    parts.insert(1, f"Use `{extra[0]}_{extra[1]}()` when the *{extra[0]}* changes.")
    # Quotes, apostrophes and dashes give smart punctuation real work in both tools.
    parts.append(f'The "{extra[1]}" step isn\'t optional -- it\'s the {rng.choice(WORDS)}...')
    for link in links:
        parts.insert(rng.randint(1, len(parts)), link)
    return " ".join(parts)


def bullet_list(rng, ordered, link=None):
    items = [sentence(rng, 5, 9) for _ in range(rng.randint(4, 6))]
    if link:
        items[1] = f"{items[1]} See {link}."
    marker = (lambda n: f"{n + 1}.") if ordered else (lambda n: "-")
    return "\n".join(f"{marker(n)} {item}" for n, item in enumerate(items))


def code_block(rng):
    name = "_".join(words(rng, 2))
    lines = [f"fn {name}(input: &str) -> Result<usize, String> {{"]
    for var in words(rng, 5):
        lines.append(f'    let {var} = input.find("{rng.choice(WORDS)}").unwrap_or(0);')
    lines.append("    Ok(input.len())")
    lines.append("}")
    return "```rust\n" + "\n".join(lines) + "\n```"


def python_block(rng):
    name = "_".join(words(rng, 2))
    lines = [f"def {name}(items: list[str]) -> dict[str, int]:", "    # Count the words we know."]
    lines.append("    counts = {}")
    for var in words(rng, 3):
        lines.append(f'    if "{var}" in items:  # {rng.choice(WORDS)}')
        lines.append(f'        counts["{var}"] = counts.get("{var}", 0) + {rng.randint(1, 9)}')
    lines.append("    return counts")
    return "```python\n" + "\n".join(lines) + "\n```"


def toml_block(rng):
    lines = [f"[{rng.choice(WORDS)}]"]
    for key in words(rng, 4):
        value = rng.choice([f'"{rng.choice(WORDS)}"', str(rng.randint(1, 999)), "true"])
        lines.append(f"{key} = {value}")
    lines.append(f"list = [{', '.join(repr(w) for w in words(rng, 3))}]")
    return "```toml\n" + "\n".join(lines) + "\n```"


def table(rng):
    head = [title_case(words(rng, 1)) for _ in range(4)]
    rows = ["| " + " | ".join(head) + " |", "| --- | --- | ---: | :---: |"]
    for _ in range(5):
        cells = [" ".join(words(rng, 2)), rng.choice(WORDS), str(rng.randint(1, 9999))]
        cells.append(rng.choice(["yes", "no", "partial"]))
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def make_body(rng, links, more_code=False):
    """About 600 words of Markdown; `links` are the three internal-link placeholders; with
    `more_code`, a python and a toml block follow the rust one."""
    heads = [title_case(words(rng, rng.randint(2, 4))) for _ in range(6)]
    external = f"[{rng.choice(WORDS)} reference](https://example.org/{rng.choice(WORDS)})"
    blocks = [
        paragraph(rng, [external]),
        f"## {heads[0]}",
        paragraph(rng, [links[0]]),
        bullet_list(rng, ordered=False, link=links[1]),
        f"### {heads[1]}",
        paragraph(rng, []),
        code_block(rng),
        *([python_block(rng), toml_block(rng)] if more_code else []),
        f"## {heads[2]}",
        paragraph(rng, []),
        bullet_list(rng, ordered=True),
        f"### {heads[3]}",
        paragraph(rng, []),
        table(rng),
        f"## {heads[4]}",
        "> " + sentence(rng, 12, 18),
        paragraph(rng, [links[2]]),
        f"### {heads[5]}",
        paragraph(rng, []),
    ]
    return "\n\n".join(blocks) + "\n"


def attach_bodies(rng, pages, more_code=False):
    for page in pages:
        targets = rng.sample(range(len(pages)), min(INTERNAL_LINKS_PER_PAGE, len(pages)))
        while len(targets) < INTERNAL_LINKS_PER_PAGE:
            targets.append(targets[0])
        links = [f"[{pages[t].title}](<<LINK:{t}>>)" for t in targets]
        page.body = make_body(rng, links, more_code)


def resolve_links(body, pages, style):
    """Replace <<LINK:n>> placeholders with each tool's checked internal-link syntax."""
    out, rest = [], body
    while "<<LINK:" in rest:
        before, _, after = rest.partition("<<LINK:")
        number, _, rest = after.partition(">>")
        target = pages[int(number)]
        if style == "zola":
            out.append(before + f"@/{target.content_path}")
        elif style == "ref":
            out.append(before + f'{{{{< ref "/{target.content_path}" >}}}}')
        else:
            out.append(before + target.url_path)
    out.append(rest)
    return "".join(out)


def toml_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def toml_list(items):
    return "[" + ", ".join(toml_string(i) for i in items) + "]"


def toml_date(date):
    return date.strftime("%Y-%m-%dT%H:%M:%SZ")


def zola_front_matter(page):
    return (
        "+++\n"
        f"title = {toml_string(page.title)}\n"
        f"date = {toml_date(page.date)}\n"
        f"description = {toml_string(page.description)}\n"
        "\n[taxonomies]\n"
        f"tags = {toml_list(page.tags)}\n"
        "+++\n\n"
    )


def hugo_front_matter(page):
    return (
        "+++\n"
        f"title = {toml_string(page.title)}\n"
        f"date = {toml_date(page.date)}\n"
        f"description = {toml_string(page.description)}\n"
        f"tags = {toml_list(page.tags)}\n"
        "+++\n\n"
    )


def section_intro(rng):
    return " ".join(sentence(rng) for _ in range(3)) + "\n"


def nav_entries():
    return [(title, f"/{name}/") for name, title in SECTIONS] + [("Tags", "/tags/")]


# Zola 0.22's table; Hugo's equivalent below uses Chroma's GitHub style, also inline.
ZOLA_HIGHLIGHTING = '\n[markdown.highlighting]\ntheme = "github-light"\n'
HUGO_HIGHLIGHTING = 'codeFences = true\nnoClasses = true\nstyle = "github"'


def zola_language(code):
    return f"""
[languages.{code}]
title = {toml_string(SITE_TITLE + " (" + code + ")")}
description = {toml_string(SITE_DESCRIPTION)}
generate_feeds = true
taxonomies = [{{ name = "tags" }}]
"""


def translated_path(content_path, code):
    """`blog/post.md` → `blog/post.CODE.md`."""
    return content_path[: -len(".md")] + f".{code}.md"


def zola_config(highlight=False):
    nav = ",\n".join(
        f"  {{ name = {toml_string(t)}, path = {toml_string(p)} }}" for t, p in nav_entries()
    )
    return f"""base_url = {toml_string(BASE_URL)}
title = {toml_string(SITE_TITLE)}
description = {toml_string(SITE_DESCRIPTION)}
default_language = "en"
generate_feeds = true
feed_filenames = ["atom.xml"]
feed_limit = {FEED_LIMIT}
generate_sitemap = true
generate_robots_txt = true
taxonomies = [{{ name = "tags" }}]

[markdown]
smart_punctuation = true
{ZOLA_HIGHLIGHTING if highlight else ""}
[extra]
nav = [
{nav}
]
"""


def hugo_config(highlight=False):
    nav = "\n".join(
        f"[[params.nav]]\nname = {toml_string(t)}\npath = {toml_string(p)}\n"
        for t, p in nav_entries()
    )
    return f"""baseURL = {toml_string(BASE_URL + "/")}
title = {toml_string(SITE_TITLE)}
languageCode = "en"
defaultContentLanguage = "en"
paginate = {PAGINATE_BY}
rssLimit = {FEED_LIMIT}
enableRobotsTXT = true
disableHugoGeneratorInject = true

[taxonomies]
tag = "tags"

# Zola writes one site feed and no per-section or per-term feeds: ask Hugo for the same.
[outputs]
home = ["HTML", "RSS"]
section = ["HTML"]
taxonomy = ["HTML"]
term = ["HTML"]

[markup.highlight]
{HUGO_HIGHLIGHTING if highlight else "codeFences = false"}

[markup.goldmark.extensions]
typographer = true

[markup.tableOfContents]
startLevel = 2
endLevel = 6
ordered = false

[params]
description = {toml_string(SITE_DESCRIPTION)}

{nav}"""


def write_zola(root, pages, intros, highlight=False, translate=None):
    config = zola_config(highlight)
    if translate:
        config = config.replace("\n[markdown]", zola_language(translate) + "\n[markdown]", 1)
    write(root / "config.toml", config)
    languages = ["_index.md"] + ([f"_index.{translate}.md"] if translate else [])
    for index in languages:
        write(root / "content" / index, '+++\ntitle = "Home"\n+++\n\n' + intros[0])
    for weight, (name, title) in enumerate(SECTIONS, start=1):
        for index in languages:
            write(
                root / "content" / name / index,
                f"+++\ntitle = {toml_string(title)}\nsort_by = \"date\"\n"
                f"paginate_by = {PAGINATE_BY}\nweight = {weight}\n+++\n\n{intros[weight]}",
            )
    for page in pages:
        body = resolve_links(page.body, pages, "zola")
        write(root / "content" / page.content_path, zola_front_matter(page) + body)
        if translate:
            path = translated_path(page.content_path, translate)
            write(root / "content" / path, zola_front_matter(page) + body)
    shutil.copytree(TEMPLATES / "zola", root / "templates")
    shutil.copytree(TEMPLATES / "static", root / "static")


def write_hugo(root, pages, intros, link_style, highlight=False):
    write(root / "hugo.toml", hugo_config(highlight))
    write(root / "content" / "_index.md", '+++\ntitle = "Home"\n+++\n\n' + intros[0])
    for weight, (name, title) in enumerate(SECTIONS, start=1):
        write(
            root / "content" / name / "_index.md",
            f"+++\ntitle = {toml_string(title)}\nweight = {weight}\n+++\n\n{intros[weight]}",
        )
    for page in pages:
        body = resolve_links(page.body, pages, link_style)
        write(root / "content" / page.content_path, hugo_front_matter(page) + body)
    shutil.copytree(TEMPLATES / "hugo", root / "layouts")
    shutil.copytree(TEMPLATES / "static", root / "static")


def manifest(pages):
    """What a correct build must contain, so the harness can tell a fast build from a broken one."""
    per_section = {name: 0 for name, _ in SECTIONS}
    for page in pages:
        per_section[page.section] += 1
    pagers = sum(-(-n // PAGINATE_BY) for n in per_section.values() if n)
    used_tags = sorted({t for p in pages for t in p.tags})
    return {
        "pages": len(pages),
        "page_paths": [p.url_path for p in pages],
        "section_pagers": pagers,
        "tags": len(used_tags),
        # index + 404 + pages + section pagers + tag list + one page per tag (redirects excluded)
        "min_html_files": 2 + len(pages) + pagers + 1 + len(used_tags),
    }


def main(argv):
    args = parse_args(argv)
    rng = random.Random(args.seed)
    pages = make_pages(rng, args.pages)
    attach_bodies(rng, pages, args.more_code)
    intros = [section_intro(rng) for _ in range(len(SECTIONS) + 1)]
    prepare_folder(args.out, args.force)
    write_zola(args.out, pages, intros, args.highlight, args.translate)
    info = manifest(pages)
    write(args.out / "bench-manifest.json", json.dumps(info, indent=1) + "\n")
    if args.hugo:
        prepare_folder(args.hugo, args.force)
        write_hugo(args.hugo, pages, intros, args.hugo_links, args.highlight)
        write(args.hugo / "bench-manifest.json", json.dumps(info, indent=1) + "\n")
    print(
        f"generated {len(pages)} pages, {info['tags']} tags, {info['section_pagers']} section "
        f"pagers into {args.out}" + (f" and {args.hugo}" if args.hugo else "")
    )


if __name__ == "__main__":
    main(sys.argv[1:])
