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
    modifiers(&Bearer),
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

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "health", responses((status = 200, description = "OpenAPI 3.1 document", body = Object)))]
pub(crate) async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
