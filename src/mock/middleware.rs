//! The layer every request passes: authentication, injected latency and faults, and the request log.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::routes::{Rejection, detail};
use super::state::{InjectedFault, MockState};

pub(crate) const CONTROL_PREFIX: &str = "/__mock/";

/// Like DRF's API-key authentication: no (or another scheme's) header means "not provided".
fn authenticate(state: &MockState, headers: &HeaderMap) -> Result<(), Rejection> {
    let provided = headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Api-Key "));
    match provided {
        None => Err(Rejection::Detail(
            StatusCode::UNAUTHORIZED,
            "Authentication credentials were not provided.".to_owned(),
        )),
        Some(key) if key.trim() == state.api_key() => Ok(()),
        Some(_) => Err(Rejection::Detail(
            StatusCode::UNAUTHORIZED,
            "Invalid API key.".to_owned(),
        )),
    }
}

/// Holds a request for `latency`, to within a tenth of a millisecond. Tokio's timer wheel
/// ticks in whole milliseconds and wakes late, so `tokio::time::sleep(20 ms)` held each
/// request about 21.6 ms: the benchmarks' bound (requests x latency) then counted time no
/// client could win back. A blocking-pool thread's `thread::sleep` wakes on time; the
/// pool's threads are idle while they sleep, so this costs no CPU.
async fn hold(latency: Duration) {
    let slept = tokio::task::spawn_blocking(move || std::thread::sleep(latency)).await;
    if slept.is_err() {
        // The blocking pool is shutting down: the coarse timer still keeps the promise.
        tokio::time::sleep(latency).await;
    }
}

pub(crate) async fn mock_layer(
    State(state): State<Arc<MockState>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if path.starts_with(CONTROL_PREFIX) {
        // Control routes skip faults and the log so tests can always switch faults off.
        return match authenticate(&state, request.headers()) {
            Ok(()) => next.run(request).await,
            Err(rejection) => rejection.into_response(),
        };
    }
    let method = request.method().clone();
    let query = request.uri().query().map(str::to_owned);
    let faults = state.faults();
    if faults.latency_ms > 0 {
        hold(Duration::from_millis(faults.latency_ms)).await;
    }
    let response = match authenticate(&state, request.headers()) {
        Err(rejection) => rejection.into_response(),
        Ok(()) => match state.draw_fault(&format!(
            "{method} {path}?{}",
            query.as_deref().unwrap_or("")
        )) {
            Some(InjectedFault::ServerError) => {
                detail(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
            }
            Some(InjectedFault::Throttle) => {
                let mut response = (
                    StatusCode::TOO_MANY_REQUESTS,
                    axum::Json(json!({
                        "detail": "Request was throttled. Expected available in 1 second."
                    })),
                )
                    .into_response();
                response
                    .headers_mut()
                    .insert(RETRY_AFTER, HeaderValue::from_static("1"));
                response
            }
            None => next.run(request).await,
        },
    };
    state.record(method, path, query, response.status());
    response
}
