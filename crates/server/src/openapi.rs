//! The OpenAPI document (`GET /openapi.json`).

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "chokepoint", description = "Export-control compliance for semiconductors: licence determination, restricted-party screening, review cases and a hash-chained audit trail. Every /v1 route and /match/{dataset} needs `Authorization: Bearer <token>`; the role each allows is in its description and in crates/server/src/auth.rs."),
    paths(
        routes::health::healthz,
        routes::health::readyz,
        crate::metrics::metrics,
        openapi_json,
        routes::check::check,
        routes::screen::screen,
        routes::screen::batch,
        routes::screen::match_pairs,
        routes::screen::yente_match,
        routes::rules::rules,
        routes::rules::rule,
        routes::lists::lists,
        routes::lists::update,
        routes::tokens::whoami,
        routes::tokens::list,
        routes::tokens::create,
        routes::tokens::revoke,
        routes::cases::list,
        routes::cases::get_one,
        routes::cases::decide,
        routes::cases::allow_list,
        routes::audit::list,
        routes::audit::get_one,
        routes::audit::verify,
        routes::audit::export,
    ),
    components(schemas(routes::screen::Detail, routes::cases::CaseFilter)),
    modifiers(&Bearer, &CommonResponses),
    tags(
        (name = "licence", description = "Licence determination and the rulebook"),
        (name = "screening", description = "Restricted-party screening"),
        (name = "lists", description = "Restricted-party lists"),
        (name = "review", description = "Review cases and the allow-list"),
        (name = "audit", description = "The hash-chained audit trail"),
        (name = "tokens", description = "API tokens"),
        (name = "health", description = "Health, readiness, metrics"),
    )
)]
pub struct ApiDoc;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token from `chokepoint tokens create --role ROLE`",
                    ))
                    .build(),
            ),
        );
    }
}

/// The error answers every protected route can give, added to each operation so the document
/// names every status a client can see: 401/403 (token and role), 400 (a malformed query or
/// path parameter, or malformed JSON), 413/422 (a body too large, a field wrong) where there is
/// a body, 503 where the audit store (or the lists) can be unavailable.
struct CommonResponses;

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        let error = |description: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("ErrorBody")))
                            .build(),
                    )
                    .build(),
            )
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let protected = path.starts_with("/v1/") || path.starts_with("/match/");
            if !protected {
                continue;
            }
            for op in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                let has_body = op.request_body.is_some();
                let has_params = op.parameters.as_ref().is_some_and(|p| !p.is_empty());
                let mut add = |status: &str, description: &str| {
                    op.responses
                        .responses
                        .entry(status.to_string())
                        .or_insert_with(|| error(description));
                };
                add("401", "No token, or an unknown or revoked one");
                add("403", "The token's role may not use this route");
                add(
                    "503",
                    "The audit store is unavailable (nothing was recorded), or no lists are loaded",
                );
                if has_body || has_params {
                    add("400", "A malformed parameter or body; the message names it");
                }
                if has_body {
                    add("413", "The body is larger than the limit");
                    add("422", "A field is wrong; the message names it");
                }
            }
        }
    }
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "health", responses((status = 200, description = "OpenAPI 3.1 document", body = Object)))]
pub(crate) async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
