//! API tokens over HTTP (admin), and `whoami`.

use axum::extract::{Path, State};
use axum::{Extension, Json};
use chokepoint_store::{Role, TokenInfo};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{record, request_doc, AuditRef, Entry};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::extract::JsonBody;
use crate::AppState;

/// The caller's token.
#[utoipa::path(get, path = "/v1/whoami", tag = "tokens", responses((status = 200, body = Object, description = "id, name, role, created_at")), security(("bearer" = [])))]
pub async fn whoami(Extension(caller): Extension<Caller>) -> Json<TokenInfo> {
    Json(caller.0)
}

#[derive(Serialize, ToSchema)]
pub struct TokenList {
    #[schema(value_type = Vec<Object>)]
    pub tokens: Vec<TokenInfo>,
}

/// Every token (never a secret).
#[utoipa::path(get, path = "/v1/tokens", tag = "tokens", responses((status = 200, body = TokenList)), security(("bearer" = [])))]
pub async fn list(State(state): State<AppState>) -> Result<Json<TokenList>, ApiError> {
    Ok(Json(TokenList {
        tokens: state.store.list_tokens().await?,
    }))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// Who or what uses it (`erp-prod`, `j.smith`).
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub name: String,
    /// `screener`, `reviewer`, `admin` or `auditor`.
    #[schema(value_type = RoleName)]
    pub role: String,
}

/// A token's role.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum RoleName {
    Screener,
    Reviewer,
    Admin,
    Auditor,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedToken {
    #[schema(value_type = Object)]
    pub token: TokenInfo,
    /// The secret: shown once, stored only as its SHA-256.
    pub secret: String,
    pub audit: AuditRef,
}

/// Create a token.
#[utoipa::path(post, path = "/v1/tokens", tag = "tokens", request_body = NewToken, responses((status = 200, body = CreatedToken), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    JsonBody(req, body): JsonBody<NewToken>,
) -> Result<Json<CreatedToken>, ApiError> {
    let role = Role::parse(&req.role).ok_or_else(|| {
        ApiError::unprocessable(
            "role",
            format!(
                "`{}` is not one of: screener, reviewer, admin, auditor",
                req.role
            ),
        )
    })?;
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::unprocessable(
            "name",
            "give a name of 1 to 200 characters",
        ));
    }
    let (token, secret) = state.store.create_token(name, role).await?;
    let entry = Entry {
        kind: "token",
        request: request_doc(&serde_json::json!({}), &body),
        lists: None,
        rulebook: false,
    };
    let appended = record(
        &state,
        &caller,
        entry,
        &serde_json::json!({"created": token}),
        Default::default(),
    )
    .await?;
    Ok(Json(CreatedToken {
        token,
        secret,
        audit: AuditRef::from(&appended),
    }))
}

/// Revoke a token.
#[utoipa::path(delete, path = "/v1/tokens/{id}", tag = "tokens", params(("id" = String, Path)), responses((status = 200, body = AuditRef), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn revoke(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Json<AuditRef>, ApiError> {
    state.store.revoke_token(&id).await?;
    state
        .token_cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|_, (t, _)| t.id != id);
    let entry = Entry {
        kind: "token",
        request: request_doc(&serde_json::json!({"revoke": id}), b""),
        lists: None,
        rulebook: false,
    };
    let appended = record(
        &state,
        &caller,
        entry,
        &serde_json::json!({"revoked": id}),
        Default::default(),
    )
    .await?;
    Ok(Json(AuditRef::from(&appended)))
}
