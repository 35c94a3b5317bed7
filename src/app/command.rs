//! The `:` command line, k9s style: `:user NAME|EMAIL|ID`, `:org KEY`, `:profile NAME`, with
//! Tab completion from the names the console knows and a history (↑/↓).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::api::{UserSummary, UsersQuery};

use super::event::{Effect, ReqId, Target};
use super::state::{App, Level, Pane};
use super::update::PAGE_SIZE;

/// Every command with what it takes and does, for help and completion.
pub const COMMANDS: [(&str, &str, &str); 3] = [
    (
        "user",
        "NAME|EMAIL|ID",
        "open that user (searches the server)",
    ),
    ("org", "KEY", "open that org"),
    ("profile", "NAME", "switch to another profile's server"),
];

/// History kept per run; older commands fall off.
const HISTORY: usize = 50;

/// The command line: what is typed while it is open, and what was run before.
#[derive(Debug, Clone, Default)]
pub struct CommandLine {
    /// The text after `:`, while the line is open.
    pub input: Option<String>,
    pub history: Vec<String>,
    /// Which history entry ↑/↓ shows; `None` while typing a new one.
    recall: Option<usize>,
}

/// A `:user` waiting for the server's search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    pub req: ReqId,
    pub org: usize,
    pub query: String,
    /// Orgs asked so far: the open org first, then the profile's others in order, since a
    /// ticket's email does not say which org the user is in.
    pub tried: usize,
    /// When the org being searched was asked, so silence is said in words.
    pub asked_at: std::time::Instant,
}

/// A parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    User(String),
    Org(String),
    Profile(String),
}

/// Parses "user alice", "u alice", "org main"; any unique prefix of a command name works.
pub fn parse(line: &str) -> Result<Command, String> {
    let line = line.trim();
    let (word, arg) = line.split_once(' ').unwrap_or((line, ""));
    let arg = arg.trim().to_owned();
    if word.is_empty() {
        return Err("type a command: user, org or profile".into());
    }
    let matches: Vec<&str> = COMMANDS
        .iter()
        .map(|(name, _, _)| *name)
        .filter(|name| name.starts_with(word))
        .collect();
    let name = match matches.as_slice() {
        [one] => *one,
        _ => {
            return Err(format!(
                "unknown command :{}: try user, org or profile",
                crate::text::sanitize_single_line(word)
            ));
        }
    };
    if arg.is_empty() {
        let usage = COMMANDS
            .iter()
            .find(|(n, _, _)| *n == name)
            .map_or("", |(_, u, _)| *u);
        return Err(format!(":{name} needs {usage}"));
    }
    Ok(match name {
        "user" => Command::User(arg),
        "org" => Command::Org(arg),
        _ => Command::Profile(arg),
    })
}

/// Whether `u` is the user `query` names: username, email (any case) or numeric id.
pub fn names_user(u: &UserSummary, query: &str) -> bool {
    u.username == query
        || u.email
            .as_deref()
            .is_some_and(|e| !e.is_empty() && e.eq_ignore_ascii_case(query))
        || query.parse::<i64>().is_ok_and(|id| u.user_id == Some(id))
}

/// The longest common prefix of `words` that start with `typed`, if longer than `typed`, and
/// the candidates.
pub fn complete<'a>(
    typed: &str,
    words: impl Iterator<Item = &'a str>,
) -> (Option<String>, Vec<&'a str>) {
    let mut found: Vec<&str> = words.filter(|w| w.starts_with(typed)).collect();
    found.sort_unstable();
    found.dedup();
    let Some(first) = found.first() else {
        return (None, found);
    };
    let mut common = first.len();
    for w in &found[1..] {
        common = common.min(
            first
                .char_indices()
                .zip(w.chars())
                .find(|((_, a), b)| a != b)
                .map_or(first.len().min(w.len()), |((i, _), _)| i),
        );
    }
    let prefix = &first[..common];
    (
        (prefix.len() > typed.len()).then(|| prefix.to_owned()),
        found,
    )
}

impl App {
    pub(super) fn open_command_line(&mut self) -> Vec<Effect> {
        self.command.input = Some(String::new());
        self.command.recall = None;
        Vec::new()
    }

    pub(super) fn on_command_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let Some(input) = &mut self.command.input else {
            return Vec::new();
        };
        match key.code {
            KeyCode::Esc => self.command.input = None,
            KeyCode::Char('c') if ctrl => self.command.input = None,
            KeyCode::Char('u') if ctrl => input.clear(),
            KeyCode::Enter => {
                let line = input.trim().to_owned();
                self.command.input = None;
                if line.is_empty() {
                    return Vec::new();
                }
                self.command.history.retain(|h| *h != line);
                self.command.history.push(line.clone());
                if self.command.history.len() > HISTORY {
                    self.command.history.remove(0);
                }
                return self.run_command(&line);
            }
            KeyCode::Backspace => {
                input.pop();
            }
            KeyCode::Tab => self.complete_command(),
            KeyCode::Up => self.recall(1),
            KeyCode::Down => self.recall(-1),
            KeyCode::Char(c) if !ctrl && !c.is_control() => input.push(c),
            _ => {}
        }
        Vec::new()
    }

    fn recall(&mut self, step: isize) {
        let len = self.command.history.len();
        if len == 0 {
            return;
        }
        // 0 is the newest entry.
        let next = match (self.command.recall, step) {
            (None, 1) => Some(0),
            (None, _) => None,
            (Some(i), 1) => Some((i + 1).min(len - 1)),
            (Some(0), _) => None,
            (Some(i), _) => Some(i - 1),
        };
        self.command.recall = next;
        self.command.input = Some(
            next.map(|i| self.command.history[len - 1 - i].clone())
                .unwrap_or_default(),
        );
    }

    /// Completes the command word, then its argument from the names the console knows.
    fn complete_command(&mut self) {
        let Some(input) = self.command.input.clone() else {
            return;
        };
        let (word, arg) = match input.split_once(' ') {
            Some((w, a)) => (w.to_owned(), Some(a.trim_start().to_owned())),
            None => (input.clone(), None),
        };
        let Some(arg) = arg else {
            let (prefix, found) = complete(&word, COMMANDS.iter().map(|(n, _, _)| *n));
            match (prefix, found.as_slice()) {
                (_, [one]) => self.command.input = Some(format!("{one} ")),
                (Some(p), _) => self.command.input = Some(p),
                (None, many) if !many.is_empty() => {
                    self.set_status(Level::Info, format!("commands: {}", many.join(" ")))
                }
                _ => {}
            }
            return;
        };
        let cmd = match parse(&format!("{word} x")) {
            Ok(c) => c,
            Err(_) => return,
        };
        let names: Vec<String> = match cmd {
            Command::User(_) => self
                .users
                .items
                .iter()
                .flat_map(|u| std::iter::once(u.username.clone()).chain(u.email.clone()))
                .collect(),
            Command::Org(_) => self
                .orgs
                .iter()
                .map(|o| o.choice.scope.key.clone())
                .collect(),
            Command::Profile(_) => self.profiles.clone(),
        };
        let (prefix, found) = complete(&arg, names.iter().map(String::as_str));
        match (prefix, found.as_slice()) {
            (_, [one]) => self.command.input = Some(format!("{word} {one}")),
            (Some(p), _) => self.command.input = Some(format!("{word} {p}")),
            (None, many) if many.len() > 1 => {
                let shown: Vec<&str> = many.iter().take(8).copied().collect();
                let more = if many.len() > 8 { " …" } else { "" };
                self.set_status(
                    Level::Info,
                    format!(
                        "{} match: {}{more}",
                        many.len(),
                        crate::text::sanitize_single_line(&shown.join(" "))
                    ),
                );
            }
            _ => {}
        }
    }

    pub(super) fn run_command(&mut self, line: &str) -> Vec<Effect> {
        match parse(line) {
            Err(why) => {
                self.set_status(Level::Warning, why);
                Vec::new()
            }
            Ok(Command::Org(key)) => {
                let found = self.orgs.iter().position(|o| {
                    o.choice.scope.key == key || o.display_name().eq_ignore_ascii_case(&key)
                });
                match found {
                    Some(i) => {
                        self.focus = Pane::Users;
                        self.open_org(i)
                    }
                    None => {
                        self.set_status(
                            Level::Warning,
                            format!(
                                "no org {} in profile {}: nothing opened",
                                crate::text::sanitize_single_line(&key),
                                self.session.profile
                            ),
                        );
                        Vec::new()
                    }
                }
            }
            Ok(Command::User(query)) => self.lookup_user(query),
            Ok(Command::Profile(name)) => self.request_profile(name),
        }
    }

    fn lookup_user(&mut self, query: String) -> Vec<Effect> {
        let Some(org) = self.users.org.or((!self.orgs.is_empty()).then_some(0)) else {
            self.set_status(Level::Warning, "this profile lists no orgs");
            return Vec::new();
        };
        // A user already listed opens at once.
        if self.users.org == Some(org)
            && let Some(u) = self.users.items.iter().find(|u| names_user(u, &query))
        {
            let u = u.clone();
            return self.open_found_user(org, &u);
        }
        self.ask_org_for(org, query, 1)
    }

    fn ask_org_for(&mut self, org: usize, query: String, tried: usize) -> Vec<Effect> {
        let req = self.next_req();
        self.set_status(
            Level::Info,
            format!(
                "looking for {} in {}…",
                crate::text::sanitize_single_line(&query),
                self.orgs[org].choice.scope.key
            ),
        );
        self.lookup = Some(Lookup {
            req,
            org,
            query: query.clone(),
            tried,
            asked_at: std::time::Instant::now(),
        });
        vec![Effect::LoadUsers {
            req,
            scope: self.orgs[org].choice.scope.clone(),
            query: UsersQuery {
                page: 1,
                page_size: PAGE_SIZE,
                search: query,
            },
        }]
    }

    /// The server's answer to a `:user` search: opens the one user it names, or says why not.
    pub(super) fn on_lookup(
        &mut self,
        lookup: Lookup,
        result: Result<crate::api::UsersPage, crate::api::ApiError>,
    ) -> Vec<Effect> {
        let shown = crate::text::sanitize_single_line(&lookup.query).into_owned();
        let org_key = self
            .orgs
            .get(lookup.org)
            .map(|o| o.choice.scope.key.clone())
            .unwrap_or_default();
        let page = match result {
            Ok(p) => p,
            Err(e) => {
                let text = self.explain(&format!("looking for {shown} failed"), &e);
                self.set_status(Level::Error, text);
                return Vec::new();
            }
        };
        let exact: Vec<&UserSummary> = page
            .results
            .iter()
            .filter(|u| names_user(u, &lookup.query))
            .collect();
        // Only a user the text names exactly is opened: one search hit that merely contains
        // it ("nick@example.com" in "no.memory.nick@example.com") is someone else.
        let chosen = match exact.as_slice() {
            [one] => Some((*one).clone()),
            _ => None,
        };
        match chosen {
            Some(u) => self.open_found_user(lookup.org, &u),
            None if page.results.is_empty() && lookup.tried < self.orgs.len() => {
                let next = (lookup.org + 1) % self.orgs.len();
                self.ask_org_for(next, lookup.query, lookup.tried + 1)
            }
            None if page.results.is_empty() => {
                let text = if self.orgs.len() > 1 {
                    format!(
                        "no user {shown} in any org of profile {}: nothing opened",
                        self.session.profile
                    )
                } else {
                    format!("no user {shown} in {org_key}: nothing opened")
                };
                self.set_status(Level::Warning, text);
                Vec::new()
            }
            None => {
                let text = match page.results.as_slice() {
                    [only] => format!(
                        "no user is {shown} exactly in {org_key}; the search found {} only: nothing opened (:user {} opens them)",
                        crate::text::sanitize_single_line(&only.username),
                        crate::text::sanitize_single_line(&only.username)
                    ),
                    _ => format!(
                        "{} users in {org_key} match {shown}, none exactly: nothing opened (/ lists them)",
                        page.count
                    ),
                };
                self.set_status(Level::Warning, text);
                Vec::new()
            }
        }
    }

    fn open_found_user(&mut self, org: usize, u: &UserSummary) -> Vec<Effect> {
        let Some(o) = self.orgs.get(org) else {
            return Vec::new();
        };
        let target = Target {
            org: o.choice.scope.clone(),
            user: u.to_ref(),
        };
        let org_key = o.choice.scope.key.clone();
        let mut fx = self.open_target(target);
        self.memory.user = Some(u.clone());
        self.memory.user_label = super::navigate::user_label(u);
        self.focus = Pane::Memory;
        self.set_status(
            Level::Info,
            format!(
                "opened {} in {}",
                crate::text::sanitize_single_line(&u.username),
                crate::text::sanitize_single_line(&org_key)
            ),
        );
        fx.shrink_to_fit();
        fx
    }

    /// After a `:profile` switch: the new connection and its orgs, nothing open, no tasks
    /// (a switch waits until they have ended). The log file stays this run's.
    pub fn switch_to(&mut self, connection: crate::connection::Connection) {
        self.orgs = super::update::org_items(&connection.orgs);
        self.session = connection;
        self.orgs_list = Default::default();
        self.users = Default::default();
        self.memory = Default::default();
        self.lookup = None;
        self.dialog = None;
        // An undo would now go to the other server.
        self.last_erase = None;
        self.earlier_erases.clear();
        self.erases_undone = 0;
        self.restored_ids.clear();
        self.tasks = Default::default();
        self.focus = Pane::Orgs;
    }

    /// `:profile NAME`: the console carries out the switch once no save is in flight.
    fn request_profile(&mut self, name: String) -> Vec<Effect> {
        if name == self.session.profile {
            self.set_status(Level::Info, format!("already on profile {name}"));
            return Vec::new();
        }
        if !self.profiles.contains(&name) {
            let known = if self.profiles.is_empty() {
                "none configured".to_owned()
            } else {
                self.profiles.join(", ")
            };
            self.set_status(
                Level::Warning,
                format!(
                    "no profile {} (known: {known})",
                    crate::text::sanitize_single_line(&name)
                ),
            );
            return Vec::new();
        }
        if self.editor.is_some() {
            self.set_status(
                Level::Warning,
                "save or leave the editor before switching profile",
            );
            return Vec::new();
        }
        // Their polls would go to the new server: the switch waits until they end.
        let open = self.tasks.items.iter().filter(|t| t.is_open()).count();
        if open > 0 {
            self.set_status(
                Level::Warning,
                format!("{open} queued update(s) still running: switch when the Tasks pane shows them ended"),
            );
            return Vec::new();
        }
        self.switch_profile = Some(name);
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse_by_prefix() {
        assert_eq!(parse("user alice"), Ok(Command::User("alice".into())));
        assert_eq!(parse("u  a@b.c "), Ok(Command::User("a@b.c".into())));
        assert_eq!(parse("o main"), Ok(Command::Org("main".into())));
        assert_eq!(parse("p prod"), Ok(Command::Profile("prod".into())));
        assert!(parse("user").unwrap_err().contains("NAME|EMAIL|ID"));
        assert!(parse("fly away").unwrap_err().contains("unknown"));
        assert!(parse("").is_err());
    }

    #[test]
    fn completion_finds_the_common_prefix() {
        let words = ["alice", "alina", "bob"];
        let (p, found) = complete("al", words.iter().copied());
        assert_eq!(p.as_deref(), Some("ali"));
        assert_eq!(found, ["alice", "alina"]);
        let (p, found) = complete("b", words.iter().copied());
        assert_eq!(p.as_deref(), Some("bob"));
        assert_eq!(found, ["bob"]);
        let (p, found) = complete("z", words.iter().copied());
        assert_eq!((p, found.len()), (None, 0));
    }
}
