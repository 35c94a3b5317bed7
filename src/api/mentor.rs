//! Client methods for mentor memories (`/api/ai-mentor/orgs/{org}/users/{user_id}/...`):
//! lists with filters and paging, categories, single entries and memories, and erasing a
//! whole category.

use reqwest::Method;
use serde_json::Value;

use super::client::{ApiClient, segment};
use super::decode;
use super::error::ApiError;
use super::lenient::malformed;
use super::listing::Walk;
use super::mentor_models::{
    MemoryFilter, MentorEntry, MentorEntryUpdate, MentorListing, MentorMemory, MentorMemoryPage,
    MentorMemoryWrite, MentorQuery,
};
use super::models::{Deleted, UserRef};
use super::settings::OrgScope;
use super::store_read::{StoreRead, store_read};

/// How many memories a walk over all pages asks for at once.
const WALK_PAGE_SIZE: u32 = 100;

impl ApiClient {
    /// One page of the user's mentor memories.
    pub async fn mentor_memories(
        &self,
        org: &OrgScope,
        user: &UserRef,
        query: &MentorQuery,
    ) -> Result<MentorMemoryPage, ApiError> {
        let path = self.mentor_path(org, user, "memories/")?;
        self.memory_page(&path, &query.pairs()).await
    }

    /// Every mentor memory of the user that fits `filter` (its `page` is ignored), page by
    /// page, never following a `next` link elsewhere (see [`MentorListing::shortfall`] for a
    /// server whose `count` promised more). A 404 or 405 reads as an unavailable store.
    pub async fn all_mentor_memories(
        &self,
        org: &OrgScope,
        user: &UserRef,
        filter: &MentorQuery,
    ) -> Result<StoreRead<MentorListing>, ApiError> {
        let path = self.mentor_path(org, user, "memories/")?;
        let mut query = MentorQuery {
            page: Some(1),
            page_size: Some(filter.page_size.unwrap_or(WALK_PAGE_SIZE)),
            ..filter.clone()
        };
        let mut walk = Walk::default();
        let mut listing = MentorListing::default();
        loop {
            let page_no = query.page.unwrap_or(1);
            let page = match self.memory_page(&path, &query.pairs()).await {
                Ok(page) => page,
                // A missing first page means the store is not there; a later one is an error.
                Err(e) if page_no == 1 => return store_read(Err(e)),
                Err(e) => return Err(e),
            };
            listing.count = page.count;
            let next = walk.take(
                page_no,
                page.count,
                page.next.as_deref(),
                self.base_url(),
                page.results,
                &mut listing.memories,
            )?;
            match next {
                Some(n) => query.page = Some(n),
                None => return Ok(StoreRead::Items(listing)),
            }
        }
    }

    /// One page of memories across users, for tenant admins; `username` narrows it to one.
    pub async fn filtered_memories(
        &self,
        org: &OrgScope,
        user: &UserRef,
        query: &MentorQuery,
        username: Option<&str>,
    ) -> Result<MentorMemoryPage, ApiError> {
        let path = self.mentor_path(org, user, "filtered-memories/")?;
        let mut pairs = query.pairs();
        if let Some(name) = username {
            pairs.push(("username", name.to_owned()));
        }
        self.memory_page(&path, &pairs).await
    }

    /// Creates a mentor memory with its category and entries. The contract answers with a
    /// page of memories; a server answering the one memory is read the same way.
    pub async fn create_mentor_memory(
        &self,
        org: &OrgScope,
        user: &UserRef,
        write: &MentorMemoryWrite,
    ) -> Result<MentorMemoryPage, ApiError> {
        let path = self.mentor_path(org, user, "memories/")?;
        let body = serde_json::to_value(write)
            .map_err(|e| ApiError::InvalidRequest(format!("cannot encode the memory: {e}")))?;
        let reply = self
            .transport
            .send(Method::POST, &path, &[], Some(&body))
            .await?;
        page_from(&reply.body)
    }

    /// The memory categories the server knows.
    pub async fn memory_categories(
        &self,
        org: &OrgScope,
        user: &UserRef,
    ) -> Result<Vec<String>, ApiError> {
        let path = self.mentor_path(org, user, "memory-categories/")?;
        Ok(self.filter_from(&path).await?.categories)
    }

    /// The categories, and the users that have mentor memories.
    pub async fn memory_filter(
        &self,
        org: &OrgScope,
        user: &UserRef,
    ) -> Result<MemoryFilter, ApiError> {
        let path = self.mentor_path(org, user, "memory-filter/")?;
        self.filter_from(&path).await
    }

    /// One entry by its unique id.
    pub async fn mentor_entry(
        &self,
        org: &OrgScope,
        user: &UserRef,
        entry_id: &str,
    ) -> Result<MentorEntry, ApiError> {
        let path = self.entry_path(org, user, entry_id)?;
        let reply = self.transport.send(Method::GET, &path, &[], None).await?;
        decode::json(&reply.body)
    }

    /// Gives one entry a new key and value (`POST memory-entries/{id}/`).
    pub async fn update_mentor_entry(
        &self,
        org: &OrgScope,
        user: &UserRef,
        entry_id: &str,
        update: &MentorEntryUpdate,
    ) -> Result<MentorEntry, ApiError> {
        let path = self.entry_path(org, user, entry_id)?;
        let body = serde_json::json!({ "key": update.key, "value": update.value });
        let reply = self
            .transport
            .send(Method::POST, &path, &[], Some(&body))
            .await?;
        decode::json(&reply.body)
    }

    /// Erases one entry by its unique id.
    pub async fn erase_mentor_entry(
        &self,
        org: &OrgScope,
        user: &UserRef,
        entry_id: &str,
    ) -> Result<Deleted, ApiError> {
        let path = self.entry_path(org, user, entry_id)?;
        self.erase_by_path(&path).await
    }

    /// Erases every memory of a category (`DELETE memory-entries/{category_name}/`). The
    /// name is one percent-encoded segment, so `a/b` or `..x` cannot address another path.
    pub async fn erase_mentor_category(
        &self,
        org: &OrgScope,
        user: &UserRef,
        category: &str,
    ) -> Result<Deleted, ApiError> {
        let path = self.entry_path(org, user, category)?;
        self.erase_by_path(&path).await
    }

    /// One memory by its unique id or its name.
    pub async fn mentor_memory(
        &self,
        org: &OrgScope,
        user: &UserRef,
        id_or_name: &str,
    ) -> Result<MentorMemory, ApiError> {
        let path = self.one_memory_path(org, user, id_or_name)?;
        let reply = self.transport.send(Method::GET, &path, &[], None).await?;
        decode::json(&reply.body)
    }

    /// Erases one memory (with all its entries) by its unique id or its name.
    pub async fn erase_mentor_memory(
        &self,
        org: &OrgScope,
        user: &UserRef,
        id_or_name: &str,
    ) -> Result<Deleted, ApiError> {
        let path = self.one_memory_path(org, user, id_or_name)?;
        self.erase_by_path(&path).await
    }

    async fn memory_page(
        &self,
        path: &str,
        pairs: &[(&'static str, String)],
    ) -> Result<MentorMemoryPage, ApiError> {
        let reply = self.transport.send(Method::GET, path, pairs, None).await?;
        page_from(&reply.body)
    }

    async fn filter_from(&self, path: &str) -> Result<MemoryFilter, ApiError> {
        let reply = self.transport.send(Method::GET, path, &[], None).await?;
        let value: Value = decode::json(&reply.body)?;
        MemoryFilter::from_value(value).map_err(|reason| malformed(&reason, &reply.body))
    }

    fn mentor_path(&self, org: &OrgScope, user: &UserRef, tail: &str) -> Result<String, ApiError> {
        Ok(format!(
            "/api/ai-mentor/orgs/{}/users/{}/{tail}",
            segment(&org.key)?,
            self.user_segment(user)?
        ))
    }

    fn entry_path(&self, org: &OrgScope, user: &UserRef, id: &str) -> Result<String, ApiError> {
        let base = self.mentor_path(org, user, "memory-entries/")?;
        Ok(format!("{base}{}/", segment(id)?))
    }

    fn one_memory_path(
        &self,
        org: &OrgScope,
        user: &UserRef,
        id: &str,
    ) -> Result<String, ApiError> {
        let base = self.mentor_path(org, user, "memory/")?;
        Ok(format!("{base}{}/", segment(id)?))
    }
}

fn page_from(body: &[u8]) -> Result<MentorMemoryPage, ApiError> {
    let value: Value = decode::json(body)?;
    MentorMemoryPage::from_value(value).map_err(|reason| malformed(&reason, body))
}
