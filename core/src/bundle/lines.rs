//! Lines of an entry read with a bound on what is held: a line longer than
//! the bound comes in windows, each overlapping the one before it, so that
//! a pattern cut by a window's end is still seen whole in the next one.
//! Memory is the bound, whatever the longest line of the input.

use std::io::{self, BufRead, Read};

/// One window of a line.
#[derive(Debug, PartialEq, Eq)]
pub struct Window<'a> {
    /// The window's bytes; `bytes[..fresh]` were the end of the previous
    /// window (the overlap), `bytes[fresh..]` are new.
    pub bytes: &'a [u8],
    /// Where the new bytes start: the length of the overlap, 0 in a line's first window.
    pub fresh: usize,
    /// Whether this window starts a line (it is the line's first).
    pub starts_line: bool,
    /// Whether the line ends in this window (with its newline, if any).
    pub ends_line: bool,
}

/// Reads lines, each held as windows of at most `max` bytes.
pub struct BoundedLines<R> {
    reader: R,
    max: usize,
    overlap: usize,
    buf: Vec<u8>,
    mid_line: bool,
    /// The most bytes held at once.
    pub held_max: usize,
    /// Lines longer than `max`, which came in more than one window.
    pub long_lines: u64,
}

impl<R: BufRead> BoundedLines<R> {
    /// `max` bytes held at most; a long line's windows share `overlap`
    /// bytes (less than `max`).
    pub fn new(reader: R, max: usize, overlap: usize) -> Self {
        assert!(overlap < max, "the overlap must leave room for new bytes");
        BoundedLines {
            reader,
            max,
            overlap,
            buf: Vec::with_capacity(max),
            mid_line: false,
            held_max: 0,
            long_lines: 0,
        }
    }

    /// The next window, `None` at the end of the input.
    pub fn next_window(&mut self) -> io::Result<Option<Window<'_>>> {
        let fresh = if self.mid_line {
            // Carry exactly the tail of the last window. Whatever the cut
            // makes of the carry's first bytes (half a word, half a
            // character), the caller sees the same when it looks at the
            // carry alone, so it can tell what it already counted.
            let from = self.buf.len().saturating_sub(self.overlap);
            self.buf.drain(..from);
            self.buf.len()
        } else {
            self.buf.clear();
            0
        };
        let starts_line = !self.mid_line;
        // `read_until` finds the newline with `memchr`; `take` keeps it
        // from reading past the window.
        let room = (self.max - self.buf.len()) as u64;
        let n = (&mut self.reader)
            .take(room)
            .read_until(b'\n', &mut self.buf)?;
        if n == 0 {
            // Nothing new: the input ended with the last window.
            self.mid_line = false;
            return Ok(None);
        }
        let ends_line = self.buf.last() == Some(&b'\n') || (n as u64) < room;
        self.held_max = self.held_max.max(self.buf.len());
        if starts_line && !ends_line {
            self.long_lines += 1;
        }
        self.mid_line = !ends_line;
        Ok(Some(Window {
            bytes: &self.buf,
            fresh,
            starts_line,
            ends_line,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A window as owned parts: bytes, fresh, starts_line, ends_line.
    type Owned = (Vec<u8>, usize, bool, bool);

    fn windows(input: &[u8], max: usize, overlap: usize) -> (Vec<Owned>, usize) {
        let mut lines = BoundedLines::new(io::BufReader::with_capacity(7, input), max, overlap);
        let mut out = Vec::new();
        while let Some(w) = lines.next_window().unwrap() {
            out.push((w.bytes.to_vec(), w.fresh, w.starts_line, w.ends_line));
        }
        (out, lines.held_max)
    }

    #[test]
    fn short_lines_come_whole_with_their_newlines() {
        let (w, held) = windows(b"ab\ncd\n\nlast", 16, 4);
        let got: Vec<&[u8]> = w.iter().map(|w| w.0.as_slice()).collect();
        assert_eq!(got, [&b"ab\n"[..], b"cd\n", b"\n", b"last"]);
        assert!(w.iter().all(|w| w.1 == 0 && w.2 && w.3));
        assert_eq!(held, 4);
    }

    #[test]
    fn a_long_line_comes_in_overlapping_windows_that_hold_every_byte_once_as_fresh() {
        let line: Vec<u8> = (0..100u8).map(|i| b'a' + i % 26).collect();
        let (w, held) = windows(&line, 10, 3);
        assert_eq!(held, 10);
        let fresh: Vec<u8> = w.iter().flat_map(|w| w.0[w.1..].to_vec()).collect();
        assert_eq!(fresh, line);
        assert!(w[0].2 && !w[0].3);
        assert!(w[1..].iter().all(|w| !w.2 && w.1 == 3));
        assert!(w.last().unwrap().3);
    }

    #[test]
    fn the_overlap_is_exactly_the_last_bytes_of_the_window_before() {
        let (w, _) = windows(b"aaaaaa bbbccc\n", 10, 5);
        assert_eq!(w[0].0, b"aaaaaa bbb");
        assert_eq!(w[1].0, b"a bbbccc\n");
        assert_eq!(w[1].1, 5);
    }
}
