//! Helpers shared by the integration tests: a started mock with an HTTP client, the OpenAPI
//! subset validator, the console rig and the hostile-text generators.
// Each test binary uses a different part of these helpers.
#![allow(dead_code)]

pub mod console_rig;
pub mod hostile;
pub mod schema;
pub mod svg;

use memory_console::mock::{MockConfig, MockServer};
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// A running mock plus a client that sends its API key.
pub struct Mock {
    pub server: MockServer,
    pub client: reqwest::Client,
}

/// One answer, with the body decoded as JSON (`Null` when empty).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

pub async fn start(config: MockConfig) -> Mock {
    let server = MockServer::start(config).await.expect("mock starts");
    Mock {
        server,
        client: reqwest::Client::new(),
    }
}

/// The mock with a short task delay, as most tests want.
pub async fn start_default() -> Mock {
    start(MockConfig::default().with_task_delay(std::time::Duration::from_millis(50))).await
}

impl Mock {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base_url())
    }

    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let key = self.server.api_key().to_owned();
        self.send_with_auth(method, path, body, Some(&format!("Api-Key {key}")))
            .await
    }

    pub async fn send_with_auth(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        authorization: Option<&str>,
    ) -> Answer {
        let mut request = self.client.request(method, self.url(path));
        if let Some(authorization) = authorization {
            request = request.header("Authorization", authorization);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request reaches the mock");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("body arrives");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).expect("body is JSON")
        };
        Answer {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Answer {
        self.send(Method::PUT, path, Some(body)).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.send(Method::DELETE, path, None).await
    }
}

pub fn memory_path(org: &str, user: &str) -> String {
    format!("/api/ai-prompt/orgs/{org}/users/{user}/all-chats-memory/")
}

pub fn status_path(org: &str, user: &str) -> String {
    format!("/api/ai-prompt/orgs/{org}/users/{user}/chat-memory-status/")
}

pub fn task_path(org: &str, user: &str, task: &str) -> String {
    format!("/api/ai-mentor/orgs/{org}/users/{user}/tasks/{task}")
}
