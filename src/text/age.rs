//! Durations as an operator reads them: "4 s", "3 min", "2 h".

/// "4 s", "3 min", "2 h".
pub fn human_age(d: std::time::Duration) -> String {
    let s = d.as_secs();
    if s < 60 {
        format!("{s} s")
    } else if s < 3600 {
        format!("{} min", s / 60)
    } else {
        format!("{} h", s / 3600)
    }
}
