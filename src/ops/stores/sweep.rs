//! Erasing a whole store beside chat memory the way the chat drain does: read, back up what
//! is shown, delete each item by its own id, read again, until the store reads empty. No
//! collection DELETE is sent: an item the read did not show is never deleted unseen.

use std::collections::HashSet;

use crate::api::{EraseOutcome, StoreGap, StoreRead};

use super::work::{Address, Items, Work};
use super::{StoreEraseError, StoreFailure};

/// How a sweep ended without error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Swept {
    /// Items were deleted and a read shows none left.
    Erased(usize),
    /// The first read showed nothing.
    Empty,
    /// The first read answered 404 or 405.
    Unavailable(StoreGap),
}

/// Sweeps `work.store`; `first` is a read already made (a forget reads before backing up).
pub(super) async fn sweep(
    work: &mut Work<'_>,
    first: Option<StoreRead<Items>>,
) -> Result<Swept, StoreEraseError> {
    let verify = work.ops.verify;
    let mut deleted: HashSet<String> = HashSet::new();
    let mut items_erased = 0usize;
    let mut waits = 0;
    let mut next = first;
    loop {
        let read = match next.take() {
            Some(read) => read,
            None => work.read().await?,
        };
        let items = match read {
            StoreRead::Items(items) => items,
            StoreRead::Unavailable(gap) if deleted.is_empty() => {
                return Ok(Swept::Unavailable(gap));
            }
            // After its deletes, a store answering 404 says the user has nothing left there.
            StoreRead::Unavailable(_) => return Ok(Swept::Erased(items_erased)),
        };
        if items.is_empty() {
            return Ok(if deleted.is_empty() {
                Swept::Empty
            } else {
                Swept::Erased(items_erased)
            });
        }
        work.back_up(&items).await?;
        let keys = items.keys();
        let fresh: Vec<usize> = (0..keys.len())
            .filter(|&i| !deleted.contains(&keys[i]))
            .collect();
        if !fresh.is_empty() {
            waits = 0;
            for i in fresh {
                if deleted.len() >= verify.max_drained {
                    return Err(work.fail(StoreFailure::Runaway(deleted.len())));
                }
                let (addresses, size) = match &items {
                    Items::Mentor(m) => (
                        Address::of_mentor(&m[i]).map_err(|f| work.fail(f))?,
                        m[i].entries.len().max(1),
                    ),
                    Items::Course(c) => (vec![Address::Course(c[i].id.clone())], 1),
                };
                let mut accepted = false;
                for address in &addresses {
                    accepted |= work.delete(address).await? == EraseOutcome::Erased;
                }
                if accepted {
                    items_erased += size;
                }
                deleted.insert(keys[i].clone());
            }
            continue;
        }
        // Everything shown was deleted already: a server that erases in the background, or
        // one that keeps the data after accepting its DELETE.
        if waits >= verify.tries {
            let what = match &items {
                Items::Mentor(m) => m
                    .first()
                    .and_then(|m| Address::of_mentor(m).ok())
                    .and_then(|a| a.first().map(Address::describe)),
                Items::Course(c) => c.first().map(|c| Address::Course(c.id.clone()).describe()),
            };
            return Err(work.fail(StoreFailure::StillThere(
                what.unwrap_or_else(|| format!("the {} store", work.store)),
            )));
        }
        tokio::time::sleep(verify.pause(waits)).await;
        waits += 1;
    }
}
