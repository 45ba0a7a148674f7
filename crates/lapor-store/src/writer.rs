//! Group commit for SQLite: one task owns the write connection and commits the submissions
//! that arrived meanwhile in a single transaction.
//!
//! With `synchronous=FULL` every commit waits for the disk, so a commit per report would cap
//! intake at the disk's flush rate. Batching keeps each acknowledged report on disk before
//! its tracking code is returned while sharing one flush among everyone who was waiting.

use std::sync::Arc;

use sqlx::sqlite::SqlitePool;
use tokio::sync::{mpsc, oneshot};

use crate::reports::{SubmitOutcome, SubmitRecord, submit_statements};
use crate::{Result, StoreError};

/// Submissions per transaction at most; more simply wait for the next round.
const MAX_BATCH: usize = 128;

struct Job {
    record: Arc<SubmitRecord>,
    reply: oneshot::Sender<Result<SubmitOutcome>>,
}

/// The handle the rest of the store uses to hand a submission to the writer task.
#[derive(Clone)]
pub(crate) struct SqliteWriter {
    jobs: mpsc::Sender<Job>,
}

impl SqliteWriter {
    /// Starts the writer task on `pool` (the one-connection write pool).
    pub(crate) fn start(pool: SqlitePool) -> Self {
        let (jobs, queue) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(run(pool, queue));
        Self { jobs }
    }

    pub(crate) async fn submit(&self, record: Arc<SubmitRecord>) -> Result<SubmitOutcome> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job { record, reply })
            .await
            .map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }
}

async fn run(pool: SqlitePool, mut queue: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        match commit_together(&pool, &batch).await {
            Ok(outcomes) => {
                for (job, outcome) in batch.drain(..).zip(outcomes) {
                    let _ = job.reply.send(Ok(outcome));
                }
            }
            // One bad submission must not fail the others: the batch was rolled back, so
            // each is tried again on its own and gets its own answer.
            Err(error) if batch.len() == 1 => {
                if let Some(job) = batch.pop() {
                    let _ = job.reply.send(Err(error));
                }
            }
            Err(_) => {
                for job in batch.drain(..) {
                    let outcome = commit_together(&pool, std::slice::from_ref(&job))
                        .await
                        .map(|mut o| o.remove(0));
                    let _ = job.reply.send(outcome);
                }
            }
        }
    }
}

async fn commit_together(pool: &SqlitePool, batch: &[Job]) -> Result<Vec<SubmitOutcome>> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let mut outcomes = Vec::with_capacity(batch.len());
    for job in batch {
        outcomes.push(submit_statements!(tx, job.record.as_ref())?);
    }
    tx.commit().await?;
    Ok(outcomes)
}
