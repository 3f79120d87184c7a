//! Routes that carry their own documentation: a handler module declares each route once, with
//! the handler and its [`Operation`] side by side, and [`Api`] builds both the axum router the
//! functions serve and the OpenAPI 3.1 document (`GET /api/openapi.json`) from that one
//! declaration — so the document can neither list a route nobody serves nor miss one. The
//! schemas are generated from the very types the handlers (de)serialise (schemars, honouring
//! their serde attributes); an end-to-end middleware validates every answer the suites provoke
//! against the document.

use std::collections::BTreeMap;

use axum::Router;
use axum::handler::Handler;
use axum::routing::{MethodRouter, get, post};
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Serialize;
use serde_json::{Map, Value};

/// Produces a schema, registering the definitions it refers to.
pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

/// The schema of `T` (a `$ref` to its definition where it has a name).
pub fn schema_of<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

fn plain_string(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "string"})
}

fn binary(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "string", "format": "binary"})
}

fn problem_schema(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<crate::problem::Problem>()
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum In {
    Path,
    Query,
    Header,
}

#[derive(Debug)]
struct Parameter {
    name: &'static str,
    location: In,
    required: bool,
    description: &'static str,
    schema: SchemaFn,
}

/// One media type of a body, with its schema (`None`: any bytes of that type).
#[derive(Debug)]
struct Content {
    media: &'static str,
    schema: Option<SchemaFn>,
}

#[derive(Debug)]
struct Answer {
    status: u16,
    description: &'static str,
    content: Vec<Content>,
}

/// What one route takes and answers, as the document states it.
#[derive(Debug)]
pub struct Operation {
    id: &'static str,
    summary: &'static str,
    bearer: bool,
    parameters: Vec<Parameter>,
    body: Vec<Content>,
    answers: Vec<Answer>,
}

impl Operation {
    pub fn new(id: &'static str, summary: &'static str) -> Self {
        Operation {
            id,
            summary,
            bearer: false,
            parameters: Vec::new(),
            body: Vec::new(),
            answers: Vec::new(),
        }
    }

    /// Staff send their bearer token (JWT).
    pub fn bearer(mut self) -> Self {
        self.bearer = true;
        self
    }

    fn parameter(
        mut self,
        name: &'static str,
        location: In,
        required: bool,
        description: &'static str,
        schema: SchemaFn,
    ) -> Self {
        self.parameters.push(Parameter {
            name,
            location,
            required,
            description,
            schema,
        });
        self
    }

    /// A `{name}` segment of the path.
    pub fn path(self, name: &'static str, description: &'static str) -> Self {
        self.parameter(name, In::Path, true, description, plain_string)
    }

    /// A query parameter whose value is any string the handler then checks.
    pub fn query(self, name: &'static str, required: bool, description: &'static str) -> Self {
        self.parameter(name, In::Query, required, description, plain_string)
    }

    /// A query parameter with its constraints stated.
    pub fn query_as(
        self,
        name: &'static str,
        required: bool,
        description: &'static str,
        schema: SchemaFn,
    ) -> Self {
        self.parameter(name, In::Query, required, description, schema)
    }

    /// A request header.
    pub fn header(
        self,
        name: &'static str,
        required: bool,
        description: &'static str,
        schema: SchemaFn,
    ) -> Self {
        self.parameter(name, In::Header, required, description, schema)
    }

    /// The applicant's access code, for routes the applicant may also use.
    pub fn access_code(self, description: &'static str) -> Self {
        self.header(
            crate::access::ACCESS_CODE_HEADER,
            false,
            description,
            plain_string,
        )
    }

    /// A JSON body of type `T`.
    pub fn json_body<T: JsonSchema>(self) -> Self {
        self.body("application/json", Some(schema_of::<T>))
    }

    /// One accepted media type of the body.
    pub fn body(mut self, media: &'static str, schema: Option<SchemaFn>) -> Self {
        self.body.push(Content { media, schema });
        self
    }

    /// A JSON answer of type `T`.
    pub fn answer<T: JsonSchema>(self, status: u16, description: &'static str) -> Self {
        self.answer_as(
            status,
            description,
            "application/json",
            Some(schema_of::<T>),
        )
    }

    /// An answer of another media type (`None`: any bytes of it).
    pub fn answer_as(
        mut self,
        status: u16,
        description: &'static str,
        media: &'static str,
        schema: Option<SchemaFn>,
    ) -> Self {
        match self.answers.iter_mut().find(|a| a.status == status) {
            Some(answer) => answer.content.push(Content { media, schema }),
            None => self.answers.push(Answer {
                status,
                description,
                content: vec![Content { media, schema }],
            }),
        }
        self
    }

    /// A PDF answer.
    pub fn pdf(self, status: u16, description: &'static str) -> Self {
        self.answer_as(status, description, "application/pdf", Some(binary))
    }

    /// An answer without a body.
    pub fn empty(mut self, status: u16, description: &'static str) -> Self {
        self.answers.push(Answer {
            status,
            description,
            content: Vec::new(),
        });
        self
    }

    /// A problem document (RFC 9457) the route may answer.
    pub fn problem(self, status: u16, description: &'static str) -> Self {
        self.answer_as(
            status,
            description,
            "application/problem+json",
            Some(problem_schema),
        )
    }

    /// The statuses this operation documents.
    pub fn statuses(&self) -> impl Iterator<Item = u16> + '_ {
        self.answers.iter().map(|a| a.status)
    }
}

/// One documented route.
#[derive(Debug)]
pub struct Route {
    pub method: &'static str,
    /// As the function routes it; the document puts `/api` in front.
    pub path: &'static str,
    pub operation: Operation,
}

/// A router and the documentation of each of its routes, built together.
#[derive(Debug)]
pub struct Api<S = ()> {
    router: Router<S>,
    routes: Vec<Route>,
}

impl<S: Clone + Send + Sync + 'static> Default for Api<S> {
    fn default() -> Self {
        Api::new()
    }
}

impl<S: Clone + Send + Sync + 'static> Api<S> {
    pub fn new() -> Self {
        Api {
            router: Router::new(),
            routes: Vec::new(),
        }
    }

    /// `GET path`, served by `handler` and documented by `operation`.
    pub fn get<H, T>(self, path: &'static str, handler: H, operation: Operation) -> Self
    where
        H: Handler<T, S>,
        T: 'static,
    {
        self.route("get", path, get(handler), operation)
    }

    /// `POST path`, served by `handler` and documented by `operation`.
    pub fn post<H, T>(self, path: &'static str, handler: H, operation: Operation) -> Self
    where
        H: Handler<T, S>,
        T: 'static,
    {
        self.route("post", path, post(handler), operation)
    }

    fn route(
        mut self,
        method: &'static str,
        path: &'static str,
        endpoint: MethodRouter<S>,
        operation: Operation,
    ) -> Self {
        self.router = self.router.route(path, endpoint);
        self.routes.push(Route {
            method,
            path,
            operation,
        });
        self
    }

    pub fn merge(mut self, other: Api<S>) -> Self {
        self.router = self.router.merge(other.router);
        self.routes.extend(other.routes);
        self
    }

    /// The router, given its state, as a function serves it.
    pub fn with_state<S2>(self, state: S) -> Router<S2> {
        self.router.with_state(state)
    }

    pub fn into_router(self) -> Router<S> {
        self.router
    }

    /// The documented routes, without the router.
    pub fn into_routes(self) -> Vec<Route> {
        self.routes
    }
}

#[derive(Serialize)]
struct Document {
    openapi: &'static str,
    info: Info,
    paths: BTreeMap<String, BTreeMap<&'static str, OperationDoc>>,
    components: Components,
}

#[derive(Serialize)]
struct Info {
    title: &'static str,
    version: &'static str,
    description: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OperationDoc {
    operation_id: &'static str,
    summary: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    security: Vec<BTreeMap<&'static str, [(); 0]>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    parameters: Vec<ParameterDoc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_body: Option<BodyDoc>,
    responses: BTreeMap<String, AnswerDoc>,
}

#[derive(Serialize)]
struct ParameterDoc {
    name: &'static str,
    #[serde(rename = "in")]
    location: In,
    required: bool,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'static str,
    schema: Schema,
}

#[derive(Serialize)]
struct BodyDoc {
    required: bool,
    content: BTreeMap<&'static str, MediaDoc>,
}

#[derive(Serialize)]
struct MediaDoc {
    #[serde(skip_serializing_if = "Option::is_none")]
    schema: Option<Schema>,
}

#[derive(Serialize)]
struct AnswerDoc {
    description: &'static str,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    content: BTreeMap<&'static str, MediaDoc>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Components {
    schemas: Map<String, Value>,
    security_schemes: BTreeMap<&'static str, SecurityScheme>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SecurityScheme {
    #[serde(rename = "type")]
    kind: &'static str,
    scheme: &'static str,
    bearer_format: &'static str,
}

fn media(generator: &mut SchemaGenerator, content: &[Content]) -> BTreeMap<&'static str, MediaDoc> {
    content
        .iter()
        .map(|c| {
            (
                c.media,
                MediaDoc {
                    schema: c.schema.map(|f| f(generator)),
                },
            )
        })
        .collect()
}

fn operation_doc(generator: &mut SchemaGenerator, op: &Operation) -> OperationDoc {
    OperationDoc {
        operation_id: op.id,
        summary: op.summary,
        security: if op.bearer {
            vec![BTreeMap::from([("bearer", [])])]
        } else {
            Vec::new()
        },
        parameters: op
            .parameters
            .iter()
            .map(|p| ParameterDoc {
                name: p.name,
                location: p.location,
                required: p.required,
                description: p.description,
                schema: (p.schema)(generator),
            })
            .collect(),
        request_body: (!op.body.is_empty()).then(|| BodyDoc {
            required: true,
            content: media(generator, &op.body),
        }),
        responses: op
            .answers
            .iter()
            .map(|a| {
                (
                    a.status.to_string(),
                    AnswerDoc {
                        description: a.description,
                        content: media(generator, &a.content),
                    },
                )
            })
            .collect(),
    }
}

/// The OpenAPI 3.1 document of `routes`, every schema under `#/components/schemas`.
pub fn document(routes: &[Route]) -> Value {
    let mut generator = SchemaSettings::draft2020_12()
        .with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
        })
        .into_generator();
    let mut paths: BTreeMap<String, BTreeMap<&'static str, OperationDoc>> = BTreeMap::new();
    for route in routes {
        let op = operation_doc(&mut generator, &route.operation);
        paths
            .entry(format!("/api{}", route.path))
            .or_default()
            .insert(route.method, op);
    }
    let document = Document {
        openapi: "3.1.0",
        info: Info {
            title: "计生证件网上办 API",
            version: env!("CARGO_PKG_VERSION"),
            description: "Family-planning certificates online: eligibility with cited rules, complete material lists, applications, tracking. Errors are RFC 9457 problem details with a Chinese `title` and an English `title_en`; a validation failure lists every problem in `errors`.",
        },
        paths,
        components: Components {
            schemas: generator.take_definitions(true),
            security_schemes: BTreeMap::from([(
                "bearer",
                SecurityScheme {
                    kind: "http",
                    scheme: "bearer",
                    bearer_format: "JWT",
                },
            )]),
        },
    };
    serde_json::to_value(&document).unwrap_or_default()
}
