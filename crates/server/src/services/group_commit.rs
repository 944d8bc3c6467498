//! Group commit: requests that arrive while a batch is being written wait, and are written
//! together in the next batch, in one transaction with one durable commit. Under load a commit's
//! fsync and the statements' round trips are shared by many requests; alone, a request is
//! written at once, with no timer to wait for.

use std::future::Future;
use std::sync::Arc;
use tokio::sync::{Mutex, mpsc, oneshot};

/// Writers to start for a database: SQLite has one writer at a time; on PostgreSQL a second
/// batch can be written while the first one's commit is flushed.
pub fn writers_for(backend: store::Backend) -> usize {
    match backend {
        store::Backend::Sqlite => 1,
        store::Backend::Postgres => 2,
    }
}

/// How many requests may wait for a batch before callers are held back.
const QUEUE_DEPTH: usize = 4096;

type Job<Req, Res> = (Req, oneshot::Sender<Res>);

/// The sending side; the writer task runs while any clone of it lives.
pub struct Queue<Req, Res> {
    jobs: mpsc::Sender<Job<Req, Res>>,
}

impl<Req, Res> Clone for Queue<Req, Res> {
    fn clone(&self) -> Self {
        Queue {
            jobs: self.jobs.clone(),
        }
    }
}

impl<Req: Send + 'static, Res: Send + 'static> Queue<Req, Res> {
    /// Starts `writers` writer tasks on the current runtime. One writer at a time gathers the
    /// requests waiting, up to `max_batch`, and keeps that turn until it hands it off (see
    /// `Handoff`); `write` must answer each request, in order. More than one writer lets one
    /// batch's statements run while another's commit is being flushed, where the database
    /// allows concurrent writers.
    pub fn start<F, Fut>(writers: usize, max_batch: usize, write: F) -> Self
    where
        F: Fn(Vec<Req>, Handoff) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Vec<Res>> + Send,
    {
        let (jobs, rx) = mpsc::channel::<Job<Req, Res>>(QUEUE_DEPTH);
        let rx = Arc::new(Mutex::new(rx));
        let write = Arc::new(write);
        for _ in 0..writers.max(1) {
            let (rx, write) = (rx.clone(), write.clone());
            tokio::spawn(async move {
                let mut batch = Vec::with_capacity(max_batch);
                loop {
                    let mut turn = rx.clone().lock_owned().await;
                    if turn.recv_many(&mut batch, max_batch).await == 0 {
                        break;
                    }
                    let (requests, replies): (Vec<Req>, Vec<oneshot::Sender<Res>>) =
                        batch.drain(..).unzip();
                    let n = requests.len();
                    let results = write(
                        requests,
                        Handoff {
                            _turn: Some(Box::new(turn)),
                        },
                    )
                    .await;
                    debug_assert_eq!(results.len(), n, "one answer per request");
                    for (reply, result) in replies.into_iter().zip(results) {
                        // A caller that went away (its client hung up) needs no answer.
                        let _ = reply.send(result);
                    }
                }
            });
        }
        Queue { jobs }
    }

    /// Queues `request` and waits for its answer.
    pub async fn call(&self, request: Req) -> Result<Res, Stopped<Req>> {
        let (reply, answer) = oneshot::channel();
        if let Err(mpsc::error::SendError((request, _))) = self.jobs.send((request, reply)).await {
            return Err(Stopped::NotQueued(request));
        }
        answer.await.map_err(|_| Stopped::Lost)
    }
}

/// A writer's turn to gather. The writer hands it to the next one by dropping it when its batch
/// no longer needs to come first, just before the commit: the next batch's statements then run
/// while this one's commit is flushed, and it gathers the requests that arrived meanwhile
/// instead of taking the first one alone.
pub struct Handoff {
    _turn: Option<Box<dyn Send>>,
}

impl Handoff {
    /// For a write outside the queue: nothing to hand off.
    pub fn none() -> Handoff {
        Handoff { _turn: None }
    }
}

/// Why a queued call got no answer.
#[derive(Debug)]
pub enum Stopped<Req> {
    /// The writer task had stopped (the runtime is shutting down); the request was not written.
    NotQueued(Req),
    /// The writer task stopped with the request in its batch (it panicked): whether the batch
    /// was committed is not known.
    Lost,
}
