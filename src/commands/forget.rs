//! `forget`: erase everything the AI remembers about one user, in every store.

use super::context::Ctx;
use super::exit::{CmdError, CmdResult};
use crate::cli::ForgetArgs;

pub async fn run(_ctx: &Ctx, _args: &ForgetArgs) -> CmdResult {
    Err(CmdError::usage(
        "forget needs the store operations (not built yet)",
    ))
}
