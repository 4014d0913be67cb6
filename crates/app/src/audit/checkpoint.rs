//! Signed checkpoints of the audit chain.
//!
//! The chain's hash is unkeyed and its encoding public, so anyone who can
//! write the database can delete the newest rows and move `audit_head` back,
//! or delete rows in the middle and re-hash everything after them, and the
//! chain verifies again. A checkpoint is the head (seq, hash) at a time,
//! signed with an Ed25519 key kept outside the database. Once a checkpoint has
//! left the host, no change to the rows up to its seq can go unnoticed by
//! [`verify_with_checkpoints`] without the private key.
//!
//! The key file holds one line, `benk-audit-ed25519-v1 <hex seed>`, and is
//! created with mode 0600. The checkpoint file has one JSON object per line
//! ([`Checkpoint`]) and is only ever appended to.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, SubsecRound, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{ts, walk, Break, VerifyReport, GENESIS, HEAD};

const KEY_TAG: &str = "benk-audit-ed25519-v1";
const SIGNED_TAG: &str = "benk-audit-checkpoint-v1";

/// What can go wrong with keys, checkpoint files and checkpointing.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The key file already exists (keygen never overwrites a key).
    #[error("{0}: a key already exists there; Benk never overwrites an audit key")]
    KeyExists(PathBuf),
    /// The key or public key is not in the expected form.
    #[error("{0}")]
    BadKey(String),
    /// A checkpoint line cannot be read.
    #[error("{path} line {line}: {reason}")]
    BadLine {
        /// The checkpoint file.
        path: PathBuf,
        /// Line number, from 1.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// The chain does not extend the last checkpoint, so none is signed.
    #[error("the audit chain does not extend the last checkpoint: {0}")]
    Disagrees(String),
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> CheckpointError + '_ {
    move |source| CheckpointError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The private signing key.
pub struct AuditKey(SigningKey);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AuditKey({})", self.public().key_id())
    }
}

impl AuditKey {
    /// A new random key.
    pub fn generate() -> AuditKey {
        let mut seed = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut seed);
        AuditKey(SigningKey::from_bytes(&seed))
    }

    /// Makes a new key in a new file (mode 0600); refuses if the file exists.
    pub fn create_file(path: &Path) -> Result<AuditKey, CheckpointError> {
        let key = AuditKey::generate();
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut f = opts.open(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                CheckpointError::KeyExists(path.to_path_buf())
            } else {
                io(path)(e)
            }
        })?;
        writeln!(f, "{KEY_TAG} {}", hex::encode(key.0.to_bytes())).map_err(io(path))?;
        f.sync_all().map_err(io(path))?;
        Ok(key)
    }

    /// Reads a key file made by [`AuditKey::create_file`].
    pub fn load(path: &Path) -> Result<AuditKey, CheckpointError> {
        let text = std::fs::read_to_string(path).map_err(io(path))?;
        let bad = || {
            CheckpointError::BadKey(format!(
                "{}: not a Benk audit key (expected one line `{KEY_TAG} <64 hex digits>`)",
                path.display()
            ))
        };
        let hex_seed = text
            .trim()
            .strip_prefix(KEY_TAG)
            .map(str::trim)
            .ok_or_else(bad)?;
        let seed: [u8; 32] = hex::decode(hex_seed)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(bad)?;
        Ok(AuditKey(SigningKey::from_bytes(&seed)))
    }

    /// The public half, for verifiers.
    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// Signs a head.
    pub fn sign(&self, seq: i64, hash: &str, at: DateTime<Utc>) -> Checkpoint {
        let at = at.trunc_subsecs(6);
        let public = self.public();
        let msg = signed_message(seq, hash, &ts(&at), &public.hex());
        Checkpoint {
            seq,
            hash: hash.to_string(),
            at,
            key_id: public.key_id(),
            public_key: public.hex(),
            signature: hex::encode(self.0.sign(msg.as_bytes()).to_bytes()),
        }
    }
}

/// A public key that checkpoints are verified with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// Parses 64 hex digits.
    pub fn parse(s: &str) -> Result<PublicKey, CheckpointError> {
        let bad = || {
            CheckpointError::BadKey(format!(
                "{s:?} is not an Ed25519 public key (64 hex digits)"
            ))
        };
        let bytes: [u8; 32] = hex::decode(s.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(bad)?;
        VerifyingKey::from_bytes(&bytes)
            .map(PublicKey)
            .map_err(|_| bad())
    }

    /// The key as 64 hex digits.
    pub fn hex(&self) -> String {
        hex::encode(self.0.to_bytes())
    }

    /// A short id: the first 16 hex digits of the key's SHA-256.
    pub fn key_id(&self) -> String {
        hex::encode(Sha256::digest(self.0.to_bytes()))[..16].to_string()
    }
}

/// One signed head, one line of the checkpoint file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    /// The head's seq.
    pub seq: i64,
    /// The head's hash.
    pub hash: String,
    /// When it was signed (UTC, microseconds).
    pub at: DateTime<Utc>,
    /// [`PublicKey::key_id`] of the signing key.
    pub key_id: String,
    /// The signing key (hex), covered by the signature.
    pub public_key: String,
    /// Ed25519 signature (hex) over the seq, hash, time and public key.
    pub signature: String,
}

fn signed_message(seq: i64, hash: &str, at: &str, public_key: &str) -> String {
    format!("{SIGNED_TAG}\n{seq}\n{hash}\n{at}\n{public_key}")
}

impl Checkpoint {
    /// Checks the signature with one of the trusted keys.
    pub fn check_signature(&self, trusted: &[PublicKey]) -> Result<(), String> {
        let Some(key) = trusted.iter().find(|k| k.hex() == self.public_key) else {
            return Err(format!(
                "signed by key {} ({}), which is not a trusted key",
                self.key_id, self.public_key
            ));
        };
        let sig: [u8; 64] = hex::decode(&self.signature)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or("the signature is not 128 hex digits")?;
        let msg = signed_message(self.seq, &self.hash, &ts(&self.at), &self.public_key);
        key.0
            .verify_strict(msg.as_bytes(), &Signature::from_bytes(&sig))
            .map_err(|_| "the signature does not verify (the line was altered or forged)".into())
    }

    /// How a message names this checkpoint.
    pub fn describe(&self, line: usize) -> String {
        format!(
            "checkpoint on line {line} (seq {}, signed {})",
            self.seq,
            ts(&self.at)
        )
    }
}

/// A checkpoint with its line number in the file.
#[derive(Debug, Clone)]
pub struct Numbered {
    /// Line number, from 1.
    pub line: usize,
    /// The checkpoint.
    pub checkpoint: Checkpoint,
}

/// Reads every checkpoint in a file (blank lines are skipped). A missing file
/// is an error; see [`last_in_file`] for the writer's view.
pub fn read_file(path: &Path) -> Result<Vec<Numbered>, CheckpointError> {
    let text = std::fs::read_to_string(path).map_err(io(path))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let checkpoint = serde_json::from_str(line).map_err(|e| CheckpointError::BadLine {
            path: path.to_path_buf(),
            line: i + 1,
            reason: format!("not a checkpoint: {e}"),
        })?;
        out.push(Numbered {
            line: i + 1,
            checkpoint,
        });
    }
    Ok(out)
}

/// The last checkpoint in the file, if the file exists and has one. Only
/// that line is parsed: the file grows by a line every few minutes for years.
pub fn last_in_file(path: &Path) -> Result<Option<Numbered>, CheckpointError> {
    use std::io::BufRead;
    let f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(path)(e)),
    };
    let mut last: Option<(usize, String)> = None;
    for (i, line) in std::io::BufReader::new(f).lines().enumerate() {
        let line = line.map_err(io(path))?;
        if !line.trim().is_empty() {
            last = Some((i + 1, line));
        }
    }
    let Some((line, text)) = last else {
        return Ok(None);
    };
    let checkpoint = serde_json::from_str(&text).map_err(|e| CheckpointError::BadLine {
        path: path.to_path_buf(),
        line,
        reason: format!("not a checkpoint: {e}"),
    })?;
    Ok(Some(Numbered { line, checkpoint }))
}

/// Appends one line and syncs it to disk.
pub fn append(path: &Path, c: &Checkpoint) -> Result<(), CheckpointError> {
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(io(path))?;
    let line = serde_json::to_string(c).map_err(|e| CheckpointError::BadKey(e.to_string()))?;
    writeln!(f, "{line}").map_err(io(path))?;
    f.sync_all().map_err(io(path))
}

/// Signs the current head and appends it to `file`, but only if the chain
/// still extends the file's last checkpoint: the row at that checkpoint's seq
/// still has its hash and every row after it links up to the head. A chain
/// that was cut or rewritten is never signed over.
pub async fn checkpoint(
    app: &crate::App,
    key: &AuditKey,
    file: &Path,
) -> Result<Checkpoint, CheckpointError> {
    let db = &app.db;
    let last = last_in_file(file)?;
    let (from_seq, from_hash) = match &last {
        Some(n) => {
            n.checkpoint.check_signature(&[key.public()]).map_err(|e| {
                CheckpointError::Disagrees(format!("{}: {e}", n.checkpoint.describe(n.line)))
            })?;
            (n.checkpoint.seq, n.checkpoint.hash.clone())
        }
        None => (0, GENESIS.to_string()),
    };
    let describe = || {
        last.as_ref()
            .map_or("the start of the chain".to_string(), |n| {
                n.checkpoint.describe(n.line)
            })
    };
    let (head_seq, head_hash) = db
        .opt::<(i64, String)>(HEAD, vec![])
        .await?
        .ok_or_else(|| CheckpointError::Disagrees("the chain head row is missing".into()))?;
    if head_seq < from_seq {
        return Err(CheckpointError::Disagrees(format!(
            "the head is at seq {head_seq}, behind the {}",
            describe()
        )));
    }
    if from_seq > 0 {
        let at: Option<(String,)> = db
            .opt(
                "SELECT hash FROM audit_events WHERE seq = $1",
                crate::args![from_seq],
            )
            .await?;
        if at.as_ref().map(|r| r.0.as_str()) != Some(from_hash.as_str()) {
            return Err(CheckpointError::Disagrees(format!(
                "row {from_seq} is missing or has another hash than the {}",
                describe()
            )));
        }
    }
    let w = walk(db, from_seq, &from_hash, head_seq, |_| {}, |_| None).await?;
    if let Some(b) = w.first_break {
        return Err(CheckpointError::Disagrees(format!(
            "row {}: {} (after the {})",
            b.seq,
            b.reason,
            describe()
        )));
    }
    if w.last_seq != head_seq || w.last_hash != head_hash {
        return Err(CheckpointError::Disagrees(format!(
            "the rows end at seq {} but the head says {head_seq}",
            w.last_seq
        )));
    }
    let c = key.sign(head_seq, &head_hash, Utc::now());
    append(file, &c)?;
    Ok(c)
}

/// The result of verifying the chain against signed checkpoints.
#[derive(Debug, Clone, Serialize)]
pub struct CheckpointReport {
    /// The chain walk, with a break for the first checkpoint the chain
    /// disagrees with.
    pub chain: VerifyReport,
    /// Checkpoints read from the file.
    pub checkpoints: usize,
    /// The highest seq a checkpoint signed.
    pub last_signed_seq: i64,
}

/// Verifies the chain as [`super::verify`] does, and against every checkpoint:
/// each must be signed by a trusted key, their seqs must not go backwards, the
/// row at each checkpoint's seq must carry the signed hash, and the chain must
/// reach the last signed seq. The first failure names the checkpoint (line,
/// seq and time).
pub async fn verify_with_checkpoints(
    app: &crate::App,
    checkpoints: &[Numbered],
    trusted: &[PublicKey],
    progress: impl FnMut(i64, i64),
) -> Result<CheckpointReport, sqlx::Error> {
    let db = &app.db;
    let failed = |seq: i64, reason: String| CheckpointReport {
        chain: VerifyReport {
            rows: 0,
            first_break: Some(Break { seq, reason }),
        },
        checkpoints: checkpoints.len(),
        last_signed_seq: 0,
    };
    let mut by_seq: BTreeMap<i64, Vec<&Numbered>> = BTreeMap::new();
    let mut last_seq = 0i64;
    for n in checkpoints {
        let c = &n.checkpoint;
        if let Err(e) = c.check_signature(trusted) {
            return Ok(failed(c.seq, format!("{}: {e}", c.describe(n.line))));
        }
        if c.seq < last_seq {
            return Ok(failed(
                c.seq,
                format!(
                    "{}: its seq is below the previous checkpoint's ({last_seq})",
                    c.describe(n.line)
                ),
            ));
        }
        if c.seq < 0 || (c.seq == 0 && c.hash != GENESIS) {
            return Ok(failed(
                c.seq,
                format!("{}: no chain has this head", c.describe(n.line)),
            ));
        }
        last_seq = c.seq;
        by_seq.entry(c.seq).or_default().push(n);
    }
    let mut chain = super::verify_checked(db, progress, |row| {
        let wrong = by_seq
            .get(&row.seq)?
            .iter()
            .find(|n| n.checkpoint.hash != row.hash)?;
        Some(format!(
            "the row's hash differs from the one signed in the {} (the chain was rewritten)",
            wrong.checkpoint.describe(wrong.line)
        ))
    })
    .await?;
    if chain.first_break.is_none() {
        // `rows` is the number of rows verified from seq 1 without a gap.
        if let Some(n) = by_seq.range(chain.rows + 1..).next().map(|(_, v)| v[0]) {
            chain.first_break = Some(Break {
                seq: chain.rows + 1,
                reason: format!(
                    "the chain ends at seq {} but the {} signed a head at seq {}: rows were cut from the end",
                    chain.rows,
                    n.checkpoint.describe(n.line),
                    n.checkpoint.seq
                ),
            });
        }
    }
    Ok(CheckpointReport {
        chain,
        checkpoints: checkpoints.len(),
        last_signed_seq: last_seq,
    })
}
