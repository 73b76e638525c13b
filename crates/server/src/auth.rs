//! API tokens and roles. `Authorization: Bearer <token>`; the token's SHA-256 is looked up in the
//! store (cached for a few seconds). 401 without a live token, 403 with a role the route does not
//! allow — the message names the roles that would do.

use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use chokepoint_store::{Role, TokenInfo};

use crate::error::ApiError;
use crate::AppState;

use Role::*;

/// What a route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Run checks and screenings.
    Screen,
    /// Read rules and lists; any role.
    Read,
    /// Read and decide review cases.
    ReviewRead,
    ReviewDecide,
    /// Read the audit trail.
    Audit,
    /// Update lists, manage tokens.
    Admin,
}

/// The roles allowed for an access level.
pub fn allowed_roles(access: Access) -> &'static [Role] {
    match access {
        Access::Screen => &[Screener, Reviewer, Admin],
        Access::Read => &[Screener, Reviewer, Admin, Auditor],
        Access::ReviewRead => &[Reviewer, Admin, Auditor],
        Access::ReviewDecide => &[Reviewer, Admin],
        Access::Audit => &[Auditor, Admin],
        Access::Admin => &[Admin],
    }
}

/// The authenticated caller, put in the request's extensions.
#[derive(Debug, Clone)]
pub struct Caller(pub TokenInfo);

const CACHE_TTL: Duration = Duration::from_secs(5);

async fn authenticate(state: &AppState, secret: &str) -> Result<Option<TokenInfo>, ApiError> {
    let key = chokepoint_store::token_hash(secret);
    {
        let cache = state.token_cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((info, at)) = cache.get(&key) {
            if at.elapsed() < CACHE_TTL {
                return Ok(Some(info.clone()));
            }
        }
    }
    let found = state.store.authenticate(secret).await?;
    let mut cache = state.token_cache.lock().unwrap_or_else(|e| e.into_inner());
    if cache.len() > 10_000 {
        cache.clear();
    }
    match &found {
        Some(info) => {
            cache.insert(key, (info.clone(), Instant::now()));
        }
        None => {
            cache.remove(&key);
        }
    }
    Ok(found)
}

/// Middleware: checks the bearer token and the role for `access`.
pub async fn require(
    State((state, access)): State<(AppState, Access)>,
    mut req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let header = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::trim);
    let secret = match header {
        None => return Err(ApiError::field(StatusCode::UNAUTHORIZED, "Authorization", "missing `Authorization: Bearer <token>` (create one with `chokepoint tokens create --role ROLE`)")),
        Some(h) => match h.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => token.trim().to_string(),
            _ => return Err(ApiError::field(StatusCode::UNAUTHORIZED, "Authorization", "expected `Bearer <token>`")),
        },
    };
    let Some(info) = authenticate(&state, &secret).await? else {
        return Err(ApiError::field(
            StatusCode::UNAUTHORIZED,
            "Authorization",
            "unknown or revoked token",
        ));
    };
    let allowed = allowed_roles(access);
    if !allowed.contains(&info.role) {
        let names: Vec<_> = allowed.iter().map(|r| r.as_str()).collect();
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "role `{}` may not do this; it needs one of: {}",
                info.role,
                names.join(", ")
            ),
        ));
    }
    req.extensions_mut().insert(Caller(info));
    Ok(next.run(req).await)
}
