//! One client connection's clock: when the request being served sent its first byte (the
//! start of its deadline), and a bound on writes that make no progress.
//!
//! hyper hands the service a request only once its head is complete, so the moment the
//! first byte arrived is recorded here, below hyper, where the bytes are read.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{ready, Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

#[derive(Debug)]
struct ClockState {
    /// No request is being served: the next bytes read begin the next request.
    between_requests: bool,
    first_byte: Option<Instant>,
}

/// Shared by a connection's stream (which sees bytes arrive) and its service (which sees
/// requests begin and end).
#[derive(Debug)]
pub(crate) struct RequestClock(Mutex<ClockState>);

impl RequestClock {
    pub(crate) fn new() -> Arc<RequestClock> {
        Arc::new(RequestClock(Mutex::new(ClockState {
            between_requests: true,
            first_byte: None,
        })))
    }

    fn bytes_arrived(&self) {
        if let Ok(mut state) = self.0.lock() {
            if state.between_requests && state.first_byte.is_none() {
                state.first_byte = Some(Instant::now());
            }
        }
    }

    /// A request's head is complete: when its first byte arrived. A request whose bytes
    /// were read with the previous one's (pipelined) starts now.
    pub(crate) fn request_started(&self) -> Instant {
        let now = Instant::now();
        match self.0.lock() {
            Ok(mut state) => {
                state.between_requests = false;
                state.first_byte.take().unwrap_or(now)
            }
            Err(_) => now,
        }
    }

    /// The answer is handed to hyper; bytes from here on belong to the next request.
    pub(crate) fn request_answered(&self) {
        if let Ok(mut state) = self.0.lock() {
            state.between_requests = true;
            state.first_byte = None;
        }
    }
}

/// A client stream that tells its [`RequestClock`] when bytes arrive, and fails a write
/// that makes no progress for `write_stall` (a client that stops reading its answer
/// would otherwise hold the connection for ever; hyper has no write timeout).
pub(crate) struct ClockedStream<S> {
    inner: S,
    clock: Arc<RequestClock>,
    write_stall: Duration,
    stalled_since: Option<Pin<Box<Sleep>>>,
}

impl<S> ClockedStream<S> {
    pub(crate) fn new(inner: S, clock: Arc<RequestClock>, write_stall: Duration) -> Self {
        ClockedStream {
            inner,
            clock,
            write_stall,
            stalled_since: None,
        }
    }

    /// Passes a write's result on, and turns a stall longer than `write_stall` into an
    /// error that closes the connection.
    fn bounded<T>(
        &mut self,
        cx: &mut Context<'_>,
        result: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        match result {
            Poll::Ready(done) => {
                self.stalled_since = None;
                Poll::Ready(done)
            }
            Poll::Pending => {
                let limit = self.write_stall;
                let timer = self
                    .stalled_since
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
                ready!(timer.as_mut().poll(cx));
                Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "the client read nothing of its answer in time",
                )))
            }
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for ClockedStream<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let result = Pin::new(&mut this.inner).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.clock.bytes_arrived();
        }
        result
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for ClockedStream<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.bounded(cx, result)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.bounded(cx, result)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_flush(cx);
        this.bounded(cx, result)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_shutdown(cx);
        this.bounded(cx, result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn a_request_starts_at_its_first_byte_and_an_answer_ends_it() {
        let clock = RequestClock::new();
        let (mut client, server) = tokio::io::duplex(64);
        let mut server = ClockedStream::new(server, clock.clone(), Duration::from_secs(5));
        let mut buf = [0u8; 8];
        let before_write = Instant::now();
        client.write_all(b"GET").await.unwrap();
        let _ = server.read(&mut buf).await.unwrap();
        let after_read = Instant::now();
        tokio::time::sleep(Duration::from_millis(50)).await;
        let started = clock.request_started();
        assert!(before_write <= started && started <= after_read);
        // Bytes read while the request is served do not start the next one.
        client.write_all(b"body").await.unwrap();
        let _ = server.read(&mut buf).await.unwrap();
        clock.request_answered();
        let answered = Instant::now();
        tokio::time::sleep(Duration::from_millis(20)).await;
        // No byte since the answer (a pipelined request came with the last read): now.
        assert!(clock.request_started() >= answered + Duration::from_millis(20));
    }

    #[tokio::test]
    async fn a_write_the_client_never_reads_fails_after_the_stall_limit() {
        let (_client, server) = tokio::io::duplex(16);
        let stall = Duration::from_millis(200);
        let mut server = ClockedStream::new(server, RequestClock::new(), stall);
        let started = Instant::now();
        let written = tokio::time::timeout(Duration::from_secs(5), server.write_all(&[0u8; 64]))
            .await
            .expect("the stall limit ends the write");
        assert_eq!(written.unwrap_err().kind(), io::ErrorKind::TimedOut);
        assert!(started.elapsed() >= stall);
    }
}
