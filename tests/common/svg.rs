//! A drawn ratatui buffer as an SVG picture: every cell on its grid position, with its
//! colours, bold, dim, reversed and underline, so the README shows the real console.

use std::fmt::Write;

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

const CELL_W: f32 = 8.4;
const CELL_H: f32 = 18.0;
const FONT_SIZE: f32 = 14.0;
const BACKGROUND: &str = "#1e1e2e";
const FOREGROUND: &str = "#d4d4d4";

/// The 16 ANSI colours as a dark terminal shows them.
fn named(c: Color) -> Option<&'static str> {
    Some(match c {
        Color::Black => "#1e1e2e",
        Color::Red => "#f38ba8",
        Color::Green => "#a6e3a1",
        Color::Yellow => "#f9e2af",
        Color::Blue => "#89b4fa",
        Color::Magenta => "#cba6f7",
        Color::Cyan => "#89dceb",
        Color::Gray => "#bac2de",
        Color::DarkGray => "#7f849c",
        Color::LightRed => "#f5a3b8",
        Color::LightGreen => "#b9ecb5",
        Color::LightYellow => "#fbe9c3",
        Color::LightBlue => "#a5c8fb",
        Color::LightMagenta => "#dbc2f9",
        Color::LightCyan => "#a6e6f0",
        Color::White => "#f5f5f5",
        _ => return None,
    })
}

fn hex(c: Color) -> Option<String> {
    match c {
        Color::Reset => None,
        Color::Rgb(r, g, b) => Some(format!("#{r:02x}{g:02x}{b:02x}")),
        Color::Indexed(i) => Some(indexed(i)),
        other => named(other).map(str::to_owned),
    }
}

/// xterm's 256-colour palette.
fn indexed(i: u8) -> String {
    const BASE: [Color; 16] = [
        Color::Black,
        Color::Red,
        Color::Green,
        Color::Yellow,
        Color::Blue,
        Color::Magenta,
        Color::Cyan,
        Color::Gray,
        Color::DarkGray,
        Color::LightRed,
        Color::LightGreen,
        Color::LightYellow,
        Color::LightBlue,
        Color::LightMagenta,
        Color::LightCyan,
        Color::White,
    ];
    match i {
        0..=15 => named(BASE[i as usize]).unwrap_or(FOREGROUND).to_owned(),
        16..=231 => {
            let i = i - 16;
            let level = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
            format!(
                "#{:02x}{:02x}{:02x}",
                level(i / 36),
                level((i / 6) % 6),
                level(i % 6)
            )
        }
        _ => {
            let v = 8 + (i - 232) * 10;
            format!("#{v:02x}{v:02x}{v:02x}")
        }
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// How a cell is drawn, colours resolved (reversed swaps them).
#[derive(PartialEq, Eq)]
struct Look {
    fg: String,
    bg: Option<String>,
    bold: bool,
    dim: bool,
    underlined: bool,
}

impl Look {
    fn of(cell: &ratatui::buffer::Cell) -> Look {
        let (fg, bg) = if cell.modifier.contains(Modifier::REVERSED) {
            (
                hex(cell.bg).unwrap_or_else(|| BACKGROUND.to_owned()),
                Some(hex(cell.fg).unwrap_or_else(|| FOREGROUND.to_owned())),
            )
        } else {
            (
                hex(cell.fg).unwrap_or_else(|| FOREGROUND.to_owned()),
                hex(cell.bg),
            )
        };
        Look {
            fg,
            bg,
            bold: cell.modifier.contains(Modifier::BOLD),
            dim: cell.modifier.contains(Modifier::DIM),
            underlined: cell.modifier.contains(Modifier::UNDERLINED),
        }
    }

    fn attrs(&self) -> String {
        let mut attrs = format!(r#" fill="{}""#, self.fg);
        if self.bold {
            attrs.push_str(r#" font-weight="bold""#);
        }
        if self.dim {
            attrs.push_str(r#" opacity="0.6""#);
        }
        if self.underlined {
            attrs.push_str(r#" text-decoration="underline""#);
        }
        attrs
    }
}

/// The whole buffer as a standalone SVG document.
pub fn buffer_to_svg(buf: &Buffer) -> String {
    let area = buf.area;
    let (w, h) = (area.width as f32 * CELL_W, area.height as f32 * CELL_H);
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.1} {h:.1}" font-family="'DejaVu Sans Mono', Menlo, Consolas, monospace" font-size="{FONT_SIZE}">"#
    );
    let _ = writeln!(
        out,
        r#"<rect width="100%" height="100%" fill="{BACKGROUND}"/>"#
    );
    for y in 0..area.height {
        let top = y as f32 * CELL_H;
        let baseline = top + CELL_H * 0.75;
        // Runs of cells drawn alike become one rect and one text, each glyph on its column.
        let mut runs: Vec<(Look, Vec<(u16, String)>)> = Vec::new();
        for x in 0..area.width {
            let cell = &buf[(area.x + x, area.y + y)];
            let look = Look::of(cell);
            match runs.last_mut() {
                Some((last, glyphs)) if *last == look => glyphs.push((x, cell.symbol().to_owned())),
                _ => runs.push((look, vec![(x, cell.symbol().to_owned())])),
            }
        }
        for (look, glyphs) in &runs {
            let first = glyphs[0].0 as f32 * CELL_W;
            if let Some(bg) = &look.bg {
                let _ = writeln!(
                    out,
                    r#"<rect x="{first:.1}" y="{top:.1}" width="{:.1}" height="{CELL_H}" fill="{bg}"/>"#,
                    glyphs.len() as f32 * CELL_W
                );
            }
            let shown: Vec<&(u16, String)> = glyphs
                .iter()
                .filter(|(_, g)| !g.is_empty() && !g.trim().is_empty())
                .collect();
            if shown.is_empty() {
                continue;
            }
            let xs: Vec<String> = shown
                .iter()
                .map(|(x, _)| format!("{:.1}", *x as f32 * CELL_W))
                .collect();
            let text: String = shown.iter().map(|(_, g)| g.as_str()).collect();
            let _ = writeln!(
                out,
                r#"<text x="{}" y="{baseline:.1}"{}>{}</text>"#,
                xs.join(" "),
                look.attrs(),
                escape(&text)
            );
        }
    }
    out.push_str("</svg>\n");
    out
}
