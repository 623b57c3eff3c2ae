#!/usr/bin/env python3
"""Draws the example site's creator portraits: one flat, illustrated head-and-shoulders SVG
per creator into static/creators/<slug>.svg, shown on the creators' cards and pages.

Each portrait is made from a few traits (skin, hair style and colour, clothes, glasses,
beard) on the creator's own hue (`hue` in their front matter), so the four read as one set,
like the show covers. Run from anywhere: tools/make-portraits.py. The output depends only on
the table below, so re-running it on an unchanged tree leaves git clean.
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CREATORS = {
    "ada-okafor": dict(hue=174, skin="#8d5524", hair="#1b1410", style="curls", shirt="#f2efe6", glasses=True),
    "june-park": dict(hue=340, skin="#f1c9a5", hair="#16110f", style="long", shirt="#2f3e5c", glasses=False),
    "mara-lindqvist": dict(hue=130, skin="#f6d7c3", hair="#d9b26a", style="bun", shirt="#6b4f2a", glasses=False),
    "tomas-reyes": dict(hue=28, skin="#c68642", hair="#2b1d14", style="short", shirt="#1f4d46", glasses=False, beard=True),
}

HAIR_BACK = {
    "long": '<path d="M62 112c0-46 26-74 58-74s58 28 58 74v96H62z" fill="{hair}"/>',
    "curls": "".join(
        f'<circle cx="{x}" cy="{y}" r="17" fill="{{hair}}"/>'
        for x, y in [(78, 84), (94, 62), (120, 54), (146, 62), (162, 84), (70, 108), (170, 108)]
    ),
    "bun": '<circle cx="120" cy="40" r="20" fill="{hair}"/>',
    "short": "",
}

HAIR_FRONT = {
    "long": '<path d="M74 104c4-32 22-50 46-50s42 18 46 50c-16-14-30-20-46-20s-30 6-46 20z" fill="{hair}"/>',
    "curls": '<path d="M78 96c2-26 18-42 42-42s40 16 42 42c-10-8-24-14-42-14s-32 6-42 14z" fill="{hair}"/>',
    "bun": '<path d="M76 102c2-30 20-46 44-46s42 16 44 46c-12-12-26-18-44-18s-32 6-44 18z" fill="{hair}"/>',
    "short": '<path d="M76 100c0-30 20-46 44-46s44 16 44 46c-8-6-16-12-24-14-8 8-30 10-52 8-4 2-8 4-12 6z" fill="{hair}"/>',
}


def portrait(name: str, t: dict) -> str:
    hue = t["hue"]
    hair = t["hair"]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 240 240" width="240" height="240" role="img" aria-label="Portrait of {name}">',
        f'<rect width="240" height="240" fill="hsl({hue} 45% 86%)"/>',
        f'<circle cx="196" cy="48" r="30" fill="hsl({hue} 55% 74%)"/>',
        HAIR_BACK[t["style"]].format(hair=hair),
        # Shoulders and neck, then the head with its ears.
        f'<path d="M38 240c4-44 36-66 82-66s78 22 82 66z" fill="{t["shirt"]}"/>',
        f'<path d="M104 150h32v32c-8 8-24 8-32 0z" fill="{t["skin"]}"/>',
        f'<path d="M104 176c8 8 24 8 32 0l6 4c-10 12-34 12-44 0z" fill="#000" opacity="0.12"/>',
        f'<ellipse cx="80" cy="116" rx="8" ry="11" fill="{t["skin"]}"/>',
        f'<ellipse cx="160" cy="116" rx="8" ry="11" fill="{t["skin"]}"/>',
        f'<ellipse cx="120" cy="112" rx="40" ry="48" fill="{t["skin"]}"/>',
    ]
    if t.get("beard"):
        parts.append(f'<path d="M82 118c2 30 18 44 38 44s36-14 38-44c-6 10-14 16-20 16h-36c-6 0-14-6-20-16z" fill="{hair}"/>')
    parts += [
        HAIR_FRONT[t["style"]].format(hair=hair),
        # Brows, eyes, cheeks and a smile.
        f'<path d="M96 100q8-5 16 0M128 100q8-5 16 0" stroke="{hair}" stroke-width="3.5" fill="none" stroke-linecap="round"/>',
        '<circle cx="104" cy="114" r="4" fill="#221a16"/><circle cx="136" cy="114" r="4" fill="#221a16"/>',
        f'<circle cx="96" cy="132" r="7" fill="hsl({hue} 70% 60%)" opacity="0.18"/>',
        f'<circle cx="144" cy="132" r="7" fill="hsl({hue} 70% 60%)" opacity="0.18"/>',
        '<path d="M108 140q12 10 24 0" stroke="#5a2e22" stroke-width="3.5" fill="none" stroke-linecap="round"/>',
    ]
    if t.get("glasses"):
        parts.append('<g fill="none" stroke="#2a2a2a" stroke-width="3"><circle cx="104" cy="114" r="12"/><circle cx="136" cy="114" r="12"/><path d="M116 114h8M92 112l-10-4M148 112l10-4"/></g>')
    parts.append("</svg>\n")
    return "\n".join(parts)


def title_of(slug: str) -> str:
    for line in (ROOT / "content/creators" / f"{slug}.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("title"):
            return line.split(":", 1)[-1].split("=", 1)[-1].strip().strip('"')
    raise SystemExit(f"make-portraits: content/creators/{slug}.md has no title")


def main() -> None:
    out = ROOT / "static/creators"
    out.mkdir(parents=True, exist_ok=True)
    for slug, traits in CREATORS.items():
        path = out / f"{slug}.svg"
        path.write_text(portrait(title_of(slug), traits), encoding="utf-8")
        print(f"make-portraits: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
