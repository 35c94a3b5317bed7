//! Starting and stopping the mock: `MockServer` (in-process handle) and `run_foreground` (the subcommand).

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::args::MockServerArgs;
use super::config::MockConfig;
use super::error::MockError;
use super::routes::router;
use super::state::MockState;

/// In-flight requests get this long to finish once shutdown is asked for.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A running mock server. Dropping it stops the server too (without waiting).
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    state: Arc<MockState>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl MockServer {
    /// Builds the data and serves on a random loopback port.
    pub async fn start(config: MockConfig) -> Result<Self, MockError> {
        Self::start_on(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), config).await
    }

    /// Builds the data and serves on `addr`.
    pub async fn start_on(addr: SocketAddr, config: MockConfig) -> Result<Self, MockError> {
        // Generating 100k users is CPU work; keep it off the async worker threads.
        let state = tokio::task::spawn_blocking(move || MockState::new(&config))
            .await
            .map_err(|e| MockError::Join(e.to_string()))??;
        let state = Arc::new(state);
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| MockError::Bind { addr, source })?;
        let addr = listener.local_addr().map_err(MockError::Serve)?;
        let (stop, stopped) = oneshot::channel::<()>();
        let app = router(Arc::clone(&state));
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    // A dropped sender also means "stop".
                    let _ = stopped.await;
                })
                .await
        });
        tracing::info!(%addr, "mock server listening");
        Ok(Self {
            addr,
            state,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// For example `http://127.0.0.1:40123` (no trailing slash).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn api_key(&self) -> &str {
        self.state.api_key()
    }

    pub fn state(&self) -> &Arc<MockState> {
        &self.state
    }

    /// Stops accepting connections and waits (up to 5 s) for in-flight requests.
    pub async fn shutdown(mut self) -> Result<(), MockError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let Some(mut task) = self.task.take() else {
            return Ok(());
        };
        match tokio::time::timeout(SHUTDOWN_GRACE, &mut task).await {
            Ok(Ok(Ok(()))) => Ok(()),
            Ok(Ok(Err(e))) => Err(MockError::Serve(e)),
            Ok(Err(e)) => Err(MockError::Join(e.to_string())),
            Err(_) => {
                task.abort();
                tracing::warn!("mock server did not stop in time; aborted");
                Ok(())
            }
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Runs the mock in the foreground until Ctrl-C: the `mock-server` subcommand.
pub async fn run_foreground(args: MockServerArgs) -> Result<(), MockError> {
    let config = MockConfig::from(&args);
    let server = MockServer::start_on(args.addr, config).await?;
    let users: usize = server
        .state()
        .orgs()
        .iter()
        .filter_map(|org| server.state().user_count(org))
        .sum();
    println!("mock ibl server listening on {}", server.base_url());
    println!("API key: {}", server.api_key());
    println!(
        "orgs: {} ({users} users); press Ctrl-C to stop",
        server.state().orgs().join(", ")
    );
    if let Err(e) = tokio::signal::ctrl_c().await {
        tracing::warn!(error = %e, "cannot listen for Ctrl-C; stopping");
    }
    println!("stopping");
    server.shutdown().await
}
