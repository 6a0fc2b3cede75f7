//! File uploads and per-route body limits.
//!
//! Every route has a body limit: `max_body_bytes` (256 KiB) for ordinary forms and JSON,
//! `max_upload_bytes` (50 MiB) for the upload and import routes a module puts in its
//! `upload_router()`. A body over the limit gets 413 whose message names the limit, in
//! the user's language ([`BodyLimit`] travels on the response to `render_errors`).
//!
//! [`receive`] reads a `multipart/form-data` body as the handler streams it: small text
//! fields into memory, the file field chunk by chunk into a temporary file in
//! `upload_dir`, so a 50 MB upload never sits in memory. The CSRF token of a page form is
//! its first field (checked by `auth::csrf` before the handler runs; see there).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use axum::Router;
use axum::extract::multipart::{Field, Multipart, MultipartError};
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use tokio::io::AsyncWriteExt;
use tower_http::limit::RequestBodyLimitLayer;
use utoipa_axum::router::OpenApiRouter;

use crate::error::{AppError, AppResult};

/// The body limit that applied to a request, attached to its 413 response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BodyLimit(pub usize);

/// A size for people: `50 MiB`, `256 KiB`, `1000 B`.
pub fn human_size(bytes: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} B")
    }
}

/// A 413 response that names `limit`.
pub fn too_large(limit: usize) -> Response {
    use axum::response::IntoResponse;
    let mut res = AppError::PayloadTooLarge.into_response();
    res.extensions_mut().insert(BodyLimit(limit));
    res
}

async fn name_limit(State(limit): State<BodyLimit>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    if res.status() == StatusCode::PAYLOAD_TOO_LARGE {
        res.extensions_mut().insert(limit);
    }
    res
}

/// How many bytes a body hands over in one go before it lets its reader work through them.
const PACE_BYTES: usize = 256 * 1024;

/// A body stream that pauses (returns `Pending` and wakes itself at once) after every
/// [`PACE_BYTES`]. The multipart parser reads everything a body has ready into its buffer
/// before it parses; without the pause a fast sender (or a test's in-memory body) would
/// have the whole upload buffered in memory.
struct Paced<S> {
    inner: S,
    streak: usize,
}

impl<S> futures_util::Stream for Paced<S>
where
    S: futures_util::Stream<Item = Result<axum::body::Bytes, axum::Error>> + Unpin,
{
    type Item = S::Item;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use std::task::Poll;
        if self.streak >= PACE_BYTES {
            self.streak = 0;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let next = std::pin::Pin::new(&mut self.inner).poll_next(cx);
        match &next {
            Poll::Ready(Some(Ok(bytes))) => self.streak += bytes.len(),
            _ => self.streak = 0,
        }
        next
    }
}

async fn pace(req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let paced = Paced {
        inner: body.into_data_stream(),
        streak: 0,
    };
    next.run(Request::from_parts(
        parts,
        axum::body::Body::from_stream(paced),
    ))
    .await
}

/// Limits the bodies of a router's routes to `limit` bytes (413 naming the limit).
pub fn limit_router<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    limit: usize,
) -> Router<S> {
    router
        // The extractors' own default (2 MB) would otherwise cap uploads below `limit`.
        .layer(DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(limit))
        // Outside the limit, so that its "too large" error reaches the extractors as such.
        .layer(axum::middleware::from_fn(pace))
        .layer(axum::middleware::from_fn_with_state(
            BodyLimit(limit),
            name_limit,
        ))
}

/// [`limit_router`] for an API router (the OpenAPI description is kept).
pub fn limit_api_router<S: Clone + Send + Sync + 'static>(
    router: OpenApiRouter<S>,
    limit: usize,
) -> OpenApiRouter<S> {
    router
        .layer(DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(limit))
        .layer(axum::middleware::from_fn(pace))
        .layer(axum::middleware::from_fn_with_state(
            BodyLimit(limit),
            name_limit,
        ))
}

/// A file in `upload_dir` that is deleted when dropped, unless [`TempFile::keep`] is called.
#[derive(Debug)]
pub struct TempFile {
    path: PathBuf,
    kept: bool,
}

impl TempFile {
    /// Creates an empty file with a random name in `dir` (created when missing).
    async fn create(dir: &Path) -> std::io::Result<(Self, tokio::fs::File)> {
        tokio::fs::create_dir_all(dir).await?;
        let path = dir.join(format!("upload-{}", &crate::auth::random_token("")[..32]));
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .await?;
        Ok((TempFile { path, kept: false }, file))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's name inside the upload folder (what a job payload records).
    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// Keeps the file (a job now owns it) and returns its path.
    pub fn keep(mut self) -> PathBuf {
        self.kept = true;
        self.path.clone()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// An uploaded file, on disk.
#[derive(Debug)]
pub struct Upload {
    pub file: TempFile,
    /// The name the sender gave (last path component, control characters removed).
    pub original_name: String,
    pub content_type: String,
    pub size: u64,
}

/// A multipart form: its text fields and its file, if one was chosen.
#[derive(Debug, Default)]
pub struct UploadForm {
    pub fields: BTreeMap<String, String>,
    pub file: Option<Upload>,
}

impl UploadForm {
    /// The file, or the field error "choose a file" under `field` (422).
    pub fn require_file(self, field: &str) -> Result<Upload, crate::error::FieldErrors> {
        self.file.ok_or_else(|| {
            let mut errors = crate::error::FieldErrors::new();
            errors.add(field, "error-upload-no-file");
            errors
        })
    }
}

/// Largest text field kept in memory, and most text fields accepted.
const MAX_TEXT_FIELD: usize = 64 * 1024;
const MAX_TEXT_FIELDS: usize = 100;

/// Reads a multipart form, streaming the field named `file_field` to a temporary file in
/// `dir`. Malformed bodies are 400; a body over the route's limit is 413.
pub async fn receive(mut form: Multipart, dir: &Path, file_field: &str) -> AppResult<UploadForm> {
    let mut out = UploadForm::default();
    while let Some(field) = form.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or("").to_owned();
        if name == file_field && field.file_name().is_some() {
            if out.file.is_some() {
                return Err(AppError::BadRequest("error-upload-one-file"));
            }
            let upload = save_file(field, dir).await?;
            // A form submitted without choosing a file sends an empty part without a name.
            if !(upload.size == 0 && upload.original_name.is_empty()) {
                out.file = Some(upload);
            }
        } else {
            if out.fields.len() >= MAX_TEXT_FIELDS {
                return Err(AppError::BadRequest("error-bad-request"));
            }
            let text = read_text(field).await?;
            out.fields.insert(name, text);
        }
    }
    Ok(out)
}

async fn save_file(mut field: Field<'_>, dir: &Path) -> AppResult<Upload> {
    let original_name = clean_file_name(field.file_name().unwrap_or(""));
    let content_type = field
        .content_type()
        .unwrap_or("application/octet-stream")
        .chars()
        .take(200)
        .collect();
    let (temp, mut file) = TempFile::create(dir).await.map_err(|e| {
        AppError::Internal(anyhow::Error::new(e).context("creating an upload file"))
    })?;
    let mut size = 0u64;
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        size += chunk.len() as u64;
        file.write_all(&chunk)
            .await
            .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("writing an upload")))?;
    }
    file.flush()
        .await
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("writing an upload")))?;
    Ok(Upload {
        file: temp,
        original_name,
        content_type,
        size,
    })
}

async fn read_text(mut field: Field<'_>) -> AppResult<String> {
    let mut buf = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        if buf.len() + chunk.len() > MAX_TEXT_FIELD {
            return Err(AppError::PayloadTooLarge);
        }
        buf.extend_from_slice(&chunk);
    }
    String::from_utf8(buf).map_err(|_| AppError::BadRequest("error-bad-request"))
}

fn multipart_error(e: MultipartError) -> AppError {
    match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
        s if s.is_client_error() => AppError::BadRequest("error-upload-malformed"),
        _ => AppError::Internal(anyhow::anyhow!("reading an upload: {}", e.body_text())),
    }
}

/// The last component of a sent file name, without control characters, at most 200 characters.
pub fn clean_file_name(name: &str) -> String {
    name.rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect::<String>()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_written_for_people() {
        assert_eq!(human_size(50 * 1024 * 1024), "50 MiB");
        assert_eq!(human_size(256 * 1024), "256 KiB");
        assert_eq!(human_size(1000), "1000 B");
        assert_eq!(human_size(1024 * 1024 + 512 * 1024), "1.5 MiB");
    }

    #[test]
    fn sent_file_names_keep_only_their_last_component() {
        assert_eq!(clean_file_name("C:\\Users\\x\\data.csv"), "data.csv");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\u{0}b\nc.txt"), "abc.txt");
        assert_eq!(clean_file_name(""), "");
    }
}
