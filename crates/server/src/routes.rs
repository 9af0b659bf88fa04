//! The route table: every route is registered once, with its handlers (whose
//! `#[utoipa::path]` annotations give the OpenAPI description) and the scope
//! decision it makes, so the router, the API document and the list of routes
//! are one thing. The HTTP test that probes every route with every role is
//! generated from [`route_table`]; a route added without a decision does not
//! compile, and a route the test does not know how to probe fails it.

use axum::Router;
use axum::routing::MethodRouter;
use utoipa::openapi::OpenApi;
use utoipa::openapi::RefOr;
use utoipa::openapi::path::Paths;
use utoipa::openapi::schema::Schema;
use utoipa_axum::router::UtoipaMethodRouter;

use crate::AppState;

/// What a route may show a caller, and so how it is probed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guard {
    /// Open without a login (health check, login, the public 申报 form).
    Public,
    /// Any logged-in user; answers about the caller or reference data only
    /// (code lists, roles, parameters, the calendar), never household data.
    Session,
    /// The path names a household (`{id}`): outside the caller's scope it
    /// does not exist (404, like a number that was never issued).
    Household,
    /// The path names a record that belongs to a household (a case, visit,
    /// photo, measure, loan, post, award, 务工 record, self-report, duplicate
    /// pair): outside the caller's scope it does not exist.
    Record,
    /// A list or aggregate: every row it answers lies in the caller's scope;
    /// an `area` outside it does not exist.
    Scoped,
    /// Area-keyed administration (users, audit log, calendar, imports and
    /// exports, cadres, campaigns): needs its own permission, within the
    /// caller's area.
    Admin,
}

/// One registered route: its path (axum syntax) and its decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteSpec {
    pub path: &'static str,
    pub guard: Guard,
}

/// A router being built together with its table and its API description.
pub struct Routes {
    router: Router<AppState>,
    table: Vec<RouteSpec>,
    paths: Paths,
    schemas: Vec<(String, RefOr<Schema>)>,
}

impl Default for Routes {
    fn default() -> Self {
        Routes::new()
    }
}

impl Routes {
    pub fn new() -> Routes {
        Routes {
            router: Router::new(),
            table: Vec::new(),
            paths: Paths::new(),
            schemas: Vec::new(),
        }
    }

    /// Registers `path` with its handlers (`utoipa_axum::routes!(a, b)`:
    /// the methods and the description come from each handler's
    /// `#[utoipa::path]`) and its scope decision.
    ///
    /// # Panics
    /// When a handler's annotation names another path than `path`.
    pub fn route(
        self,
        path: &'static str,
        handlers: UtoipaMethodRouter<AppState>,
        guard: Guard,
    ) -> Routes {
        self.route_with(path, handlers, guard, |m| m)
    }

    /// Like [`Routes::route`], with `layer` applied to the handlers (a body
    /// limit, say).
    ///
    /// # Panics
    /// When a handler's annotation names another path than `path`.
    pub fn route_with(
        mut self,
        path: &'static str,
        (schemas, paths, handlers): UtoipaMethodRouter<AppState>,
        guard: Guard,
        layer: impl FnOnce(MethodRouter<AppState>) -> MethodRouter<AppState>,
    ) -> Routes {
        for documented in paths.paths.keys() {
            assert_eq!(
                documented, path,
                "the handlers of {path} document {documented}"
            );
        }
        self.router = self.router.route(path, layer(handlers));
        self.table.push(RouteSpec { path, guard });
        self.paths.merge(paths);
        self.schemas.extend(schemas);
        self
    }

    /// Adds the routes of another table.
    pub fn merge(mut self, other: Routes) -> Routes {
        self.router = self.router.merge(other.router);
        self.table.extend(other.table);
        self.paths.merge(other.paths);
        self.schemas.extend(other.schemas);
        self
    }

    /// Applies `f` to the router built so far (a layer such as a body
    /// limit); the table is unchanged.
    pub fn map(mut self, f: impl FnOnce(Router<AppState>) -> Router<AppState>) -> Routes {
        self.router = f(self.router);
        self
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<RouteSpec>) {
        (self.router, self.table)
    }

    /// The paths and schemas of the registered routes, added to `doc`.
    pub fn describe(&self, mut doc: OpenApi) -> OpenApi {
        doc.paths.merge(self.paths.clone());
        let components = doc.components.get_or_insert_with(Default::default);
        for (name, schema) in &self.schemas {
            if let Some(other) = components.schemas.insert(name.clone(), schema.clone()) {
                assert!(
                    other == *schema,
                    "two types answer under the schema name {name}: rename one"
                );
            }
        }
        doc
    }
}

/// Every API route of the application with its decision (the same table the
/// router is built from).
pub fn route_table() -> Vec<RouteSpec> {
    crate::api_routes().into_parts().1
}
