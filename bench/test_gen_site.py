"""Checks that bench/gen-site.py writes deterministic, self-consistent and equivalent sites.

Run: python3 -B -m unittest discover -s bench -p 'test_*.py'
"""

import json
import re
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

GENERATOR = Path(__file__).resolve().parent / "gen-site.py"
PAGES = 37


def generate(root, *extra):
    zola, hugo = root / "zola", root / "hugo"
    cmd = [sys.executable, str(GENERATOR), "--pages", str(PAGES), "--out", str(zola)]
    subprocess.run(cmd + ["--hugo", str(hugo), *extra], check=True, capture_output=True)
    return zola, hugo


def tree(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def pages(root):
    found = {}
    for path in sorted((root / "content").glob("*/*.md")):
        if path.name != "_index.md":
            _, front, body = path.read_text(encoding="utf-8").split("+++\n", 2)
            found[path.relative_to(root / "content").as_posix()] = (front, body)
    return found


class GenerateSite(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.root = Path(cls.tmp.name)
        cls.zola, cls.hugo = generate(cls.root / "a")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_same_arguments_give_the_same_bytes(self):
        zola, hugo = generate(self.root / "b")
        self.assertEqual(tree(self.zola), tree(zola))
        self.assertEqual(tree(self.hugo), tree(hugo))

    def test_another_seed_gives_other_content(self):
        zola, _ = generate(self.root / "c", "--seed", "2")
        self.assertNotEqual(pages(self.zola), pages(zola))

    def test_every_internal_link_targets_a_generated_page(self):
        site = pages(self.zola)
        links = [t for _, body in site.values() for t in re.findall(r"\(@/([^)#]+)\)", body)]
        self.assertEqual(len(links), 3 * PAGES)
        self.assertEqual([t for t in links if t not in site], [])

    def test_hugo_bodies_equal_zola_bodies_but_for_link_syntax(self):
        zola, hugo = pages(self.zola), pages(self.hugo)
        self.assertEqual(zola.keys(), hugo.keys())
        for name, (_, body) in zola.items():
            as_hugo = re.sub(r"\(@/([^)]+)\)", r'({{< ref "/\1" >}})', body)
            self.assertEqual(as_hugo, hugo[name][1], name)

    def test_front_matter_carries_the_same_tags(self):
        zola, hugo = pages(self.zola), pages(self.hugo)
        for name, (front, _) in zola.items():
            tags = re.search(r"\[taxonomies\]\ntags = (\[.*\])", front).group(1)
            self.assertIn(f"tags = {tags}\n", hugo[name][0], name)

    def test_bodies_have_every_markdown_feature_and_about_600_words(self):
        for name, (_, body) in pages(self.zola).items():
            for feature in ("\n## ", "\n### ", "\n- ", "\n1. ", "```rust", "| --- |", "\n> ", "`"):
                self.assertIn(feature, body, f"{name} lacks {feature!r}")
            prose = re.sub(r"```.*?```|\|[^\n]*", "", body, flags=re.S)
            self.assertTrue(450 <= len(prose.split()) <= 800, f"{name}: {len(prose.split())} words")

    def test_manifest_counts_pages_pagers_and_tags(self):
        manifest = json.loads((self.zola / "bench-manifest.json").read_text())
        self.assertEqual(manifest["pages"], PAGES)
        self.assertEqual(len(manifest["page_paths"]), PAGES)
        # 37 pages over 5 sections: 8, 8, 7, 7, 7 pages, one pager each at 10 per page.
        self.assertEqual(manifest["section_pagers"], 5)
        self.assertEqual(manifest["min_html_files"], 2 + PAGES + 5 + 1 + manifest["tags"])

    def test_the_highlighting_variant_has_three_languages_and_highlighting_in_both_copies(self):
        zola, hugo = generate(self.root / "d", "--more-code", "--highlight")
        for name, (_, body) in pages(zola).items():
            for fence in ("```rust", "```python", "```toml"):
                self.assertIn(fence, body, f"{name} lacks {fence}")
        self.assertIn("[markdown.highlighting]", (zola / "config.toml").read_text())
        self.assertIn("codeFences = true", (hugo / "hugo.toml").read_text())
        self.assertNotIn("highlighting", (self.zola / "config.toml").read_text())

    def test_refuses_to_write_into_a_folder_with_files(self):
        cmd = [sys.executable, str(GENERATOR), "--pages", "3", "--out", str(self.zola)]
        result = subprocess.run(cmd, capture_output=True, text=True)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("pass --force", result.stderr)


if __name__ == "__main__":
    unittest.main()
