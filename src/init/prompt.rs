//! The questions of `kiln init`: asked on a terminal, or answered with their defaults.

use std::io::{BufRead, Write};

/// Where answers come from.
pub trait Ask {
    /// A line of text; an empty line takes `default`.
    fn text(&mut self, question: &str, default: &str) -> Result<String, String>;
    /// Yes or no; an empty line takes `default`.
    fn yes_no(&mut self, question: &str, default: bool) -> Result<bool, String>;
}

/// Every question takes its default (`--yes`, or no terminal).
pub struct Defaults;

impl Ask for Defaults {
    fn text(&mut self, _: &str, default: &str) -> Result<String, String> {
        Ok(default.to_owned())
    }
    fn yes_no(&mut self, _: &str, default: bool) -> Result<bool, String> {
        Ok(default)
    }
}

/// Asks on `output`, reads the answers from `input` line by line.
pub struct Terminal<R, W> {
    input: R,
    output: W,
}

impl<R: BufRead, W: Write> Terminal<R, W> {
    pub fn new(input: R, output: W) -> Self {
        Terminal { input, output }
    }

    /// One answer line, trimmed; the end of input is an error (no answer will ever come).
    fn answer(&mut self, prompt: &str) -> Result<String, String> {
        let failed = |e: std::io::Error| format!("cannot ask: {e}");
        write!(self.output, "{prompt} ").map_err(failed)?;
        self.output.flush().map_err(failed)?;
        let mut line = String::new();
        if self.input.read_line(&mut line).map_err(failed)? == 0 {
            return Err("the input ended before every question was answered".to_owned());
        }
        Ok(line.trim().to_owned())
    }
}

impl<R: BufRead, W: Write> Ask for Terminal<R, W> {
    fn text(&mut self, question: &str, default: &str) -> Result<String, String> {
        let answer = self.answer(&format!("> {question} [{default}]"))?;
        Ok(if answer.is_empty() {
            default.to_owned()
        } else {
            answer
        })
    }

    fn yes_no(&mut self, question: &str, default: bool) -> Result<bool, String> {
        let choices = if default { "[Y/n]" } else { "[y/N]" };
        loop {
            let answer = self.answer(&format!("> {question} {choices}"))?;
            match answer.to_ascii_lowercase().as_str() {
                "" => return Ok(default),
                "y" | "yes" => return Ok(true),
                "n" | "no" => return Ok(false),
                _ => {
                    let _ = writeln!(self.output, "  Please answer y or n.");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unclear_answer_is_asked_again_and_an_empty_one_takes_the_default() {
        let mut said = Vec::new();
        let mut terminal = Terminal::new(b"maybe\nNO\n\n" as &[u8], &mut said);
        assert!(!terminal.yes_no("Sass?", true).unwrap());
        assert!(terminal.yes_no("Search?", true).unwrap());
        let said = String::from_utf8(said).unwrap();
        assert!(said.contains("Please answer y or n."), "{said}");
        assert_eq!(said.matches("Sass? [Y/n]").count(), 2, "{said}");
    }

    #[test]
    fn input_that_ends_early_is_an_error_not_a_default() {
        let mut terminal = Terminal::new(b"" as &[u8], Vec::new());
        assert!(terminal.text("URL?", "https://example.com").is_err());
    }
}
