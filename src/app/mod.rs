//! The console's logic: state, the keymap, `update` and the effect runner. No drawing here,
//! except in `dialogs/`, where each dialog keeps its window beside its state and keys.

mod action;
mod command;
mod dialogs;
mod drafts;
mod editing;
mod editor;
mod erasing;
mod event;
mod following;
mod in_flight;
mod keymap;
mod local;
mod navigate;
mod results;
mod runner;
mod state;
mod store_actions;
mod store_runs;
mod stores_pane;
mod tabs;
mod task_book;
mod update;
mod waiting;
mod writes;

pub use crate::ops::Trail;
pub use action::Action;
pub use command::{COMMANDS, CommandLine, Lookup};
pub use dialogs::{
    ConflictDialog, Dialog, EraseDialog, ForgetReportDialog, KeyCtx, RestoreDraftDialog,
    RestoreQuestion, Step, ToggleQuestion, TypedConfirm, store_title,
};
pub use editor::{EditKind, Editor, Pos, TextBuffer, shown};
pub use erasing::UndoableErase;
pub use event::{Effect, EraseScope, Input, Msg, ReqId, StoreErase, Target};
pub use keymap::{KeyBinding, Keymap};
pub use runner::Runner;
pub use state::{
    App, Level, ListCursor, Load, MemoryPane, OrgItem, Pane, Status, TaskItem, TasksPane, Topic,
    UsersPane, plural,
};
pub use stores_pane::{
    MentorItem, MentorRow, NO_CATEGORY, StoreTab, StoresPane, TAB_GAP, list_height, list_offset,
};
pub use update::{DRAFT_EVERY, PAGE_SIZE, SEARCH_DEBOUNCE};
