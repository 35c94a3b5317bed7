//! `task`: show a queued update's state, or poll it to its end with growing pauses.

use std::time::Duration;

use serde_json::json;

use super::context::Ctx;
use super::exit::{CmdError, CmdResult, Exit, exit_of};
use super::output::{print_json, write_stdout};
use crate::api::{OrgScope, TaskId, TaskPhase, TaskState, UserRef};
use crate::cli::TaskArgs;
use crate::ops::{TaskPolicy, TaskWaitError, wait_task};

pub async fn run(ctx: &Ctx, args: &TaskArgs) -> CmdResult {
    let org = ctx.org(&args.who.org);
    let user = UserRef::by_name(&args.who.user);
    let task = TaskId(args.task_id.clone());
    let state = if args.wait {
        wait(ctx, &org, &user, &task, args.poll.poll_ms).await?
    } else {
        ctx.client
            .task_state(&org, &user, &task)
            .await
            .map_err(|e| CmdError::api("cannot read the task", &e))?
    };
    report(ctx, &task, &state)?;
    Ok(exit_for(args.wait, &state))
}

/// Polls until the task ends; the pause starts at `first_ms` and grows to 10x that
/// (1 s to 10 s by default), giving up after the profile's `task_poll_give_up_secs`.
pub async fn wait(
    ctx: &Ctx,
    org: &OrgScope,
    user: &UserRef,
    task: &TaskId,
    first_ms: u64,
) -> CmdResult<TaskState> {
    let policy = TaskPolicy::starting_at(
        Duration::from_millis(first_ms),
        ctx.connection.task_poll_give_up,
    );
    let quiet = ctx.json;
    wait_task(&ctx.client, org, user, task, policy, |state| {
        if !quiet {
            eprintln!("task {task}: {} ...", state.phase.label());
        }
    })
    .await
    .map_err(|e| match &e {
        TaskWaitError::Read { source, .. } => CmdError::new(exit_of(source), e.to_string()),
        TaskWaitError::GaveUp { .. } => CmdError::new(Exit::TaskFailed, e.to_string()),
    })
}

/// Prints a task state: one word on stdout, or JSON.
pub fn report(ctx: &Ctx, task: &TaskId, state: &TaskState) -> CmdResult<()> {
    if ctx.json {
        print_json(&json!({ "task_id": task, "phase": state.phase, "state": state.raw }))
    } else {
        write_stdout(format!("{}\n", state.phase.label()).as_bytes())
    }
}

/// Waiting turns a failed task into a failed command.
pub fn exit_for(waited: bool, state: &TaskState) -> Exit {
    if waited && state.phase == TaskPhase::Failed {
        Exit::TaskFailed
    } else {
        Exit::Ok
    }
}
