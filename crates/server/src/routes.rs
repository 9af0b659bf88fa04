//! The route table: every route is registered with the scope decision it
//! makes, so the router and the list of routes are one thing. The HTTP test
//! that probes every route with every role is generated from
//! [`route_table`]; a route added without a decision does not compile, and a
//! route the test does not know how to probe fails it.

use axum::Router;
use axum::routing::MethodRouter;

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

/// A router being built together with its table.
pub struct Routes {
    router: Router<AppState>,
    table: Vec<RouteSpec>,
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
        }
    }

    /// Registers `path` with its handlers and its scope decision.
    pub fn route(
        mut self,
        path: &'static str,
        handlers: MethodRouter<AppState>,
        guard: Guard,
    ) -> Routes {
        self.router = self.router.route(path, handlers);
        self.table.push(RouteSpec { path, guard });
        self
    }

    /// Adds the routes of another table.
    pub fn merge(mut self, other: Routes) -> Routes {
        self.router = self.router.merge(other.router);
        self.table.extend(other.table);
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
}

/// Every API route of the application with its decision (the same table the
/// router is built from).
pub fn route_table() -> Vec<RouteSpec> {
    crate::api_routes().into_parts().1
}
