//! `compile_sass`: the stylesheets of `sass/` become compressed CSS, as Zola writes them.

use crate::support::{Site, names_file_line_and_column, snapshot};

/// The zola-basic fixture with `compile_sass = true` and a small Sass tree: a partial shared
/// through `@use`, nesting, a mixin, a `.sass` file in a folder and a partial folder.
fn sass_site() -> Site {
    let site = Site::fixture("zola-basic");
    let config = site.read_source("config.toml");
    site.write("config.toml", &format!("compile_sass = true\n{config}"));
    site.write(
        "sass/_palette.scss",
        "$ink: #1d1d1f;\n@mixin card($pad) { padding: $pad; border-radius: 4px; }\n",
    );
    site.write(
        "sass/main.scss",
        "@use \"palette\" as p;\nbody { color: p.$ink; nav { a { &:hover { color: red; } } } }\n.card { @include p.card(2rem); }\n",
    );
    site.write(
        "sass/css/print.sass",
        "@use \"../palette\"\nbody\n  color: palette.$ink\n  .note\n    display: none\n",
    );
    site.write("sass/_parts/skipped.scss", "a { b: c; }\n");
    site
}

#[test]
fn each_stylesheet_becomes_css_at_its_path_equal_to_what_grass_compiles() {
    let site = sass_site();
    let run = site.build(&[]).succeeded();
    let options = grass_compiler::Options::default().style(grass_compiler::OutputStyle::Compressed);
    for (source, output) in [
        ("main.scss", "main.css"),
        ("css/print.sass", "css/print.css"),
    ] {
        let expected = grass_compiler::from_path(site.root().join("sass").join(source), &options)
            .expect("the test's Sass compiles");
        assert_eq!(run.read(output), expected, "{output}");
    }
    assert!(run.read("main.css").contains("body nav a:hover{color:red}"));
    assert!(run.read("main.css").contains("padding:2rem"));
    let files = run.files();
    assert!(
        !files
            .iter()
            .any(|f| f.contains("palette") || f.contains("skipped"))
    );
}

#[test]
fn without_compile_sass_the_sass_folder_is_left_alone() {
    let site = sass_site();
    site.replace_in("config.toml", "compile_sass = true\n", "");
    let run = site.build(&[]).succeeded();
    assert!(!run.exists("main.css") && !run.exists("css/print.css"));
    assert!(
        run.exists("style.css"),
        "the fixture's static stylesheet is still copied"
    );
}

#[test]
fn one_name_in_both_syntaxes_is_an_error_naming_both() {
    let site = sass_site();
    site.write("sass/main.sass", "p\n  color: blue\n");
    let err = site.build(&[]).failed().stderr;
    assert!(
        err.contains("sass/main.sass")
            && err.contains("sass/main.scss")
            && err.contains("main.css"),
        "{err}"
    );
}

#[test]
fn broken_sass_names_file_line_and_column_and_leaves_the_output_unchanged() {
    let site = sass_site();
    site.build(&[]).succeeded();
    let before = snapshot(&site.dist());
    site.write(
        "sass/_palette.scss",
        "$ink: #1d1d1f;\n@mixin card($pad) {\n  padding: $pad\n  border: 0;\n}\n",
    );
    let err = site.build(&[]).failed().stderr;
    assert!(
        names_file_line_and_column(&err, "sass/_palette.scss", 4),
        "expected sass/_palette.scss:4:col in:\n{err}"
    );
    assert!(before == snapshot(&site.dist()), "dist/ changed");
}

#[test]
fn a_stylesheet_and_a_static_file_at_one_path_is_an_error() {
    let site = sass_site();
    site.write("static/main.css", "body{}");
    let err = site.build(&[]).failed().stderr;
    assert!(
        err.contains("static/main.css") && err.contains("main.css"),
        "{err}"
    );
}
