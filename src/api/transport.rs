//! Sending one request: auth header, retries for reads, the shared throttle, the body cap,
//! and turning statuses and transport failures into [`ApiError`].

use std::error::Error as _;
use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue, LOCATION, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use secrecy::ExposeSecret;
use serde_json::Value;
use url::Url;

use super::decode;
use super::error::ApiError;
use super::retry::{RetryPolicy, Throttle, parse_retry_after};
use super::settings::ClientSettings;

/// A response whose status was a success.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Vec<u8>,
}

/// The HTTP side of a client, shared by its clones.
pub struct Transport {
    http: reqwest::Client,
    base: String,
    auth: HeaderValue,
    max_body: usize,
    retry: RetryPolicy,
    throttle: Throttle,
    /// A silent server is tried again only while another try can still end within
    /// `timeouts.total` of the first: an agent waits that long, not three read timeouts.
    read_timeout: std::time::Duration,
    budget: std::time::Duration,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("base", &self.base)
            .field("auth", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// How long a 429's shared pause still holds every request back.
    pub fn throttle_remaining(&self) -> Option<std::time::Duration> {
        self.throttle.remaining()
    }

    pub fn new(settings: &ClientSettings) -> Result<Transport, ApiError> {
        let base = checked_base_url(&settings.base_url)?;
        let origin = base.origin();
        let mut auth = HeaderValue::try_from(format!(
            "{} {}",
            settings.auth_scheme.trim(),
            settings.api_key.expose_secret().trim()
        ))
        .map_err(|_| {
            ApiError::InvalidRequest(
                "the API key or auth scheme holds characters a header cannot carry".into(),
            )
        })?;
        auth.set_sensitive(true);
        let http = reqwest::Client::builder()
            .connect_timeout(settings.timeouts.connect)
            .read_timeout(settings.timeouts.read)
            .timeout(settings.timeouts.total)
            .user_agent(concat!("memory-console/", env!("CARGO_PKG_VERSION")))
            // The system store (SSL_CERT_FILE / SSL_CERT_DIR honoured) verifies; the
            // built-in roots and the profile's CA file are merged into it.
            .tls_certs_merge(
                super::tls::builtin_roots()
                    .into_iter()
                    .chain(settings.extra_roots.iter().cloned()),
            )
            // The key goes only to the configured origin: a redirect elsewhere is not followed.
            .redirect(reqwest::redirect::Policy::custom(move |attempt| {
                if attempt.previous().len() >= 5 || attempt.url().origin() != origin {
                    attempt.stop()
                } else {
                    attempt.follow()
                }
            }))
            .build()
            .map_err(|e| ApiError::InvalidRequest(format!("cannot set up HTTP: {e}")))?;
        Ok(Transport {
            http,
            base: normalized(&base),
            auth,
            max_body: settings.max_body_bytes,
            retry: settings.retry.clone(),
            throttle: Throttle::default(),
            read_timeout: settings.timeouts.read,
            budget: settings.timeouts.total,
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Sends a request; GETs are tried again for transient failures, and any request after
    /// a 429: the server throttled it before taking it, so sending it again after its
    /// Retry-After cannot write twice. Other failures of a write may have been taken, so a
    /// write is not sent again after them.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Reply, ApiError> {
        let retryable = method == Method::GET;
        self.send_with(method, path, query, body, retryable).await
    }

    /// Sends a request that is safe to repeat (the caller vouches for it), trying it again
    /// for transient failures like a GET.
    pub async fn send_retrying(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Reply, ApiError> {
        self.send_with(method, path, query, body, true).await
    }

    async fn send_with(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        retryable: bool,
    ) -> Result<Reply, ApiError> {
        let mut attempt = 1;
        let first = Instant::now();
        loop {
            if let Some(wait) = self.throttle.remaining() {
                tokio::time::sleep(wait).await;
            }
            let started = Instant::now();
            let result = self.send_once(method.clone(), path, query, body).await;
            tracing::debug!(
                %method, path, attempt,
                ms = started.elapsed().as_millis() as u64,
                outcome = match &result { Ok(r) => r.status.as_u16().to_string(), Err(e) => e.to_string() },
                "request"
            );
            let err = match result {
                Ok(reply) => return Ok(reply),
                Err(err) => err,
            };
            let retry_after = match &err {
                ApiError::RateLimited { retry_after } => *retry_after,
                _ => None,
            };
            if let Some(wait) = retry_after {
                self.throttle.hold_for(wait.min(self.retry.retry_after_cap));
            }
            let not_taken = matches!(err, ApiError::RateLimited { .. });
            if !(retryable || not_taken) || !err.is_transient() {
                return Err(err);
            }
            let Some(pause) = self.retry.delay(attempt, retry_after) else {
                return Err(err);
            };
            if err == ApiError::Timeout && first.elapsed() + pause + self.read_timeout > self.budget
            {
                return Err(err);
            }
            // A throttle gets more tries than a failure, but within the same total time.
            if retry_after.is_some() && first.elapsed() + pause > self.budget {
                return Err(err);
            }
            tracing::info!(%method, path, attempt, pause_ms = pause.as_millis() as u64, error = %err, "retrying");
            tokio::time::sleep(pause).await;
            attempt += 1;
        }
    }

    async fn send_once(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Reply, ApiError> {
        let url = format!("{}{}", self.base, path);
        let mut request = self
            .http
            .request(method, url)
            .header(AUTHORIZATION, self.auth.clone())
            .header(ACCEPT, "application/json");
        if !query.is_empty() {
            request = request.query(query);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(transport_error)?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(|v| decode::excerpt(v.as_bytes()));
        let body = read_capped(response, self.max_body).await?;
        if status.is_success() {
            return Ok(Reply { status, body });
        }
        Err(status_error(status, &body, retry_after, location))
    }
}

/// A checked base URL without its trailing `/`: paths are appended to it.
pub fn normalized_base_url(raw: &str) -> Result<String, ApiError> {
    checked_base_url(raw).map(|u| normalized(&u))
}

fn normalized(base: &Url) -> String {
    base.as_str().trim_end_matches('/').to_owned()
}

/// Accepts `https://` anywhere and `http://` only for loopback hosts, so a key never crosses a
/// network in the clear.
pub fn checked_base_url(raw: &str) -> Result<Url, ApiError> {
    let url = Url::parse(raw.trim())
        .map_err(|e| ApiError::InvalidRequest(format!("base URL {raw:?} is not a URL: {e}")))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(ApiError::InvalidRequest(format!(
                "refusing plain http:// to {}: the API key would cross the network unencrypted; use https://",
                url.host_str().unwrap_or("?")
            )));
        }
        other => {
            return Err(ApiError::InvalidRequest(format!(
                "base URL scheme {other}:// is not supported; use https://"
            )));
        }
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(ApiError::InvalidRequest(
            "the base URL must not carry a query, fragment or credentials".into(),
        ));
    }
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

async fn read_capped(mut response: reqwest::Response, limit: usize) -> Result<Vec<u8>, ApiError> {
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(ApiError::TooLarge { limit });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
        if body.len() + chunk.len() > limit {
            return Err(ApiError::TooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn status_error(
    status: StatusCode,
    body: &[u8],
    retry_after: Option<Duration>,
    location: Option<String>,
) -> ApiError {
    let code = status.as_u16();
    match code {
        401 => ApiError::Unauthorized {
            detail: decode::detail(body),
        },
        403 => ApiError::Forbidden {
            detail: decode::detail(body),
        },
        404 => ApiError::NotFound {
            detail: decode::detail(body),
        },
        429 => ApiError::RateLimited { retry_after },
        400 | 409 | 413 | 422 => ApiError::Validation {
            status: code,
            messages: decode::error_messages(body),
        },
        500..=599 => ApiError::Server {
            status: code,
            excerpt: decode::excerpt(body),
        },
        300..=399 => ApiError::UnexpectedStatus {
            status: code,
            excerpt: format!(
                "redirect to {} not followed: the key is only sent to the configured server",
                location.unwrap_or_else(|| "an unnamed place".into())
            ),
        },
        _ => ApiError::UnexpectedStatus {
            status: code,
            excerpt: decode::excerpt(body),
        },
    }
}

fn transport_error(e: reqwest::Error) -> ApiError {
    if e.is_timeout() {
        return ApiError::Timeout;
    }
    // reqwest's own message is terse ("error sending request"); the causes say why.
    let mut causes = Vec::new();
    let mut source = e.source();
    while let Some(s) = source {
        causes.push(s.to_string());
        source = s.source();
    }
    let builder = e.is_builder();
    let mut reason = e.without_url().to_string();
    for cause in causes {
        reason.push_str(": ");
        reason.push_str(&cause);
    }
    // The request could not even be built (a URL too long for the HTTP stack, say): nothing
    // was sent, and the network is not to blame.
    if builder {
        return ApiError::InvalidRequest(format!("the request could not be built: {reason}"));
    }
    ApiError::Connection { reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_for_loopback() {
        assert!(checked_base_url("https://base.manager.iblai.app").is_ok());
        assert!(checked_base_url("http://127.0.0.1:8787").is_ok());
        assert!(checked_base_url("http://localhost:8787/").is_ok());
        assert!(checked_base_url("http://[::1]:8787/").is_ok());
        let err = checked_base_url("http://example.com").unwrap_err();
        assert!(err.to_string().contains("unencrypted"), "{err}");
        assert!(checked_base_url("ftp://example.com").is_err());
        assert!(checked_base_url("https://u:p@example.com").is_err());
        assert!(checked_base_url("not a url").is_err());
    }

    #[test]
    fn statuses_map_to_errors() {
        assert!(
            matches!(status_error(StatusCode::UNAUTHORIZED, br#"{"detail":"no"}"#, None, None), ApiError::Unauthorized { detail: Some(d) } if d == "no")
        );
        assert!(matches!(
            status_error(StatusCode::BAD_GATEWAY, b"", None, None),
            ApiError::Server { status: 502, .. }
        ));
        assert!(matches!(
            status_error(StatusCode::IM_A_TEAPOT, b"", None, None),
            ApiError::UnexpectedStatus { status: 418, .. }
        ));
        let e = status_error(
            StatusCode::FOUND,
            b"",
            None,
            Some("https://evil.example".into()),
        );
        assert!(e.to_string().contains("evil.example"));
    }
}
