//! End to end: hostile memory text drawn through ratatui and crossterm into a terminal emulator
//! shows up as literal escapes and changes nothing but the cells it is drawn in.

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

use memory_console::text::TextView;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::widgets::Paragraph;

const HOSTILE: &str = "title\x1b]0;pwned\x07 clip\x1b]52;c;ZXZpbA==\x07\n\
                       \x1b[2J\x1b[H\x1bPq#0\x1b\\ c1\u{9b}31m\r\n\
                       abc\u{202e}fed zw\u{200b}x 日本語 😀";

/// Keeps what the backend writes where the test can still read it.
#[derive(Clone, Default)]
struct Captured(Rc<RefCell<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn hostile_text_is_drawn_literally() {
    let (cols, rows) = (40u16, 10u16);
    let view = TextView::new(HOSTILE);
    let captured = Captured::default();
    let mut terminal = Terminal::new(CrosstermBackend::new(captured.clone())).expect("terminal");
    terminal
        .resize(Rect::new(0, 0, cols, rows))
        .expect("resize");
    terminal
        .draw(|frame| {
            let lines = view.visual_rows(cols, 0, usize::from(rows));
            frame.render_widget(Paragraph::new(lines), frame.area());
        })
        .expect("draw");
    let bytes = captured.0.borrow().clone();

    // ratatui itself sends CSI sequences (clear, cursor moves), so only the others are checked
    // here; the screen comparison below shows that the CSI in the text stayed text.
    for forbidden in [&b"\x1b]"[..], b"\x1bP", b"\x07", "\u{9b}".as_bytes()] {
        assert!(
            !bytes.windows(forbidden.len()).any(|w| w == forbidden),
            "{forbidden:?} reached the terminal"
        );
    }
    for forbidden in ['\u{202e}', '\u{200b}'] {
        assert!(!String::from_utf8_lossy(&bytes).contains(forbidden));
    }

    let mut parser = vt100::Parser::new(rows, cols, 0);
    parser.process(&bytes);
    let screen = parser.screen().contents();
    let expected: Vec<&str> = view
        .visual_row_strs(cols, 0, usize::from(rows))
        .into_iter()
        .map(|row| row.trim_end_matches(' '))
        .collect();
    let shown: Vec<&str> = screen.lines().map(str::trim_end).collect();
    assert_eq!(shown, expected);
    assert!(screen.contains("\\x1b]0;pwned\\x07"));
    assert!(screen.contains("abc\\u{202e}fed"));
}
