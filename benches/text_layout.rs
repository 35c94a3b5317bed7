//! Benchmarks for TextView on 5 MB memories: building, re-wrapping on resize, drawing a viewport.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use memory_console::text::TextView;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Text;
use ratatui::widgets::Widget;

const SIZE: usize = 5 * 1024 * 1024;
const WIDTH: u16 = 160;
const HEIGHT: usize = 48;

/// Deterministic memory-like text: mostly English prose, some lines with CJK, emoji, accents
/// and the odd escape sequence, so that both the ASCII and the grapheme wrap paths run.
fn memory_text(size: usize) -> String {
    const WORDS: &[&str] = &[
        "the",
        "learner",
        "prefers",
        "short",
        "answers",
        "about",
        "calculus",
        "and",
        "asked",
        "twice",
        "for",
        "worked",
        "examples",
        "of",
        "integration",
        "by",
        "parts",
        "mentor",
        "remembers",
        "that",
        "deadline",
        "is",
        "on",
        "Friday",
    ];
    const EXOTIC: &[&str] = &[
        "日本語の",
        "学生",
        "😀",
        "👍🏽",
        "café",
        "naïve",
        "\x1b[31m",
        "\u{202e}",
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut out = String::with_capacity(size + 256);
    while out.len() < size {
        let words = 5 + next() % 40;
        let exotic_line = next() % 10 == 0;
        for i in 0..words {
            if i > 0 {
                out.push(' ');
            }
            if exotic_line && next() % 4 == 0 {
                out.push_str(EXOTIC[(next() % EXOTIC.len() as u64) as usize]);
            } else {
                out.push_str(WORDS[(next() % WORDS.len() as u64) as usize]);
            }
        }
        out.push('\n');
    }
    out
}

fn bench(c: &mut Criterion) {
    let multi = memory_text(SIZE);
    let single = multi.replace('\n', " ");

    for (name, content) in [("multiline", &multi), ("single_line", &single)] {
        c.bench_function(&format!("{name}/build_5mb"), |b| {
            b.iter(|| TextView::new(black_box(content)))
        });

        let view = TextView::new(content);
        let mut width = WIDTH;
        c.bench_function(&format!("{name}/rewrap_on_resize"), |b| {
            b.iter(|| {
                width = if width == WIDTH { WIDTH - 1 } else { WIDTH };
                view.total_rows(black_box(width))
            })
        });

        let middle = view.total_rows(WIDTH) / 2;
        c.bench_function(&format!("{name}/viewport_48x160_middle"), |b| {
            b.iter(|| view.visual_rows(WIDTH, black_box(middle), HEIGHT))
        });

        let area = Rect::new(0, 0, WIDTH, HEIGHT as u16);
        let mut buf = Buffer::empty(area);
        c.bench_function(&format!("{name}/viewport_rendered_to_buffer"), |b| {
            b.iter(|| {
                let rows = view.visual_rows(WIDTH, black_box(middle), HEIGHT);
                Text::from(rows).render(area, &mut buf);
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
