//! `task`: show a queued update's state, or poll it to its end with growing pauses.

use std::time::{Duration, Instant};

use serde_json::json;

use super::context::Ctx;
use super::exit::{CmdError, CmdResult, Exit};
use super::output::{print_json, write_stdout};
use crate::api::{OrgScope, TaskId, TaskPhase, TaskState, UserRef};
use crate::cli::TaskArgs;

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
/// (1 s to 10 s by default), so a long queue is not hammered.
pub async fn wait(
    ctx: &Ctx,
    org: &OrgScope,
    user: &UserRef,
    task: &TaskId,
    first_ms: u64,
) -> CmdResult<TaskState> {
    let first = Duration::from_millis(first_ms.max(1));
    let mut pause = first;
    let started = Instant::now();
    loop {
        let state = ctx
            .client
            .task_state(org, user, task)
            .await
            .map_err(|e| CmdError::api("cannot read the task", &e))?;
        if state.phase.is_final() {
            return Ok(state);
        }
        if started.elapsed() >= ctx.task_poll_give_up {
            return Err(CmdError::new(
                Exit::TaskFailed,
                format!(
                    "task {task} is still {} after {} s; gave up waiting",
                    state.raw,
                    ctx.task_poll_give_up.as_secs()
                ),
            ));
        }
        if !ctx.json {
            eprintln!("task {task}: {} ...", state.phase.label());
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(first * 10);
    }
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
