//! Request bodies: read within the size limit (413 beyond it), parsed with the field at fault
//! named (400 for malformed JSON, 422 for a wrong field).

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::AppState;

/// The raw body, or a clear 413.
pub struct Body(pub Bytes);

pub(crate) fn bytes_rejection(e: BytesRejection, limit: usize) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::too_large(format!(
            "the request body is larger than the limit of {limit} bytes"
        ))
    } else {
        ApiError::bad_request(format!("could not read the request body: {e}"))
    }
}

impl FromRequest<AppState> for Body {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let limit = state.config.body_limit;
        Bytes::from_request(req, state)
            .await
            .map(Body)
            .map_err(|e| bytes_rejection(e, limit))
    }
}

/// A JSON body parsed into `T`; the error names the field.
pub struct JsonBody<T>(pub T, pub Bytes);

impl<T: DeserializeOwned> FromRequest<AppState> for JsonBody<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let Body(bytes) = Body::from_request(req, state).await?;
        let value = parse_json::<T>(&bytes, "")?;
        Ok(JsonBody(value, bytes))
    }
}

/// Parses JSON text into `T`: a syntax error is 400 with line and column, a field of the wrong
/// type or an unknown field is 422 naming it (prefixed by `prefix`, e.g. `queries[3]`).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8], prefix: &str) -> Result<T, ApiError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ApiError::field(
            StatusCode::BAD_REQUEST,
            if prefix.is_empty() { "body" } else { prefix },
            "expected a JSON document, got an empty body",
        ));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(de) {
        Ok(v) => Ok(v),
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let field = join(prefix, if path == "." { "" } else { &path });
            if inner.is_syntax() || inner.is_eof() {
                Err(ApiError::field(
                    StatusCode::BAD_REQUEST,
                    if field.is_empty() {
                        "body".to_string()
                    } else {
                        field
                    },
                    format!("malformed JSON: {inner}"),
                ))
            } else {
                Err(ApiError::field(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    if field.is_empty() {
                        "body".to_string()
                    } else {
                        field
                    },
                    strip_position(&inner.to_string()),
                ))
            }
        }
    }
}

fn join(prefix: &str, path: &str) -> String {
    match (prefix.is_empty(), path.is_empty()) {
        (true, _) => path.to_string(),
        (false, true) => prefix.to_string(),
        (false, false) => format!("{prefix}.{path}"),
    }
}

fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// Query parameters parsed into `T`; a bad one is 400 naming it.
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(Params(v)),
            Err(e) => Err(query_rejection(e)),
        }
    }
}

fn query_rejection(e: QueryRejection) -> ApiError {
    let text = e.body_text();
    // "Failed to deserialize query string: limit: invalid digit found in string"
    let detail = text
        .strip_prefix("Failed to deserialize query string: ")
        .unwrap_or(&text);
    match detail.split_once(": ") {
        Some((field, msg)) if !field.contains(' ') => ApiError::field(
            StatusCode::BAD_REQUEST,
            format!("query.{field}"),
            msg.to_string(),
        ),
        _ => ApiError::field(StatusCode::BAD_REQUEST, "query", detail.to_string()),
    }
}
